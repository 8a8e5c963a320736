"""Checkout through the HTTP API: orders per second, SQL per placement, and a raw-SQL floor.

1. **SQL statements per order placement** (goal: 15 or fewer): ``order_place_idempotent`` in
   process under ``CaptureQueriesContext``, for a one-line order, a two-seller order and (for
   information) a one-line order to CN, whose per-person limits add a lock and a sum.
2. **Placement in process** (the service call) against a **raw-SQL floor**: the same writes
   (idempotency row claimed then answered, conditional stock update per variant, order, parcels,
   lines, cart lines removed, audit event) hand-written in one transaction through the same
   database connection. Interleaved in rounds; per-order medians and the ratio ehub/floor.
3. **The whole path over HTTP**: a real server (``ehub runserver --noreload``, a subprocess on
   127.0.0.1, a free port) and N concurrent clients (threads, ``http.client``, each with its own
   session cookie and CSRF token), each doing K times: add to cart -> ``POST /checkout/quotes``
   -> ``POST /orders`` (Idempotency-Key) -> ``payment_create`` (the service, in the client thread,
   on that thread's own database connection) -> the signed sandbox callback POSTed to
   ``/api/v1/payments/sandbox/callback`` (``Ehub-Signature: t=<unix>,v1=<HMAC-SHA256>``, as
   docs/payments.md). Prints p50/p95 per step and for the whole path, and orders per second.
   Every client buys the same variant (a hot product: placements queue on its stock row).
   Afterwards every order must be ``paid`` with one escrow entry, or the run fails.

PostgreSQL when ``EHUB_BENCH_POSTGRES_URL`` (used as given) or ``EHUB_TEST_POSTGRES_URL`` (its
database name replaced by ``ehub_bench``) is set: that database is dropped, created and migrated
(only a database whose name contains "bench"). Otherwise SQLite in a temporary file. Machines are
shared and noisy: read the medians and ratios, not a single figure.

    EHUB_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/ehub_bench \\
        .venv/bin/python bench/bench_checkout.py [--clients 1,4] [--iterations 25]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
sys.path.insert(0, str(SRC))

HOST = "127.0.0.1"
MARKET = "SG"
SHIPPING_ADDRESS = {
    "country": MARKET,
    "postal_code": "018989",
    "recipient_name": "Bench Buyer",
    "address_line1": "1 Raffles Place",
    "city": "Singapore",
    "phone": "+65 6555 0100",
}
PASSWORD = "bench-checkout-password-2026"  # noqa: S105 (a throwaway bench account)
GOAL_STATEMENTS = 15
HTTP_TIMEOUT = 30.0
SERVER_START_SECONDS = 60.0
STOCK = 10_000_000
ROUNDS = 5
# 1 EUR = ...; imported through ehub.markets.services.fx_import like a rate file.
EUR_RATES = {"MYR": "5.00", "CNY": "7.80", "USD": "1.10", "SGD": "1.50", "GBP": "0.85"}
STEPS = ("cart", "quote", "order", "payment", "callback")


class BenchError(Exception):
    """A step failed: the message says which and why; the script exits non-zero."""


# -- the database ----------------------------------------------------------------------------
@dataclass
class Database:
    url: str
    label: str
    tmpdir: str | None = None


def choose_database() -> Database:
    bench_url = os.environ.get("EHUB_BENCH_POSTGRES_URL", "").strip()
    test_url = os.environ.get("EHUB_TEST_POSTGRES_URL", "").strip()
    if bench_url or test_url:
        parts = urlsplit(bench_url or test_url)
        if not bench_url:  # never the test database itself: a dedicated one beside it
            parts = parts._replace(path="/ehub_bench")
        url = urlunsplit(parts)
        name = parts.path.lstrip("/")
        if "bench" not in name:
            raise BenchError(
                f"refusing to drop and recreate database {name!r}: its name must contain "
                "'bench' (e.g. .../ehub_bench)"
            )
        recreate_postgres(url, name)
        return Database(url=url, label=f"PostgreSQL ({parts.hostname}:{parts.port or 5432}/{name})")
    tmpdir = tempfile.mkdtemp(prefix="ehub-bench-")
    path = Path(tmpdir) / "bench.sqlite3"
    return Database(url=f"sqlite:///{path}", label=f"SQLite ({path}, WAL)", tmpdir=tmpdir)


def recreate_postgres(url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=10) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        raise BenchError(f"cannot recreate PostgreSQL database {name!r}: {exc}") from exc


def django_env(database: Database) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="ehub.settings",
        DATABASE_URL=database.url,
        EHUB_ENV="development",
        EHUB_DEBUG="0",  # DEBUG keeps every query in memory: not what production runs
        EHUB_LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")])),
    )
    return env


def django_setup(database: Database) -> None:
    os.environ.update(django_env(database))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


# -- seed ------------------------------------------------------------------------------------
@dataclass
class Seed:
    variant_a: Any  # a Malaysian seller's coffee
    variant_b: Any  # a Chinese seller's tea (second parcel)
    http_buyers: list[Any]
    buyers: dict[str, Any]


def seed(http_clients: int) -> Seed:
    from ehub.accounts.models import User
    from ehub.catalog.tests.factories import ProductFactory, VariantFactory
    from ehub.core import clock
    from ehub.markets.services import fx_import, market_upsert
    from ehub.sellers.tests.factories import SellerFactory

    market_upsert(country="SG", currency="SGD", languages=["en"])
    market_upsert(country="MY", currency="MYR", languages=["ms", "en"])
    market_upsert(country="CN", currency="CNY", languages=["zh-Hans", "en"])
    today = clock.today().isoformat()
    rows = "".join(f"EUR,{quote},{rate},{today}\n" for quote, rate in EUR_RATES.items())
    fx_import(text="base,quote,rate,date\n" + rows)

    def variant(country: str, currency: str, hs_code: str, price_minor: int) -> Any:
        seller = SellerFactory(country=country, payout_currency=currency)
        product = ProductFactory(seller=seller, hs_code=hs_code, origin_country=country)
        return VariantFactory(
            product=product, price_minor=price_minor, stock_quantity=STOCK, weight_grams=400
        )

    variant_a = variant("MY", "MYR", "090121", 2500)
    variant_b = variant("CN", "CNY", "090210", 6800)

    def user(email: str) -> Any:
        created = User.objects.create_user(email=email, password=PASSWORD, full_name="Bench Buyer")
        return created

    http_buyers = [user(f"bench-http-{n}@ehub.example") for n in range(http_clients)]
    buyers = {name: user(f"bench-{name}@ehub.example") for name in ("count", "ehub", "floor")}
    return Seed(variant_a=variant_a, variant_b=variant_b, http_buyers=http_buyers, buyers=buyers)


def make_quote(buyer: Any, variants: list[Any], market: str = MARKET) -> Any:
    """A quote for ``variants`` (one of each): the cart is emptied, filled, then quoted."""
    from ehub.checkout.services import cart_clear, cart_line_add, quote_create

    cart_clear(buyer=buyer, market_country=market)
    for v in variants:
        cart_line_add(buyer=buyer, market_country=market, variant_id=v.pk, quantity=1)
    if market == "CN":
        from ehub.orders.tests.helpers import GOOD_RESIDENT_ID

        quote = quote_create(
            buyer=buyer,
            market_country="CN",
            country="CN",
            region="CN-SH",
            postal_code="200000",
            recipient_name="张三",
            address_line1="浦东新区世纪大道100号",
            city="上海市",
            phone="+86 21 5555 0100",
            buyer_name="张三",
            resident_id=GOOD_RESIDENT_ID,
        )
    else:
        quote = quote_create(
            buyer=buyer, market_country=market, **{**SHIPPING_ADDRESS, "country": market}
        )
    if not quote.sellable:
        raise BenchError(f"the seeded quote is not sellable: {quote.problems}")
    return quote


# -- statistics --------------------------------------------------------------------------------
def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (no interpolation; honest for small samples)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil
    return ordered[int(rank) - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


# -- 1. SQL statements per placement ---------------------------------------------------------
def statement_kind(sql_text: str) -> str:
    word = sql_text.lstrip().split(None, 1)[0].upper() if sql_text.strip() else "?"
    return {"RELEASE": "SAVEPOINT", "ROLLBACK": "SAVEPOINT"}.get(word, word)


# BEGIN/COMMIT: Django sends them through a cursor on SQLite (captured) but psycopg sends them
# itself on PostgreSQL (not captured); they are left out so both backends count alike.
TRANSACTION_CONTROL = ("BEGIN", "COMMIT")


def count_statements(seed: Seed, show_sql: bool) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ehub.orders.services import order_place_idempotent

    buyer = seed.buyers["count"]
    cases = [
        ("one line, one seller", [seed.variant_a], MARKET),
        ("two lines, two sellers", [seed.variant_a, seed.variant_b], MARKET),
        ("CN, person's first order", [seed.variant_a], "CN"),
        ("CN, same person again", [seed.variant_a], "CN"),
    ]
    first_order_id = None
    failures = []
    print(
        f"SQL statements per order placement (order_place_idempotent; goal <= {GOAL_STATEMENTS}; "
        "BEGIN/COMMIT not counted)"
    )
    for name, variants, market in cases:
        quote = make_quote(buyer, variants, market)
        with CaptureQueriesContext(connection) as captured:
            stored = order_place_idempotent(
                buyer=buyer,
                idempotency_key=f"count-{uuid.uuid4()}",
                payload={"quote_id": str(quote.public_id)},
            )
        if stored.status != 201:
            raise BenchError(f"in-process placement ({name}) answered {stored.status}")
        if first_order_id is None:
            first_order_id = stored.body["id"], stored.body["total"]
        kinds = Counter(statement_kind(q["sql"]) for q in captured.captured_queries)
        for control in TRANSACTION_CONTROL:
            kinds.pop(control, None)
        total = sum(kinds.values())
        verdict = "met" if total <= GOAL_STATEMENTS else "NOT met"
        breakdown = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        print(
            f"  {name:<26} {total:3d} statements ({kinds.get('SAVEPOINT', 0)} of them "
            f"savepoints)  goal {verdict:<7}  [{breakdown}]"
        )
        if total > GOAL_STATEMENTS:
            failures.append(name)
        if show_sql:
            for q in captured.captured_queries:
                print(f"      {q['sql'][:150]}")
    if first_order_id is not None:
        count_payment_statements(*first_order_id, show_sql=show_sql)
    return failures


def count_payment_statements(order_id: int, total: dict[str, str], *, show_sql: bool) -> None:
    """For information: the statements of the payment steps of the first order above."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ehub.core.money import Money
    from ehub.orders.models import Order
    from ehub.payments.services import payment_create, payment_handle_callback

    with CaptureQueriesContext(connection) as created:
        payment = payment_create(
            order_ref=f"ORD-{order_id}",
            amount=Money(total["amount"], total["currency"]),
            idempotency_key=f"count-pay-{uuid.uuid4()}",
        )
    body, headers = signed_callback(payment)
    with CaptureQueriesContext(connection) as called:
        payment_handle_callback(
            provider="sandbox", headers={"Content-Type": "application/json", **headers}, body=body
        )
    if Order.objects.get(pk=order_id).status != "paid":
        raise BenchError(f"in-process capture callback left ORD-{order_id} unpaid")
    print("  for information, the payment of the one-line order:")
    for name, captured in (("payment_create", created), ("capture callback + listener", called)):
        kinds = Counter(statement_kind(q["sql"]) for q in captured.captured_queries)
        for control in TRANSACTION_CONTROL:
            kinds.pop(control, None)
        breakdown = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        print(f"  {name:<26} {sum(kinds.values()):3d} statements   [{breakdown}]")
        if show_sql:
            for q in captured.captured_queries:
                print(f"      {q['sql'][:150]}")


