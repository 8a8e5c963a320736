"""GET /api/v1/search over part of the demo catalog, on SQLite and PostgreSQL alike.

Products are written through the catalog services (as sellers, imports and the demo loader do),
so every test also checks that those services keep the index in step."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from ehub.catalog.models import Product
from ehub.catalog.services import category_upsert, product_archive, product_create, product_patch
from ehub.core import clock
from ehub.core.money import Money
from ehub.markets.selectors import fx_rate_table_on
from ehub.markets.services import fx_import, market_upsert
from ehub.search.backends import PostgresTsvectorBackend, SqliteFts5Backend, search_backend
from ehub.search.models import SearchDocument
from ehub.sellers.models import VerificationStatus
from ehub.sellers.services import seller_set_verification
from ehub.sellers.tests.factories import SellerFactory

CATALOG = Path(__file__).resolve().parents[1] / "src/ehub/demo/data/catalog.json"
# Sellers taken from the demo catalog: one per currency, plus the one still pending verification.
SELLERS = (
    "great-lakes-berry-farm",  # US, USD: blueberries
    "rumah-batik-tanjung",  # MY, MYR: batik, silk scarf
    "kinta-heritage-white-coffee",  # MY, MYR
    "yunling-tea-garden",  # CN, CNY
    "savonnerie-du-luberon",  # FR, EUR: soap
    "kaimai-ridge-honey",  # NZ, NZD: honey
)
EUR_RATES = {"MYR": "5.00", "USD": "1.10", "CNY": "7.80", "NZD": "1.80", "GBP": "0.85"}


def _demo() -> dict[str, Any]:
    return json.loads(CATALOG.read_text(encoding="utf-8"))


def _payload(product: dict[str, Any]) -> dict[str, Any]:
    payload = {k: v for k, v in product.items() if k != "variants"}
    payload["variants"] = [
        {**{k: v for k, v in variant.items() if k != "stock"}, "stock_quantity": variant["stock"]}
        for variant in product["variants"]
    ]
    return payload


@pytest.fixture
def markets(db) -> None:
    """Categories, the MY and CN markets and today's EUR-based rates; no products."""
    for category in _demo()["categories"]:
        category_upsert(slug=category["slug"], names=category["names"], parent=category["parent"])
    market_upsert(country="MY", currency="MYR", languages=["ms", "en", "zh-Hans"])
    market_upsert(country="CN", currency="CNY", languages=["zh-Hans", "en"])
    today = clock.today().isoformat()
    rows = "".join(f"EUR,{quote},{rate},{today}\n" for quote, rate in EUR_RATES.items())
    fx_import(text="base,quote,rate,date\n" + rows)


@pytest.fixture
def catalog(markets) -> dict[str, Any]:
    data = _demo()
    wanted = {s["slug"]: s for s in data["sellers"]}
    # A pending seller too: its products must never be found.
    pending = next(s for s in data["sellers"] if s["verification_status"] != "verified")
    products: dict[str, Product] = {}
    texts: dict[str, str] = {}
    for slug in [*[s for s in SELLERS if s in wanted], pending["slug"]]:
        source = wanted[slug]
        seller = SellerFactory(
            slug=slug,
            country=source["country"],
            payout_currency=source["payout_currency"],
            verification_status=source["verification_status"],
        )
        for product in source["products"]:
            created = product_create(seller=seller, actor=None, data=_payload(product))
            products[product["handle"]] = created
            if source["verification_status"] == "verified":
                texts[product["handle"]] = " ".join(
                    f"{t['title']} {t.get('description', '')}"
                    for t in product["translations"].values()
                )
    return {"products": products, "texts": texts, "pending": pending["slug"]}


def search(client: Client | None = None, **params: Any) -> dict[str, Any]:
    response = (client or Client()).get("/api/v1/search", params)
    assert response.status_code == 200, response.content
    return response.json()


def handles(body: dict[str, Any]) -> set[str]:
    return {item["handle"] for item in body["items"]}


def everything(**params: Any) -> dict[str, Any]:
    return search(size=100, **params)


def test_backend_follows_the_database(db):
    expected = PostgresTsvectorBackend if connection.vendor == "postgresql" else SqliteFts5Backend
    assert isinstance(search_backend(), expected)


