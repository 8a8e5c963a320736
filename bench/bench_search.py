"""Search latency and recall over generated products with English, Chinese and Malay titles.

1. **Generate** ``--products`` products (default 100,000) from fixed word lists with a seeded
   random generator (the same catalog every run): 60 sellers in 7 currencies, a title and a short
   description in en, zh-Hans and ms each, one or two variants. Inserted with ``bulk_create``,
   then indexed once with ``search_index_rebuild`` (the code ``ehub search reindex`` runs).
2. **Latency**: each query of a fixed set (2/3/4/5-character Chinese, Malay, English, prefixes,
   filters and price sorts in the buyer's currency) runs ``--rounds`` times through
   ``ehub.search.selectors.product_search`` (count + a 24-hit page with titles and converted
   prices), then (``--like-rounds`` times: it is slow) the **LIKE baseline**: the
   catalog's ``q=`` before search existed — ``title ILIKE '%q%'`` over translations (with a
   b-tree index on SQLite, a pg_trgm GIN index on PostgreSQL), count + the first 24 products.
   Prints p50/p95 per query, overall, and the ratio search/LIKE. Goal: search p95 at most 50 ms.
3. **Recall** on a small labelled query set whose right answers come from the generator's own
   attributes (not from any search engine): recall and precision of the whole result set, for
   search and for the LIKE baseline.

Runs on SQLite (a temporary file) always, and on PostgreSQL too when ``EHUB_BENCH_POSTGRES_URL``
or ``EHUB_TEST_POSTGRES_URL`` is set: the database ``ehub_bench_search`` on that server is dropped
and recreated (never another name). Each backend runs in its own subprocess (Django is set up
once per process). Machines are shared and noisy: read medians and ratios.

    .venv/bin/python bench/bench_search.py [--products 100000] [--rounds 15] [--like-rounds 5]
        [--only sqlite|postgres]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
sys.path.insert(0, str(SRC))

GOAL_P95_MS = 50.0
PAGE_SIZE = 24
POSTGRES_NAME = "ehub_bench_search"
EUR_RATES = {
    "MYR": "5.00",
    "CNY": "7.80",
    "USD": "1.10",
    "SGD": "1.50",
    "NZD": "1.80",
    "JPY": "160",
}
CURRENCIES = {  # seller country -> payout currency
    "US": "USD",
    "MY": "MYR",
    "CN": "CNY",
    "FR": "EUR",
    "NZ": "NZD",
    "JP": "JPY",
    "SG": "SGD",
}


class BenchError(Exception):
    pass


# -- word lists: (en, zh-Hans, ms) -----------------------------------------------------------------
NOUNS = [
    ("blueberry jam", "蓝莓果酱", "jem beri biru", "food-pantry"),
    ("silk scarf", "真丝丝巾", "selendang sutera", "fashion-accessories"),
    ("handmade soap", "手工皂", "sabun buatan tangan", "beauty"),
    ("white coffee", "白咖啡", "kopi putih", "food-coffee-tea"),
    ("manuka honey", "麦卢卡蜂蜜", "madu manuka", "food-pantry"),
    ("green tea", "绿茶", "teh hijau", "food-coffee-tea"),
    ("oolong tea", "乌龙茶", "teh oolong", "food-coffee-tea"),
    ("batik shirt", "蜡染衬衫", "kemeja batik", "fashion"),
    ("maple syrup", "枫糖浆", "sirap mapel", "food-pantry"),
    ("chef knife", "主厨刀", "pisau chef", "kitchen-knives"),
    ("leather tote", "真皮托特包", "beg tote kulit", "fashion-accessories"),
    ("pineapple tart", "黄梨挞", "tart nanas", "food-sweets"),
    ("stoneware mug", "炻器马克杯", "mug tembikar", "home-kitchen"),
    ("lip balm", "润唇膏", "pelembap bibir", "beauty"),
    ("dark chocolate", "黑巧克力", "coklat gelap", "food-sweets"),
    ("coconut jam", "咖椰酱", "kaya kelapa", "food-pantry"),
    ("dried cherries", "樱桃干", "ceri kering", "food-pantry"),
    ("hand cream", "护手霜", "krim tangan", "beauty"),
    ("porcelain teapot", "瓷茶壶", "teko porselin", "home-kitchen"),
    ("woven basket", "编织篮", "bakul anyaman", "home-crafts"),
    ("cotton sarong", "棉质纱笼", "kain sarung kapas", "fashion"),
    ("chilli sambal", "叁巴辣椒酱", "sambal cili", "food-pantry"),
    ("butter cookies", "黄油曲奇", "biskut mentega", "food-sweets"),
    ("whetstone", "磨刀石", "batu asah", "kitchen-knives"),
]
ADJECTIVES = [
    ("organic", "有机", "organik"),
    ("premium", "优质", "premium"),
    ("traditional", "传统", "tradisional"),
    ("fresh", "新鲜", "segar"),
    ("small-batch", "小批量", "kelompok kecil"),
    ("wild", "野生", "liar"),
    ("classic", "经典", "klasik"),
    ("gift-boxed", "礼盒装", "kotak hadiah"),
    ("artisan", "匠心", "artisan"),
    ("family-recipe", "家传", "resipi keluarga"),
]
FLAVOURS = [
    ("lavender", "薰衣草", "lavender"),
    ("jasmine", "茉莉", "melati"),
    ("ginger", "生姜", "halia"),
    ("rose", "玫瑰", "mawar"),
    ("lemon", "柠檬", "lemon"),
    ("pandan", "香兰", "pandan"),
    ("cinnamon", "肉桂", "kayu manis"),
    ("original", "原味", "asli"),
    ("osmanthus", "桂花", "osmanthus"),
    ("sea salt", "海盐", "garam laut"),
]
PLACES = [
    ("Penang", "槟城", "Pulau Pinang"),
    ("Ipoh", "怡保", "Ipoh"),
    ("Michigan", "密歇根", "Michigan"),
    ("Fujian", "福建", "Fujian"),
    ("Provence", "普罗旺斯", "Provence"),
    ("Kyoto", "京都", "Kyoto"),
    ("Waikato", "怀卡托", "Waikato"),
    ("Joo Chiat", "如切", "Joo Chiat"),
]
FILLERS = [
    ("Packed by hand and shipped from our workshop.", "人工包装，从我们的工坊发货。",
     "Dibungkus dengan tangan dan dihantar dari bengkel kami."),
    ("A favourite with our regular customers.", "深受老顾客喜爱。",
     "Kegemaran pelanggan tetap kami."),
    ("Made in small quantities every week.", "每周少量制作。",
     "Dibuat dalam kuantiti kecil setiap minggu."),
    ("Store in a cool, dry place.", "请存放于阴凉干燥处。",
     "Simpan di tempat yang sejuk dan kering."),
]  # fmt: skip
SYLLABLES = ["ka", "ya", "lu", "mi", "ro", "sen", "ta", "ri", "no", "ba", "ke", "zu", "pa", "do"]


@dataclass(frozen=True)
class Generated:
    noun: int
    adjective: int
    flavour: int
    seller: int


def brand(index: int) -> str:
    rng = random.Random(index * 7919)
    return "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()


def generate(count: int) -> list[Generated]:
    rng = random.Random(2026)
    return [
        Generated(
            noun=rng.randrange(len(NOUNS)),
            adjective=rng.randrange(len(ADJECTIVES)),
            flavour=rng.randrange(len(FLAVOURS)),
            seller=rng.randrange(60),
        )
        for _ in range(count)
    ]


def texts(item: Generated, index: int) -> dict[str, tuple[str, str]]:
    noun, adjective, flavour = NOUNS[item.noun], ADJECTIVES[item.adjective], FLAVOURS[item.flavour]
    place = PLACES[item.seller % len(PLACES)]
    filler = FILLERS[index % len(FILLERS)]
    name = brand(item.seller)
    return {
        "en": (
            f"{name} {adjective[0].title()} {flavour[0].title()} {noun[0].title()}",
            f"{adjective[0].capitalize()} {noun[0]} from {place[0]}. {filler[0]}",
        ),
        "zh-Hans": (
            f"{name} {adjective[1]}{flavour[1]}{noun[1]}",
            f"产自{place[1]}的{adjective[1]}{noun[1]}。{filler[1]}",
        ),
        "ms": (
            f"{noun[2].title()} {flavour[2].title()} {adjective[2].title()} {name}",
            f"{noun[2].capitalize()} {adjective[2]} dari {place[2]}. {filler[2]}",
        ),
    }


# -- seeding -------------------------------------------------------------------------------------
def seed(count: int) -> list[Generated]:
    from django.db import connection, transaction

    from ehub.catalog.models import Category, Product, ProductTranslation, Variant
    from ehub.core import clock
    from ehub.core.currencies import currency_exponent
    from ehub.markets.services import fx_import, market_upsert
    from ehub.search.services import search_index_rebuild
    from ehub.sellers.models import Seller, VerificationStatus

    market_upsert(country="MY", currency="MYR", languages=["ms", "en", "zh-Hans"])
    market_upsert(country="CN", currency="CNY", languages=["zh-Hans", "en"])
    today = clock.today().isoformat()
    rows = "".join(f"EUR,{quote},{rate},{today}\n" for quote, rate in EUR_RATES.items())
    fx_import(text="base,quote,rate,date\n" + rows)

    categories = {}
    for slug in sorted({n[3] for n in NOUNS} | {"food-drink"}):
        categories[slug] = Category.objects.create(slug=slug, names={"en": slug})
    for child in ("food-pantry", "food-coffee-tea", "food-sweets"):
        Category.objects.filter(slug=child).update(parent=categories["food-drink"])
    countries = list(CURRENCIES)
    sellers = Seller.objects.bulk_create(
        [
            Seller(
                slug=f"bench-seller-{n}",
                legal_name=f"{brand(n)} Trading {n}",
                display_name=brand(n),
                country=countries[n % len(countries)],
                registration_number=f"BENCH-{n:04d}",
                contact_email=f"seller{n}@bench.example",
                payout_currency=CURRENCIES[countries[n % len(countries)]],
                # every 20th seller is still pending: its products must never be found
                verification_status=VerificationStatus.PENDING
                if n % 20 == 19
                else VerificationStatus.VERIFIED,
            )
            for n in range(60)
        ]
    )
    items = generate(count)
    rng = random.Random(7)
    batch = 5000
    started = time.perf_counter()
    for start in range(0, count, batch):
        chunk = items[start : start + batch]
        with transaction.atomic():
            products = Product.objects.bulk_create(
                [
                    Product(
                        seller=sellers[item.seller],
                        handle=f"p-{start + offset}",
                        category=categories[NOUNS[item.noun][3]],
                        origin_country=sellers[item.seller].country,
                        hs_code="090121",
                        status="active" if (start + offset) % 50 else "archived",
                    )
                    for offset, item in enumerate(chunk)
                ]
            )
            translations = []
            variants = []
            for offset, (product, item) in enumerate(zip(products, chunk, strict=True)):
                for language, (title, description) in texts(item, start + offset).items():
                    translations.append(
                        ProductTranslation(
                            product=product, language=language, title=title, description=description
                        )
                    )
                currency = sellers[item.seller].payout_currency
                major = rng.randint(3, 400)
                for v in range(1 + (start + offset) % 2):
                    variants.append(
                        Variant(
                            product=product,
                            seller=sellers[item.seller],
                            sku=f"P{start + offset}-{v}",
                            price_minor=(major + 5 * v) * 10 ** currency_exponent(currency),
                            price_currency=currency,
                            weight_grams=300,
                            stock_quantity=10,
                        )
                    )
            ProductTranslation.objects.bulk_create(translations, batch_size=2000)
            Variant.objects.bulk_create(variants, batch_size=2000)
    inserted = time.perf_counter() - started
    started = time.perf_counter()
    search_index_rebuild(batch_size=2000)
    indexed = time.perf_counter() - started
    # The baseline's index: a b-tree on SQLite (useless for '%q%', as in the catalog today) and
    # a trigram GIN index on PostgreSQL when pg_trgm is there (what a LIKE search would add).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                "CREATE INDEX bench_title_trgm ON catalog_producttranslation "
                "USING gin (title gin_trgm_ops)"
            )
            # Settle the freshly loaded tables as autovacuum would (visibility map, hint bits,
            # statistics) — otherwise autovacuum wakes up during the timed runs.
            cursor.execute("VACUUM (ANALYZE)")
        else:
            cursor.execute("CREATE INDEX bench_title ON catalog_producttranslation (title)")
            cursor.execute("ANALYZE")
    print(f"  inserted {count:,} products in {inserted:.1f} s, indexed in {indexed:.1f} s")
    return items


# -- the query set -------------------------------------------------------------------------------
@dataclass(frozen=True)
class BenchQuery:
    label: str
    text: str
    params: dict[str, Any]


def query_set() -> list[BenchQuery]:
    rare = brand(7)
    return [
        BenchQuery("zh 2 chars", "蓝莓", {}),
        BenchQuery("zh 2 chars", "丝巾", {}),
        BenchQuery("zh 3 chars", "白咖啡", {}),
        BenchQuery("zh 3 chars", "手工皂", {}),
        BenchQuery("zh 4 chars", "真丝丝巾", {}),
        BenchQuery("zh 4 chars", "有机绿茶", {}),
        BenchQuery("zh 5 chars", "麦卢卡蜂蜜", {}),
        BenchQuery("ms", "madu manuka", {}),
        BenchQuery("ms", "kopi putih", {}),
        BenchQuery("ms", "sabun lavender", {}),
        BenchQuery("en", "silk scarf", {}),
        BenchQuery("en", "organic green tea", {}),
        BenchQuery("en prefix", "choc", {}),
        BenchQuery("en broad", "tea", {}),
        BenchQuery("en rare brand", rare.lower(), {}),
        BenchQuery("zh + price MYR", "蓝莓", {"min_price": "20", "max_price": "300"}),
        BenchQuery("en + price asc", "tea", {"sort": "price_asc"}),
        BenchQuery("category + newest", "", {"category": "food-drink", "sort": "newest"}),
        BenchQuery("origin + price desc", "jam", {"origin": "US", "sort": "price_desc"}),
        BenchQuery("no results", "bluebery", {}),
    ]


LABELLED: dict[str, Callable[[Generated], bool]] = {
    "蓝莓": lambda g: NOUNS[g.noun][0] == "blueberry jam",
    "丝巾": lambda g: NOUNS[g.noun][0] == "silk scarf",
    "白咖啡": lambda g: NOUNS[g.noun][0] == "white coffee",
    "真丝丝巾": lambda g: NOUNS[g.noun][0] == "silk scarf",
    "麦卢卡蜂蜜": lambda g: NOUNS[g.noun][0] == "manuka honey",
    "有机绿茶": lambda g: (
        NOUNS[g.noun][0] == "green tea" and ADJECTIVES[g.adjective][0] == "organic"
    ),
    "madu manuka": lambda g: NOUNS[g.noun][0] == "manuka honey",
    "kopi putih": lambda g: NOUNS[g.noun][0] == "white coffee",
    "silk scarf": lambda g: NOUNS[g.noun][0] == "silk scarf",
    "organic green tea": lambda g: (
        NOUNS[g.noun][0] == "green tea" and ADJECTIVES[g.adjective][0] == "organic"
    ),
    "lavender soap": lambda g: (
        NOUNS[g.noun][0] == "handmade soap" and FLAVOURS[g.flavour][0] == "lavender"
    ),
    "jasmine tea": lambda g: "tea" in NOUNS[g.noun][0] and FLAVOURS[g.flavour][0] == "jasmine",
}


# -- measuring -----------------------------------------------------------------------------------
def run_search(query: BenchQuery, market: Any) -> int:
    from ehub.search.selectors import SearchQuery, product_search

    result = product_search(
        query=SearchQuery(
            text=query.text, language="zh-Hans", market=market, size=PAGE_SIZE, **query.params
        )
    )
    return result.total


def run_like(query: BenchQuery) -> int:
    """The catalog's q= before search: titles containing the text, count + first page."""
    from ehub.catalog.selectors import public_products

    category = query.params.get("category")
    products = public_products(
        text=query.text or None, category=category, origin_country=query.params.get("origin")
    )
    total = products.count()
    list(products[:PAGE_SIZE])
    return total


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def measure(rounds: int, like_rounds: int) -> tuple[float, float]:
    from ehub.markets.selectors import market_get

    market = market_get(country="MY")
    queries = query_set()
    search_times: dict[int, list[float]] = {i: [] for i in range(len(queries))}
    like_times: dict[int, list[float]] = {i: [] for i in range(len(queries))}
    totals: dict[int, tuple[int, int]] = {}
    # Search first, then the baseline, each after its own warm-up (jieba, caches, plans): the
    # baseline scans every translation, and interleaved it evicted the search's pages from
    # PostgreSQL's buffer cache — measuring the benchmark's own LIKE scans, not a search.
    for index, query in enumerate(queries):
        totals[index] = (run_search(query, market), 0)
    for _round in range(rounds):
        for index, query in enumerate(queries):
            started = time.perf_counter()
            run_search(query, market)
            search_times[index].append(time.perf_counter() - started)
    for index, query in enumerate(queries):
        totals[index] = (totals[index][0], run_like(query))
    for _round in range(like_rounds):  # the baseline is slow: fewer samples
        for index, query in enumerate(queries):
            started = time.perf_counter()
            run_like(query)
            like_times[index].append(time.perf_counter() - started)
    print(
        f"\n  {'query':<34} {'hits':>7} {'p50 ms':>8} {'p95 ms':>8}   "
        f"{'LIKE hits':>9} {'p50 ms':>8} {'p95 ms':>8}   {'p95 ratio':>9}"
    )
    for index, query in enumerate(queries):
        extra = " ".join(f"{k}={v}" for k, v in query.params.items())
        label = f"{query.label}: {query.text or '-'} {extra}".strip()
        s50, s95 = percentile(search_times[index], 50), percentile(search_times[index], 95)
        l50, l95 = percentile(like_times[index], 50), percentile(like_times[index], 95)
        print(
            f"  {label[:34]:<34} {totals[index][0]:>7,} {s50 * 1000:8.1f} {s95 * 1000:8.1f}   "
            f"{totals[index][1]:>9,} {l50 * 1000:8.1f} {l95 * 1000:8.1f}   "
            f"{s95 / l95:8.2f}x"
        )
    all_search = [t for times in search_times.values() for t in times]
    all_like = [t for times in like_times.values() for t in times]
    p95 = percentile(all_search, 95)
    like95 = percentile(all_like, 95)
    print(
        f"\n  all queries: search p50 {statistics.median(all_search) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms; LIKE p50 {statistics.median(all_like) * 1000:.1f} ms, "
        f"p95 {like95 * 1000:.1f} ms; search/LIKE p95 = {p95 / like95:.2f}x"
    )
    worst = max(percentile(times, 95) for times in search_times.values())
    print(
        f"  goal p95 <= {GOAL_P95_MS:.0f} ms: overall "
        f"{'met' if p95 * 1000 <= GOAL_P95_MS else 'NOT met'}"
        f"; worst single query p95 {worst * 1000:.1f} ms "
        f"({'met' if worst * 1000 <= GOAL_P95_MS else 'NOT met'})"
    )
    return p95, like95