# -- 2. in-process placement vs the raw-SQL floor -------------------------------------------
def floor_place(*, buyer_id: int, quote_public_id: str, key: str) -> int:
    """The writes a placement makes, hand-written: one transaction, the same connection."""
    from django.db import connection, transaction

    from ehub.catalog.models import Variant
    from ehub.checkout.models import Cart, CartLine, Quote
    from ehub.core.models import AuditEvent
    from ehub.orders.models import IdempotencyKey, Order, OrderLine, OrderParcel

    ops = connection.ops
    public_id_field = Quote._meta.get_field("public_id")
    payload = {"quote_id": quote_public_id}
    digest = hashlib.sha256(
        json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    now = dt.datetime.now(dt.UTC)
    stamp = ops.adapt_datetimefield_value(now)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {IdempotencyKey._meta.db_table} (key, user_id, request_hash, created_at) "
            "VALUES (%s, %s, %s, %s) RETURNING id",
            [key, buyer_id, digest, stamp],
        )
        key_id = cur.fetchone()[0]
        cur.execute(
            "SELECT id, market_id, currency, country, region, postal_code, buyer_name, "
            "resident_id_masked, identity_digest, parcels, fx, goods_minor, shipping_minor, "
            "import_charges_at_checkout_minor, total_minor, recipient_name, address_line1, "
            "address_line2, city, phone "
            f"FROM {Quote._meta.db_table} WHERE public_id = %s AND buyer_id = %s",
            [public_id_field.get_db_prep_value(uuid.UUID(quote_public_id), connection), buyer_id],
        )
        row = cur.fetchone()
        (quote_id, market_id, currency, country, region, postal, name, masked, identity) = row[:9]
        parcels = row[9] if isinstance(row[9], list) else json.loads(row[9])
        fx = row[10] if isinstance(row[10], dict) else json.loads(row[10])
        goods, shipping, at_checkout, total = row[11:15]
        address = list(row[15:20])
        if not all(address[:2]) or not address[3] or not address[4]:
            raise BenchError("floor: the quote's shipping address is incomplete")
        lines = [line for p in parcels for line in p["lines"]]
        taken: dict[int, int] = defaultdict(int)
        for line in lines:
            taken[line["variant_id"]] += line["quantity"]
        for variant_id, quantity in sorted(taken.items()):
            cur.execute(
                f"UPDATE {Variant._meta.db_table} SET stock_quantity = stock_quantity - %s "
                "WHERE id = %s AND stock_quantity >= %s",
                [quantity, variant_id, quantity],
            )
            if cur.rowcount != 1:
                raise BenchError(f"floor: variant {variant_id} out of stock")
        limit_value = sum(p["goods_minor"] + p["shipping_minor"] for p in parcels)
        cur.execute(
            f"INSERT INTO {Order._meta.db_table} (buyer_id, quote_id, status, market_country, "
            "currency, country, region, postal_code, buyer_name, resident_id_masked, "
            "identity_digest, goods_minor, shipping_minor, import_charges_at_checkout_minor, "
            "total_minor, limit_value_minor, fx, placed_at, payment_id, recipient_name, "
            "address_line1, address_line2, city, phone) VALUES "
            "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
            "%s, %s, %s, %s, %s) RETURNING id",
            [buyer_id, quote_id, "pending_payment", country, currency, country, region, postal,
             name, masked, identity, goods, shipping, at_checkout, total, limit_value,
             json.dumps(fx), stamp, "", *address],
        )  # fmt: skip
        order_id = cur.fetchone()[0]
        parcel_rows = [
            [order_id, p["number"], p["seller_id"], p["ship_from"], p["weight_grams"],
             p["goods_minor"], p["shipping_minor"], p["duty_minor"], p["tax_minor"],
             p["import_charges_minor"], p["collected"], p["import_charges_at_checkout_minor"],
             p["payable_minor"], json.dumps(p["landed_cost"])]
            for p in parcels
        ]  # fmt: skip
        cur.execute(
            f"INSERT INTO {OrderParcel._meta.db_table} (order_id, number, seller_id, ship_from, "
            "weight_grams, goods_minor, shipping_minor, duty_minor, tax_minor, "
            "import_charges_minor, collected, import_charges_at_checkout_minor, payable_minor, "
            "landed_cost) VALUES "
            + ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(parcels))
            + " RETURNING id, number",
            [value for r in parcel_rows for value in r],
        )
        parcel_ids = {number: pk for pk, number in cur.fetchall()}
        line_rows = [
            [order_id, parcel_ids[p["number"]], line["variant_id"], line["sku"],
             line["title"][:255], line["quantity"], line["hs_code"], line["origin"],
             line["seller_unit_price_minor"], line["seller_currency"], line["unit_price_minor"],
             line["line_total_minor"]]
            for p in parcels
            for line in p["lines"]
        ]  # fmt: skip
        cur.execute(
            f"INSERT INTO {OrderLine._meta.db_table} (order_id, parcel_id, variant_id, sku, "
            "title, quantity, hs_code, origin, seller_unit_price_minor, seller_currency, "
            "unit_price_minor, line_total_minor) VALUES "
            + ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(line_rows)),
            [value for r in line_rows for value in r],
        )
        variant_ids = sorted(taken)
        cur.execute(
            f"DELETE FROM {CartLine._meta.db_table} WHERE cart_id IN "
            f"(SELECT id FROM {Cart._meta.db_table} WHERE buyer_id = %s AND market_id = %s) "
            "AND variant_id IN (" + ", ".join(["%s"] * len(variant_ids)) + ")",
            [buyer_id, market_id, *variant_ids],
        )
        cur.execute(
            f"INSERT INTO {AuditEvent._meta.db_table} (tag, subject_type, subject_id, actor_id, "
            "data, created_at) VALUES (%s, %s, %s, %s, %s, %s)",
            ["order:status:pending_payment", "order", str(order_id), buyer_id,
             json.dumps({"quote": quote_public_id, "total": f"{total} {currency}",
                         "parcels": len(parcels)}), stamp],
        )  # fmt: skip
        body = {
            "id": order_id,
            "reference": f"ORD-{order_id}",
            "status": "pending_payment",
            "quote_id": quote_public_id,
            "total_minor": total,
            "currency": currency,
            "parcels": [{"number": p["number"], "payable_minor": p["payable_minor"]}
                        for p in parcels],
            "lines": [{"sku": line["sku"], "quantity": line["quantity"]} for line in lines],
        }  # fmt: skip
        cur.execute(
            f"UPDATE {IdempotencyKey._meta.db_table} SET response_status = %s, "
            "response_json = %s WHERE id = %s",
            [201, json.dumps(body), key_id],
        )
    return order_id