# -- Chinese: 2-, 3- and 4-character queries -----------------------------------------------------
@pytest.mark.parametrize("word", ["蓝莓", "咖啡", "蜂蜜", "蜡染", "橄榄油", "铁观音", "麦卢卡"])
def test_a_chinese_word_finds_exactly_the_products_containing_it(catalog, word):
    expected = {h for h, text in catalog["texts"].items() if word in text}
    assert expected, f"the test catalog has no {word}"
    assert handles(everything(q=word)) == expected


def test_two_characters_blueberry(catalog):
    body = everything(q="蓝莓", lang="zh-Hans")
    assert "blueberry-jam" in handles(body)
    assert all("蓝莓" in item["title"] for item in body["items"])
    assert {item["language"] for item in body["items"]} == {"zh-Hans"}


def test_three_characters_blueberry_jam_matches_blueberry_fruit_jam(catalog):
    # jieba cuts the query into 蓝莓 + 酱; "手工小批量蓝莓果酱" holds both, "无糖蓝莓干" has no 酱.
    found = handles(everything(q="蓝莓酱"))
    expected = {h for h, text in catalog["texts"].items() if "蓝莓" in text and "酱" in text}
    assert "blueberry-jam" in found
    assert "dried-wild-blueberries" not in found
    assert found == expected


def test_three_characters_handmade_soap(catalog):
    found = handles(everything(q="手工皂"))
    assert found == {h for h, t in catalog["texts"].items() if "手工" in t and "皂" in t}
    assert found  # the lavender soap bar


@pytest.mark.parametrize("query", ["真丝丝巾", "薰衣草皂", "蓝莓果酱", "白咖啡豆"])
def test_four_characters(catalog, query):
    body = everything(q=query)
    assert body["total"] >= 1
    for item in body["items"]:  # every hit holds every character of the query
        text = catalog["texts"][item["handle"]]
        assert all(character in text for character in query)


# -- Latin-script languages ------------------------------------------------------------------
def test_malay(catalog):
    found = handles(everything(q="madu manuka", lang="ms"))
    expected = {
        h
        for h, t in catalog["texts"].items()
        if "madu" in t.lower() and "manuka" in t.lower().replace("ā", "a")
    }
    assert found == expected
    assert found


def test_malay_titles_are_returned_in_malay(catalog):
    body = search(q="kopi putih", lang="ms", market="MY")
    assert body["total"] >= 3
    assert all("Kopi" in item["title"] for item in body["items"])
    assert body["language"] == "ms"


def test_english_plural_and_accents(catalog):
    assert handles(everything(q="blueberry")) == handles(everything(q="blueberries"))
    assert handles(everything(q="Mānuka honey")) == handles(everything(q="manuka honey"))
    assert "blueberry-jam" in handles(everything(q="blueberry and jam"))


def test_prefix_of_the_last_word(catalog):
    assert handles(everything(q="blueberry sau")) == {"blueberry-bbq-sauce"}


def test_a_chinese_query_finds_products_with_malay_or_english_titles_asked_in_english(catalog):
    body = search(q="蓝莓", lang="en")
    assert body["items"]
    assert all("lueberr" in item["title"] for item in body["items"])


def test_title_language_falls_back_to_english(catalog):
    seller = SellerFactory(payout_currency="MYR")
    product_create(
        seller=seller,
        actor=None,
        data={
            "handle": "english-only",
            "hs_code": "090121",
            "translations": {"en": {"title": "Rambutan Preserve"}},
            "variants": [{"sku": "R-1", "price": "10.00", "weight_grams": 300}],
        },
    )
    body = search(q="rambutan", lang="zh-Hans")
    assert [(i["title"], i["language"]) for i in body["items"]] == [("Rambutan Preserve", "en")]


# -- what is searchable ----------------------------------------------------------------------
def test_pending_sellers_archived_and_draft_products_are_never_found(catalog):
    pending_handles = {
        h for h, p in catalog["products"].items() if p.seller.slug == catalog["pending"]
    }
    assert pending_handles
    assert not handles(everything(q="")) & pending_handles
    product = catalog["products"]["blueberry-jam"]
    product_archive(product=product, actor=None)
    assert "blueberry-jam" not in handles(everything(q="blueberry"))
    seller = catalog["products"]["fresh-highbush-blueberries"].seller
    seller_set_verification(seller=seller, actor=None, status=VerificationStatus.PENDING)
    assert not handles(everything(q="blueberry"))
    assert not handles(everything(q="")) & {
        h for h, p in catalog["products"].items() if p.seller_id == seller.pk
    }


