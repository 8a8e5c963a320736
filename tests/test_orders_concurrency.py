"""Order placement under real concurrency: threads, each with its own PostgreSQL connection,
released together by a barrier. SQLite serialises every writer (and Django ignores
select_for_update there), so these races only mean something on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

from ehub.accounts.tests.factories import UserFactory
from ehub.catalog.models import Variant
from ehub.core import clock
from ehub.core.models import AuditEvent
from ehub.core.tests.concurrency import race
from ehub.inventory.errors import OutOfStock
from ehub.inventory.services import stock_take
from ehub.orders.models import IdempotencyKey, Order, OrderLine
from ehub.orders.services import order_place_idempotent
from ehub.orders.tests.helpers import (
    cn_quote,
    fx_rates,
    markets,
    my_quote,
    variant,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrency needs PostgreSQL: SQLite serialises writers and ignores "
        "select_for_update (run with DATABASE_URL=postgres://...)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_fifty_buyers_racing_for_the_last_ten_units_make_exactly_ten_orders():
    markets()
    fx_rates()
    last_ten = variant(stock=10)
    buyers = [UserFactory() for _ in range(50)]
    quotes = [my_quote(buyer, [(last_ten, 1)]) for buyer in buyers]

    results = race(
        lambda i: order_place_idempotent(
            buyer=buyers[i],
            idempotency_key=f"buy-{i}",
            payload={"quote_id": str(quotes[i].public_id)},
        ),
        threads=50,
    )

    placed = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(placed) == 10
    assert all(r.status == 201 for r in placed)
    assert len(refused) == 40
    assert all(isinstance(r, OutOfStock) for r in refused), {type(r) for r in refused}
    assert Order.objects.count() == 10
    assert OrderLine.objects.count() == 10
    assert Variant.objects.get(pk=last_ten.pk).stock_quantity == 0
    assert IdempotencyKey.objects.count() == 10
    assert AuditEvent.objects.filter(tag="order:status:pending_payment").count() == 10


def test_twenty_concurrent_retries_of_one_idempotency_key_make_one_order():
    markets()
    fx_rates()
    v = variant(stock=5)
    buyer = UserFactory()
    quote = my_quote(buyer, [(v, 2)])
    payload = {"quote_id": str(quote.public_id)}

    results = race(
        lambda i: order_place_idempotent(buyer=buyer, idempotency_key="retry-me", payload=payload),
        threads=20,
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert {r.status for r in results} == {201}
    assert len({r.body["id"] for r in results}) == 1
    assert all(r.body == results[0].body for r in results)
    assert sum(1 for r in results if not r.replayed) == 1
    assert Order.objects.count() == 1
    assert Variant.objects.get(pk=v.pk).stock_quantity == 3
    assert IdempotencyKey.objects.count() == 1


def test_two_carts_holding_the_same_two_products_in_opposite_order_do_not_deadlock():
    a, b = variant(stock=1000), variant(stock=1000)
    rounds = 20

    def work(i: int) -> None:
        lines = [(a.pk, 1), (b.pk, 1)] if i % 2 == 0 else [(b.pk, 1), (a.pk, 1)]
        from django.db import transaction

        for _ in range(rounds):
            with transaction.atomic():
                stock_take(lines=lines)

    results = race(work, threads=10)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert Variant.objects.get(pk=a.pk).stock_quantity == 1000 - 10 * rounds
    assert Variant.objects.get(pk=b.pk).stock_quantity == 1000 - 10 * rounds


def test_one_persons_concurrent_cn_orders_cannot_together_pass_the_annual_limit():
    """Each order alone fits under CNY 26,000 for the year; together they do not. The buyer's
    identity row is locked during placement, so the second one sees the first."""
    markets()
    fx_rates()
    # 2,800 MYR ≈ CNY 4,368 + shipping, one item each (single items may pass the order limit).
    pricey = [variant(stock=5, price_minor=280000) for _ in range(8)]
    buyers = [UserFactory() for _ in range(8)]  # eight accounts, one person
    quotes = [cn_quote(buyers[i], [(pricey[i], 1)]) for i in range(8)]
    assert all(q.sellable for q in quotes)

    results = race(
        lambda i: order_place_idempotent(
            buyer=buyers[i],
            idempotency_key=f"cn-{i}",
            payload={"quote_id": str(quotes[i].public_id)},
        ),
        threads=8,
    )

    placed = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(placed) == 5  # 5 × ~CNY 4,4xx ≤ 26,000 < 6 × ~CNY 4,4xx
    assert {getattr(r, "code", type(r).__name__) for r in refused} == {
        "cross_border_limit_exceeded"
    }
    total = sum(o.limit_value_minor for o in Order.objects.all())
    assert total <= 26_000_00


def test_two_schedulers_at_once_enqueue_a_due_job_once():
    from django_tasks_db.models import DBTaskResult

    from ehub.core.jobs import jobs_enqueue_due

    moment = clock.now()
    results = race(lambda i: jobs_enqueue_due(now=moment), threads=4)

    assert not [r for r in results if isinstance(r, Exception)]
    assert DBTaskResult.objects.filter(task_path="ehub.orders.tasks.expire_unpaid").count() == 1