def placement_vs_floor(seed: Seed, placements: int) -> tuple[float, float]:
    from ehub.orders.models import Order
    from ehub.orders.services import order_place_idempotent

    ehub_buyer, floor_buyer = seed.buyers["ehub"], seed.buyers["floor"]
    started = time.perf_counter()
    ehub_quotes = [make_quote(ehub_buyer, [seed.variant_a]) for _ in range(placements)]
    floor_quotes = [make_quote(floor_buyer, [seed.variant_a]) for _ in range(placements)]
    prepared = time.perf_counter() - started
    ehub_times: list[float] = []
    floor_times: list[float] = []
    per_round = max(1, -(-placements // ROUNDS))
    for start in range(0, placements, per_round):
        for quote in ehub_quotes[start : start + per_round]:
            t0 = time.perf_counter()
            stored = order_place_idempotent(
                buyer=ehub_buyer,
                idempotency_key=f"ehub-{uuid.uuid4()}",
                payload={"quote_id": str(quote.public_id)},
            )
            ehub_times.append(time.perf_counter() - t0)
            if stored.status != 201:
                raise BenchError(f"in-process placement answered {stored.status}")
        for quote in floor_quotes[start : start + per_round]:
            t0 = time.perf_counter()
            floor_place(
                buyer_id=floor_buyer.pk,
                quote_public_id=str(quote.public_id),
                key=f"floor-{uuid.uuid4()}",
            )
            floor_times.append(time.perf_counter() - t0)
    made = Order.objects.filter(buyer__in=[ehub_buyer, floor_buyer]).count()
    if made != 2 * placements:
        raise BenchError(f"expected {2 * placements} orders from the in-process runs, found {made}")
    ehub_median, floor_median = statistics.median(ehub_times), statistics.median(floor_times)
    print(
        f"\nPlacement in process, {placements} orders each, {ROUNDS} interleaved rounds "
        f"(one line; {prepared:.1f} s to prepare the quotes)"
    )
    print(f"  {'':<28} {'p50 ms':>8} {'p95 ms':>8}")
    print(f"  {'raw-SQL floor':<28} {ms(floor_median)} {ms(percentile(floor_times, 95))}")
    print(
        f"  {'ehub order_place_idempotent':<28} {ms(ehub_median)} "
        f"{ms(percentile(ehub_times, 95))}   ehub/floor ratio {ehub_median / floor_median:.1f}x"
    )
    return ehub_median, floor_median


# -- 3. the whole path over HTTP -------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class Server:
    """``ehub runserver --noreload`` (Django's threaded server) in a subprocess on 127.0.0.1."""

    def __init__(self, database: Database) -> None:
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="ehub-bench-server-", suffix=".log")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "ehub.manage", "runserver", "--noreload", "--skip-checks",
             f"{HOST}:{self.port}"],
            env=django_env(database),
            cwd=str(ROOT),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip

    def log_tail(self) -> str:
        self.log.flush()
        text = Path(self.log.name).read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-20:])

    def wait_ready(self) -> None:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"the server exited with status {self.process.returncode} before answering; "
                    f"its output:\n{self.log_tail()}"
                )
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/api/v1/auth/csrf")
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(
            f"the server did not answer on {HOST}:{self.port} within {SERVER_START_SECONDS:.0f} s; "
            f"its output:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


class ApiClient:
    """One buyer's browser: its own cookies (session, CSRF), a new connection per request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def call(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
        expect: int = 200,
        step: str,
    ) -> dict[str, Any]:
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        sent = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if "csrftoken" in self.cookies:
            sent["X-CSRFToken"] = self.cookies["csrftoken"]
        sent.update(headers or {})
        conn = http.client.HTTPConnection(HOST, self.port, timeout=HTTP_TIMEOUT)
        try:
            conn.request(method, path, body=data, headers=sent)
            response = conn.getresponse()
            payload = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar: SimpleCookie = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    self.cookies[name] = morsel.value
        except OSError as exc:
            raise BenchError(f"{step}: {method} {path} failed: {exc}") from exc
        finally:
            conn.close()
        if response.status != expect:
            raise BenchError(
                f"{step}: {method} {path} answered {response.status}, expected {expect}: "
                f"{payload[:400].decode('utf-8', 'replace')}"
            )
        try:
            return json.loads(payload) if payload else {}
        except ValueError as exc:
            raise BenchError(
                f"{step}: {method} {path} did not answer JSON: {payload[:200]!r}"
            ) from exc

    def sign_in(self, email: str) -> None:
        self.call("GET", "/api/v1/auth/csrf", step="csrf")
        self.call(
            "POST", "/api/v1/auth/sign-in", {"email": email, "password": PASSWORD}, step="sign-in"
        )
        if "sessionid" not in self.cookies:
            raise BenchError(f"sign-in for {email} set no session cookie")


def signed_callback(payment: Any) -> tuple[bytes, dict[str, str]]:
    """A ``payment.captured`` callback as the sandbox sends it, signed by hand (docs/payments.md):
    ``Ehub-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>." + raw body)>``."""
    from django.conf import settings

    body = json.dumps(
        {
            "created": int(time.time()),
            "data": {
                "amount_minor": payment.amount_minor,
                "currency": payment.currency,
                "order_ref": payment.order_ref,
                "payment": str(payment.public_id),
                "reference": payment.provider_reference,
            },
            "id": f"evt_bench_{uuid.uuid4().hex}",
            "type": "payment.captured",
        },
        separators=(",", ":"),
        sort_keys=True,
    ).encode()
    t = int(time.time())
    secret = settings.EHUB_PAYMENTS_SANDBOX_SECRET.encode()
    signature = hmac.new(secret, f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return body, {"Ehub-Signature": f"t={t},v1={signature}", "User-Agent": "ehub-bench/1"}


@dataclass
class ClientResult:
    steps: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    paths: list[float] = field(default_factory=list)
    order_ids: list[int] = field(default_factory=list)
    error: BaseException | None = None


def one_path(client: ApiClient, variant_id: int, result: ClientResult) -> None:
    from django.db import connection

    from ehub.core.money import Money
    from ehub.payments.services import payment_create

    t_path = time.perf_counter()

    t0 = time.perf_counter()
    client.call(
        "POST",
        "/api/v1/checkout/cart/lines",
        {"market": MARKET, "variant_id": variant_id, "quantity": 1},
        step="cart",
    )
    t1 = time.perf_counter()
    quote = client.call(
        "POST",
        "/api/v1/checkout/quotes",
        {"market": MARKET, "shipping_address": SHIPPING_ADDRESS},
        expect=201,
        step="quote",
    )
    if not quote.get("sellable"):
        raise BenchError(f"quote: not sellable: {quote.get('problems')}")
    t2 = time.perf_counter()
    order = client.call(
        "POST",
        "/api/v1/orders",
        {"quote_id": quote["id"]},
        headers={"Idempotency-Key": str(uuid.uuid4())},
        expect=201,
        step="order",
    )
    t3 = time.perf_counter()
    total = Money(order["total"]["amount"], order["total"]["currency"])
    try:
        payment = payment_create(
            order_ref=f"ORD-{order['id']}",
            amount=total,
            idempotency_key=f"bench-pay-{uuid.uuid4()}",
        )
    except Exception as exc:
        raise BenchError(f"payment: payment_create for ORD-{order['id']} failed: {exc}") from exc
    finally:
        if connection.in_atomic_block:  # never leave a transaction open on this thread
            connection.rollback()
    t4 = time.perf_counter()
    body, headers = signed_callback(payment)
    ack = client.call(
        "POST",
        "/api/v1/payments/sandbox/callback",
        raw=body,
        headers=headers,
        step="callback",
    )
    if ack.get("received") is not True:
        raise BenchError(f"callback: unexpected answer {ack}")
    t5 = time.perf_counter()
    for step, seconds in zip(STEPS, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
        result.steps[step].append(seconds)
    result.paths.append(t5 - t_path)
    result.order_ids.append(int(order["id"]))


def run_clients(
    *, port: int, seed: Seed, clients: int, iterations: int, deadline: float
) -> tuple[list[ClientResult], float]:
    from django.db import connection

    signed = []
    for buyer in seed.http_buyers[:clients]:
        client = ApiClient(port)
        client.sign_in(buyer.email)
        signed.append(client)
    results = [ClientResult() for _ in signed]
    barrier = threading.Barrier(len(signed) + 1)
    failed = threading.Event()  # one client failing stops the others

    def work(client: ApiClient, result: ClientResult) -> None:
        try:
            barrier.wait(timeout=HTTP_TIMEOUT)
            for _ in range(iterations):
                if time.monotonic() > deadline or failed.is_set():
                    break
                one_path(client, seed.variant_a.pk, result)
        except BaseException as exc:  # reported by the main thread
            result.error = exc
            failed.set()
        finally:
            connection.close()  # this thread's own database connection (payment_create)

    threads = [
        threading.Thread(target=work, args=(c, r), daemon=True)
        for c, r in zip(signed, results, strict=True)
    ]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=HTTP_TIMEOUT)
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic() + 2 * HTTP_TIMEOUT))
    elapsed = time.perf_counter() - started
    if any(t.is_alive() for t in threads):
        raise BenchError("a client thread did not finish in time")
    for result in results:
        if result.error is not None:
            raise BenchError(f"client failed: {result.error}") from result.error
    return results, elapsed