def test_a_seller_verified_later_becomes_findable_and_stops_when_suspended(catalog):
    """Searchability is stored with the document: the verification service keeps it in step,
    on both databases (the SQLite text index holds searchable products only)."""
    pending = next(
        p.seller for p in catalog["products"].values() if p.seller.slug == catalog["pending"]
    )
    theirs = {h for h, p in catalog["products"].items() if p.seller_id == pending.pk}
    assert not handles(everything(q="")) & theirs
    seller_set_verification(seller=pending, actor=None, status=VerificationStatus.VERIFIED)
    assert handles(everything(q="")) >= theirs
    handle = sorted(theirs)[0]
    title = catalog["products"][handle].translations.get(language="en").title
    assert handle in handles(everything(q=title))
    seller_set_verification(seller=pending, actor=None, status=VerificationStatus.PENDING)
    assert not handles(everything(q="")) & theirs
    assert handle not in handles(everything(q=title))


def test_empty_query_lists_every_searchable_product(catalog):
    assert handles(everything()) == set(catalog["texts"])


# -- filters ---------------------------------------------------------------------------------
def test_category_filter_includes_subcategories(catalog):
    parent = everything(category="food-drink")
    child = everything(category="food-pantry")
    assert handles(child)
    assert handles(child) < handles(parent)
    for handle in handles(parent):
        category = catalog["products"][handle].category
        assert "food-drink" in (category.slug, category.parent.slug if category.parent else None)