def recall(items: list[Generated]) -> None:
    from ehub.catalog.models import Product, ProductStatus
    from ehub.catalog.selectors import public_products
    from ehub.search.selectors import product_search_ids
    from ehub.sellers.models import VerificationStatus

    visible = set(
        Product.objects.filter(
            status=ProductStatus.ACTIVE, seller__verification_status=VerificationStatus.VERIFIED
        ).values_list("handle", flat=True)
    )
    by_handle = {f"p-{i}": item for i, item in enumerate(items)}
    ids_to_handle = dict(Product.objects.values_list("pk", "handle"))
    print(
        f"\n  {'labelled query':<20} {'relevant':>8}   {'search R':>8} {'P':>6}   "
        f"{'LIKE R':>7} {'P':>6}"
    )
    search_recalls, like_recalls = [], []
    for text, relevant_if in LABELLED.items():
        relevant = {h for h in visible if relevant_if(by_handle[h])}
        found = {ids_to_handle[i] for i in product_search_ids(text=text, limit=len(items))}
        liked = set(public_products(text=text).values_list("handle", flat=True))
        row = []
        for hits, bucket in ((found, search_recalls), (liked, like_recalls)):
            r = len(hits & relevant) / len(relevant) if relevant else 1.0
            p = len(hits & relevant) / len(hits) if hits else (1.0 if not relevant else 0.0)
            bucket.append(r)
            row.append((r, p))
        print(
            f"  {text:<20} {len(relevant):>8,}   {row[0][0]:8.2f} {row[0][1]:6.2f}   "
            f"{row[1][0]:7.2f} {row[1][1]:6.2f}"
        )
    print(
        f"  mean recall: search {statistics.mean(search_recalls):.2f}, "
        f"LIKE {statistics.mean(like_recalls):.2f}"
    )