def check_paid(order_ids: list[int]) -> None:
    from ehub.ledger.models import JournalEntry
    from ehub.orders.models import Order

    refs = [f"ORD-{pk}" for pk in order_ids]
    unpaid = Order.objects.filter(pk__in=order_ids).exclude(status="paid").count()
    found = Order.objects.filter(pk__in=order_ids).count()
    entries = JournalEntry.objects.filter(reference__in=refs, kind="payment_captured").count()
    if found != len(order_ids) or unpaid or entries != len(order_ids):
        raise BenchError(
            f"after the run: {found} of {len(order_ids)} orders found, {unpaid} not paid, "
            f"{entries} payment_captured ledger entries (expected one per order)"
        )


def http_baselines(client: ApiClient, count: int = 50) -> None:
    """What every request pays before ehub's own work: a round trip through the server and
    Django's middleware, and a new database connection (settings.py: ``conn_max_age=0``, so each
    request opens and closes one)."""
    from django.db import connections

    round_trips, connects = [], []
    for _ in range(count):
        t0 = time.perf_counter()
        client.call("GET", "/api/v1/auth/me", step="baseline")
        round_trips.append(time.perf_counter() - t0)
        fresh = connections.create_connection("default")
        t0 = time.perf_counter()
        fresh.ensure_connection()
        fresh.close()
        connects.append(time.perf_counter() - t0)
    print(f"\nBaselines, {count} each, sequential      p50 ms   p95 ms")
    print(
        f"  GET /api/v1/auth/me (session read)  {ms(percentile(round_trips, 50))} "
        f"{ms(percentile(round_trips, 95))}"
    )
    print(
        f"  open + close a DB connection        {ms(percentile(connects, 50))} "
        f"{ms(percentile(connects, 95))}   (once per request: conn_max_age=0)"
    )


