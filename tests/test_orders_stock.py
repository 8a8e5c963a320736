"""Stock is taken by one conditional update per variant: the oversell bugs other shops shipped,
as tests (concurrency on PostgreSQL is in test_orders_concurrency.py)."""

from __future__ import annotations

import socket

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from ehub.catalog.models import Variant
from ehub.inventory.errors import OutOfStock
from ehub.inventory.services import stock_merge, stock_return, stock_take
from ehub.orders.models import Order
from ehub.orders.services import order_place
from ehub.orders.tests.helpers import my_quote, variant, world

pytestmark = pytest.mark.django_db


def stock(v: Variant) -> int:
    return Variant.objects.values_list("stock_quantity", flat=True).get(pk=v.pk)


def test_two_lines_on_one_variant_draw_on_one_counter():
    v = variant(stock=3)

    with pytest.raises(OutOfStock) as refused:
        stock_take(lines=[(v.pk, 2), (v.pk, 2)])

    assert refused.value.variant_ids == [v.pk]
    assert refused.value.status == 409
    assert stock(v) == 3


def test_two_lines_on_one_variant_are_taken_together():
    v = variant(stock=3)

    stock_take(lines=[(v.pk, 1), (v.pk, 2)])

    assert stock(v) == 0


def test_a_stale_check_cannot_oversell_because_the_take_is_the_check():
    v = variant(stock=1)
    seen_by_buyer_a = Variant.objects.get(pk=v.pk).stock_quantity  # "1 left" on a page
    stock_take(lines=[(v.pk, 1)])  # buyer B takes it meanwhile

    assert seen_by_buyer_a == 1
    with pytest.raises(OutOfStock):
        stock_take(lines=[(v.pk, 1)])
    assert stock(v) == 0


def test_a_refusal_undoes_the_lines_already_taken():
    plenty, scarce = variant(stock=5), variant(stock=1)

    with pytest.raises(OutOfStock) as refused:
        stock_take(lines=[(plenty.pk, 2), (scarce.pk, 2)])

    assert refused.value.variant_ids == [scarce.pk]
    assert (stock(plenty), stock(scarce)) == (5, 1)


def test_every_short_variant_is_named():
    a, b, c = variant(stock=0), variant(stock=5), variant(stock=1)

    with pytest.raises(OutOfStock) as refused:
        stock_take(lines=[(c.pk, 2), (b.pk, 1), (a.pk, 1)])

    assert refused.value.variant_ids == sorted([a.pk, c.pk])
    assert refused.value.as_dict()["detail"] == {"variant_ids": sorted([a.pk, c.pk])}
    assert (stock(a), stock(b), stock(c)) == (0, 5, 1)


def test_variants_are_updated_in_primary_key_order_whatever_the_line_order():
    first, second, third = variant(), variant(), variant()

    with CaptureQueriesContext(connection) as queries:
        stock_take(lines=[(third.pk, 1), (first.pk, 1), (second.pk, 1)])

    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 3
    ids = [first.pk, second.pk, third.pk]
    positions = [next(i for i, sql in enumerate(updates) if f"= {pk}" in sql) for pk in ids]
    assert positions == [0, 1, 2]
    assert all("stock_quantity" in sql and ">=" in sql for sql in updates)


def test_the_database_refuses_a_negative_counter():
    v = variant(stock=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Variant.objects.filter(pk=v.pk).update(stock_quantity=-1)

    assert stock(v) == 1


def test_stock_return_adds_back_merged_quantities():
    v = variant(stock=0)

    stock_return(lines=[(v.pk, 2), (v.pk, 1)])

    assert stock(v) == 3


def test_merge_refuses_a_zero_or_negative_quantity():
    with pytest.raises(ValueError, match="≥ 1"):
        stock_merge([(1, 0)])


def test_placement_holds_no_lock_across_a_network_call(monkeypatch):
    """Placing an order calls no payment provider (or anything else on the network) while its
    transaction holds the stock rows: a socket opened during placement fails the test."""
    w = world(stock=5)
    quote = my_quote(w.buyer, [(w.variant, 1)])
    connection.ensure_connection()
    opened: list[object] = []

    def no_network(*args, **kwargs):
        opened.append(args)
        raise AssertionError("network call inside the placement transaction")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)

    order = order_place(buyer=w.buyer, quote_id=quote.public_id)

    assert opened == []
    assert Order.objects.get().pk == order.pk
    assert stock(w.variant) == 4