# -- one backend, in this process ------------------------------------------------------------------
def run_backend(url: str, label: str, products: int, rounds: int, like_rounds: int) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="ehub.settings",
        DATABASE_URL=url,
        EHUB_ENV="development",
        EHUB_DEBUG="0",
        EHUB_LOG_LEVEL="WARNING",
    )
    import django
    from django.core.management import call_command

    django.setup()
    print(f"== {label}: {products:,} products", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    items = seed(products)
    measure(rounds, like_rounds)
    recall(items)


def recreate_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=10) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(POSTGRES_NAME)
                )
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(POSTGRES_NAME)))
    except psycopg.Error as exc:
        raise BenchError(f"cannot recreate PostgreSQL database {POSTGRES_NAME}: {exc}") from exc


def backends(only: str | None) -> list[tuple[str, str, str | None]]:
    """(kind, url, temporary folder) per backend to run."""
    chosen: list[tuple[str, str, str | None]] = []
    if only in (None, "sqlite"):
        tmpdir = tempfile.mkdtemp(prefix="ehub-bench-search-")
        chosen.append(("sqlite", f"sqlite:///{Path(tmpdir) / 'bench.sqlite3'}", tmpdir))
    server = (
        os.environ.get("EHUB_BENCH_POSTGRES_URL", "").strip()
        or os.environ.get("EHUB_TEST_POSTGRES_URL", "").strip()
    )
    if only in (None, "postgres") and server:
        url = urlunsplit(urlsplit(server)._replace(path=f"/{POSTGRES_NAME}"))
        chosen.append(("postgres", url, None))
    elif only == "postgres":
        raise BenchError("set EHUB_BENCH_POSTGRES_URL (or EHUB_TEST_POSTGRES_URL) for PostgreSQL")
    return chosen


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=15, help="timed runs of each query")
    parser.add_argument(
        "--like-rounds", type=int, default=5, help="timed runs of the LIKE baseline per query"
    )
    parser.add_argument("--only", choices=["sqlite", "postgres"], default=None)
    parser.add_argument("--child", nargs=2, metavar=("URL", "LABEL"), help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args(argv)  # bench/run.py passes every script its args
    if args.products < 100 or args.rounds < 1 or not 1 <= args.like_rounds <= args.rounds:
        parser.error("--products >= 100, --rounds >= 1, 1 <= --like-rounds <= --rounds")
    return args


def main(argv: list[str]) -> int:
    try:
        args = parse_args(argv)
        if args.child:
            run_backend(args.child[0], args.child[1], args.products, args.rounds, args.like_rounds)
            return 0
        failed = []
        for kind, url, tmpdir in backends(args.only):
            try:
                if kind == "postgres":
                    recreate_postgres(url)
                label = (
                    "SQLite (temporary file, WAL)"
                    if kind == "sqlite"
                    else (f"PostgreSQL ({urlsplit(url).hostname}/{POSTGRES_NAME})")
                )
                command = [
                    sys.executable,
                    __file__,
                    "--products",
                    str(args.products),
                    "--rounds",
                    str(args.rounds),
                    "--like-rounds",
                    str(args.like_rounds),
                    "--child",
                    url,
                    label,
                ]
                env = dict(os.environ)
                env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
                if subprocess.run(command, env=env, check=False).returncode != 0:  # noqa: S603
                    failed.append(kind)
            finally:
                if tmpdir:
                    shutil.rmtree(tmpdir, ignore_errors=True)
        if failed:
            print(f"bench_search: FAILED on {', '.join(failed)}", file=sys.stderr)
            return 1
    except BenchError as exc:
        print(f"bench_search: FAILED: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        traceback.print_exc()
        print(f"bench_search: FAILED: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