def http_path(
    database: Database, seed: Seed, client_counts: list[int], iterations: int, budget: float
) -> dict[int, tuple[float, float]]:
    server = Server(database)
    summary: dict[int, tuple[float, float]] = {}
    try:
        server.wait_ready()
        warm = ApiClient(server.port)  # first requests import and load rule files: not counted
        warm.sign_in(seed.http_buyers[0].email)
        warm_result = ClientResult()
        one_path(warm, seed.variant_a.pk, warm_result)
        check_paid(warm_result.order_ids)
        http_baselines(warm)
        deadline = time.monotonic() + budget
        for clients in client_counts:
            results, elapsed = run_clients(
                port=server.port,
                seed=seed,
                clients=clients,
                iterations=iterations,
                deadline=deadline,
            )
            order_ids = [pk for r in results for pk in r.order_ids]
            if not order_ids:
                raise BenchError(f"N={clients}: no order completed before the time budget")
            check_paid(order_ids)
            paths = [s for r in results for s in r.paths]
            rate = len(order_ids) / elapsed
            print(
                f"\nWhole path over HTTP, N={clients} concurrent client(s) x {iterations}: "
                f"{len(order_ids)} orders paid in {elapsed:.1f} s = {rate:.1f} orders/s"
            )
            print(f"  {'step':<30} {'p50 ms':>8} {'p95 ms':>8}")
            for step in STEPS:
                values = [s for r in results for s in r.steps[step]]
                label = {
                    "cart": "POST /checkout/cart/lines",
                    "quote": "POST /checkout/quotes",
                    "order": "POST /orders",
                    "payment": "payment_create (service)",
                    "callback": "POST /payments/sandbox/callback",
                }[step]
                print(f"  {label:<30} {ms(percentile(values, 50))} {ms(percentile(values, 95))}")
            print(f"  {'whole path':<30} {ms(percentile(paths, 50))} {ms(percentile(paths, 95))}")
            order_p50 = percentile([s for r in results for s in r.steps["order"]], 50)
            summary[clients] = (rate, order_p50)
            if time.monotonic() > deadline:
                print("  (time budget spent: later runs skipped)")
                break
    finally:
        server.stop()
    return summary