def test_a_parent_category_newest_first_pages_through_its_children_in_date_order(catalog):
    """A parent category is several ids: newest first merges each child's newest (one index
    walk per id), so every page must still be the right slice of the whole, in date order."""
    whole = everything(category="food-drink", sort="newest")
    ids = [i["id"] for i in whole["items"]]
    assert len({catalog["products"][i["handle"]].category_id for i in whole["items"]}) > 1
    assert ids == sorted(ids, reverse=True)  # created one after another
    seen: list[int] = []
    for page in range(1, -(-whole["total"] // 3) + 2):  # and one empty page after
        body = search(category="food-drink", sort="newest", page=page, size=3)
        assert body["total"] == whole["total"]
        seen += [i["id"] for i in body["items"]]
    assert seen == ids
    with_text = everything(category="food-drink", sort="newest", q="tea")
    tea_ids = [i["id"] for i in with_text["items"]]
    assert tea_ids
    assert tea_ids == [i for i in ids if i in set(tea_ids)]


def test_origin_filter(catalog):
    found = everything(origin="nz")
    assert found["items"]
    assert all(i["origin_country"] == "NZ" for i in found["items"])
    assert handles(found) == {
        h
        for h, p in catalog["products"].items()
        if p.origin_country == "NZ" and h in catalog["texts"]
    }


def _from_price_myr(product: Product) -> Decimal:
    rates = fx_rate_table_on(clock.today())
    cheapest = min(product.variants.all(), key=lambda v: v.price_minor)
    return rates.convert(cheapest.price, "MYR").quantize().amount


def test_price_range_in_the_buyers_currency(catalog):
    body = everything(market="MY", min_price="30", max_price="100.00")
    assert body["currency"] == "MYR"
    expected = {
        h
        for h in catalog["texts"]
        if Decimal(30) <= _from_price_myr(catalog["products"][h]) <= Decimal(100)
    }
    assert handles(body) == expected
    assert len({catalog["products"][h].seller.payout_currency for h in expected}) >= 3
    for item in body["items"]:
        assert item["price"]["currency"] == "MYR"
        assert Decimal(30) <= Decimal(item["price"]["amount"]) <= Decimal(100)


def test_price_bound_exactly_on_a_displayed_price_is_included(catalog):
    product = catalog["products"]["blueberry-jam"]
    shown = _from_price_myr(product)
    body = everything(q="blueberry", market="MY", min_price=str(shown), max_price=str(shown))
    assert "blueberry-jam" in handles(body)
    assert all(Decimal(i["price"]["amount"]) == shown for i in body["items"])


def test_filters_combine(catalog):
    body = everything(q="蓝莓", market="MY", category="food-pantry", origin="US", max_price="45")
    assert body["items"]
    for item in body["items"]:
        assert item["origin_country"] == "US"
        assert Decimal(item["price"]["amount"]) <= 45


# -- sort and pages --------------------------------------------------------------------------
def test_sort_by_price_in_the_market_currency(catalog):
    ascending = everything(market="MY", sort="price_asc")["items"]
    prices = [Decimal(i["price"]["amount"]) for i in ascending]
    assert prices == sorted(prices)
    assert len(set(prices)) > 5
    descending = everything(market="MY", sort="price_desc")["items"]
    assert [Decimal(i["price"]["amount"]) for i in descending] == sorted(prices, reverse=True)


def test_sort_newest_first(catalog):
    items = everything(sort="newest")["items"]
    ids = [i["id"] for i in items]
    assert ids == sorted(ids, reverse=True)  # created one after another


def test_relevance_puts_title_matches_first(catalog):
    seller = SellerFactory(payout_currency="MYR")
    for handle, title, description in (
        ("soap-mentions", "Goat Milk Soap", "Scented lightly with rambutan peel."),
        ("rambutan-title", "Rambutan Syrup", "From Penang orchards."),
    ):
        product_create(
            seller=seller,
            actor=None,
            data={
                "handle": handle,
                "hs_code": "090121",
                "translations": {"en": {"title": title, "description": description}},
                "variants": [{"sku": handle, "price": "10.00", "weight_grams": 300}],
            },
        )
    assert [i["handle"] for i in search(q="rambutan")["items"]] == [
        "rambutan-title",
        "soap-mentions",
    ]


def test_pages_cover_the_results_once_with_totals(catalog):
    whole = everything(q="", sort="newest")
    seen: list[str] = []
    page = 1
    while True:
        body = search(sort="newest", page=page, size=7)
        assert body["total"] == whole["total"]
        assert body["pages"] == -(-whole["total"] // 7)
        if not body["items"]:
            break
        seen += [i["handle"] for i in body["items"]]
        page += 1
    assert seen == [i["handle"] for i in whole["items"]]
    assert page == body["pages"] + 1


# -- nothing found ---------------------------------------------------------------------------
def test_misspelt_english_suggests_the_word_in_the_index(catalog):
    body = search(q="bluebery")
    assert body["total"] == 0
    assert body["items"] == []
    assert body["suggestions"][0]["q"] == "blueberry"
    assert body["suggestions"][0]["count"] == everything(q="blueberry")["total"]
    assert body["categories"]
    assert body["categories"][0]["count"] > 0


def test_chinese_with_no_match_suggests_a_query_that_finds_something(catalog):
    body = search(q="丝绸围巾", lang="zh-Hans")
    assert body["total"] == 0
    assert body["suggestions"], body
    for suggestion in body["suggestions"]:
        assert everything(q=suggestion["q"])["total"] == suggestion["count"] > 0
    assert body["categories"][0]["name"] == "食品饮料"  # names in the requested language


def test_suggestions_respect_the_filters(catalog):
    body = search(q="bluebery", origin="NZ")
    assert body["total"] == 0
    assert not [s for s in body["suggestions"] if s["q"] == "blueberry"]


# -- the index follows the catalog -----------------------------------------------------------
def test_new_product_is_found_at_once(catalog):
    seller = catalog["products"]["fresh-highbush-blueberries"].seller
    product_create(
        seller=seller,
        actor=None,
        data={
            "handle": "haskap-berries",
            "hs_code": "081040",
            "translations": {"en": {"title": "Haskap Berries"}, "zh-Hans": {"title": "蓝靛果"}},
            "variants": [{"sku": "HSK-1", "price": "9.00", "weight_grams": 300}],
        },
    )
    assert handles(everything(q="haskap")) == {"haskap-berries"}
    assert handles(everything(q="蓝靛果")) == {"haskap-berries"}


def test_translation_and_price_changes_are_indexed(catalog):
    product = catalog["products"]["blueberry-jam"]
    product_patch(
        product=product,
        actor=None,
        data={"translations": {"zh-Hans": {"title": "手工越橘果酱"}}},
    )
    assert "blueberry-jam" in handles(everything(q="越橘"))
    assert "blueberry-jam" not in handles(everything(q="小批量"))
    # Price: every variant up to 500 USD; the range filter sees it at once.
    product.refresh_from_db()
    product_patch(
        product=product,
        actor=None,
        data={"variants": [{"sku": v.sku, "price": "500.00"} for v in product.variants.all()]},
    )
    document = SearchDocument.objects.get(product=product)
    assert (document.price_minor, document.price_currency) == (50000, "USD")
    assert "blueberry-jam" in handles(everything(market="MY", min_price="1500"))


def test_reindex_command_rebuilds_the_index(catalog, capsys):
    before = everything(q="蓝莓 jam")
    SearchDocument.objects.all().delete()
    assert everything(q="蓝莓")["total"] == 0
    call_command("search", "reindex")
    assert "indexed" in capsys.readouterr().out
    assert everything(q="蓝莓 jam") == before
    assert SearchDocument.objects.count() == Product.objects.count()


def test_hit_shape(catalog):
    item = search(q="Small-Batch Blueberry Jam", market="CN", lang="zh-Hans")["items"][0]
    product = catalog["products"]["blueberry-jam"]
    cheapest = min(product.variants.all(), key=lambda v: v.price_minor)
    converted = fx_rate_table_on(clock.today()).convert(cheapest.price, "CNY").quantize()
    assert item["handle"] == "blueberry-jam"
    assert item["title"] == "手工小批量蓝莓果酱"
    assert item["price"]["amount"] == str(converted.amount)
    assert item["price"]["currency"] == "CNY"
    assert item["seller_price"]["amount"] == str(Money(cheapest.price.amount, "USD").amount)
    assert item["seller"]["slug"] == "great-lakes-berry-farm"
    assert item["image"].endswith(".svg")
    assert item["in_stock"] is True


# -- bad input: always a 4xx in the error shape ---------------------------------------------
@pytest.mark.parametrize(
    ("params", "status", "code", "field"),
    [
        ({"sort": "cheapest"}, 422, "invalid_sort", "sort"),
        ({"page": 0}, 422, "invalid_page", "page"),
        ({"size": 1000}, 422, "invalid_page", "size"),
        ({"page": 100000}, 422, "invalid_page", "page"),
        ({"page": "two"}, 422, "invalid_input", None),
        ({"market": "MY", "min_price": "cheap"}, 422, "invalid_price_range", "min_price"),
        ({"market": "MY", "min_price": "-1"}, 422, "invalid_price_range", "min_price"),
        ({"market": "MY", "min_price": "NaN"}, 422, "invalid_price_range", "min_price"),
        ({"market": "MY", "min_price": "50", "max_price": "10"}, 422, "invalid_price_range", None),
        ({"min_price": "10"}, 422, "market_required", "market"),
        ({"sort": "price_asc"}, 422, "market_required", "market"),
        ({"market": "XX"}, 404, "market_not_found", None),
        ({"category": "no-such-thing"}, 422, "category_not_found", "category"),
        ({"origin": "Malaysia"}, 422, "invalid_search_filter", "origin"),
        ({"q": "x" * 201}, 422, "invalid_search_query", "q"),
    ],
)
def test_bad_input(markets, params, status, code, field):
    response = Client().get("/api/v1/search", params)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    if field is not None:
        assert body["detail"]["field"] == field


@pytest.mark.parametrize(
    "q", ['"', "blue*", "NEAR(a b)", "a OR", "'); DROP TABLE x; --", "!:*&|", "𝔘𝔫𝔦", "\u200b"]
)
def test_query_syntax_and_odd_text_never_breaks_the_search(catalog, q):
    response = Client().get("/api/v1/search", {"q": q})
    assert response.status_code == 200, response.content


def test_totals_are_exact_up_to_the_cap(catalog, monkeypatch):
    import ehub.search.selectors as selectors

    everything_count = everything()["total"]
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    body = search(size=2)
    assert (body["total"], body["total_exact"]) == (5, False)
    monkeypatch.setattr(selectors, "COUNT_CAP", everything_count)
    body = search(size=2)
    assert (body["total"], body["total_exact"]) == (everything_count, True)


def test_cli_query_and_its_bad_input(catalog, capsys):
    from django.core.management.base import CommandError

    call_command("search", "query", "蓝莓", "--market", "MY", "--lang", "zh-Hans")
    out = capsys.readouterr().out
    assert "found" in out
    assert "蓝莓" in out
    with pytest.raises(CommandError) as raised:
        call_command("search", "query", "x", "--market", "XX")
    assert raised.value.returncode == 2


def test_postgres_suggestions_use_trigrams_when_available(catalog):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        installed = cursor.fetchone() is not None
    assert search_backend().has_trigrams() == installed
    assert search(q="bluebery")["suggestions"][0]["q"] == "blueberry"