# -- main --------------------------------------------------------------------------------------
def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--clients", default="1,4", help="comma-separated concurrent client counts (default 1,4)"
    )
    parser.add_argument(
        "--iterations", type=int, default=25, help="paths per client per run (default 25)"
    )
    parser.add_argument(
        "--placements",
        type=int,
        default=200,
        help="in-process placements for ehub and for the floor, each (default 200)",
    )
    parser.add_argument(
        "--budget", type=float, default=90.0, help="seconds the HTTP runs may take (default 90)"
    )
    parser.add_argument("--show-sql", action="store_true", help="print each counted statement")
    args, _unknown = parser.parse_known_args(argv)  # bench/run.py passes its own arguments on
    try:
        args.client_counts = [int(n) for n in args.clients.split(",") if n.strip()]
    except ValueError:
        parser.error(f"--clients must be numbers separated by commas, not {args.clients!r}")
    if not args.client_counts or min(args.client_counts) < 1 or max(args.client_counts) > 64:
        parser.error("--clients: between 1 and 64 clients")
    if not 1 <= args.iterations <= 10_000 or not 1 <= args.placements <= 100_000:
        parser.error("--iterations and --placements must be positive (and bounded)")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    database: Database | None = None
    try:
        database = choose_database()
        print(f"database: {database.label}")
        started = time.perf_counter()
        django_setup(database)
        seed_ = seed(max(args.client_counts))
        print(f"migrated and seeded in {time.perf_counter() - started:.1f} s\n")
        over_goal = count_statements(seed_, args.show_sql)
        ehub_median, floor_median = placement_vs_floor(seed_, args.placements)
        summary = http_path(database, seed_, args.client_counts, args.iterations, args.budget)
        print("\nSummary")
        for clients, (rate, order_p50) in summary.items():
            print(
                f"  N={clients}: {rate:6.1f} orders/s over HTTP; POST /orders p50 "
                f"{order_p50 * 1000:.1f} ms = {order_p50 / floor_median:.0f}x the raw-SQL floor "
                f"({floor_median * 1000:.2f} ms)"
            )
        print(
            f"  in process: placement {ehub_median * 1000:.2f} ms vs floor "
            f"{floor_median * 1000:.2f} ms = {ehub_median / floor_median:.1f}x"
        )
        print(
            f"  SQL statements per placement <= {GOAL_STATEMENTS}: "
            + ("met" if not over_goal else "NOT met for " + ", ".join(over_goal))
        )
    except BenchError as exc:
        print(f"bench_checkout: FAILED: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug here or in the code under test: say so, with the trace
        traceback.print_exc()
        print(f"bench_checkout: FAILED: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        if database is not None and database.tmpdir:
            shutil.rmtree(database.tmpdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
