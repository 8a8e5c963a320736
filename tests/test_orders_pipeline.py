"""The order status pipeline, unpaid-order expiry, the payment-capture hook and key cleanup."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from ehub.catalog.models import Variant
from ehub.core import clock
from ehub.core.errors import Conflict
from ehub.core.models import AuditEvent
from ehub.core.money import Money
from ehub.orders.domain import TRANSITIONS, IllegalTransition, OrderStatus, transition_check
from ehub.orders.models import IdempotencyKey, Order
from ehub.orders.services import (
    idempotency_keys_purge,
    order_expire_unpaid,
    order_payment_captured,
    order_payment_captured_listener,
    order_place,
    order_place_idempotent,
    order_transition,
)
from ehub.orders.tests.helpers import my_quote, variant, world
from ehub.sellers.tests.factories import SellerFactory

S = OrderStatus

# -- the table (no database) ---------------------------------------------------------------------


def test_the_pipeline_is_the_documented_one():
    assert {
        S.PENDING_PAYMENT: {S.PAID, S.CANCELLED},
        S.PAID: {S.IN_FULFILMENT, S.CANCELLED, S.REFUNDED},
        S.IN_FULFILMENT: {S.DELIVERED, S.REFUNDED},
        S.DELIVERED: {S.COMPLETED, S.REFUNDED},
        S.COMPLETED: set(),
        S.CANCELLED: set(),
        S.REFUNDED: set(),
    } == TRANSITIONS


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.PENDING_PAYMENT, S.DELIVERED),
        (S.PENDING_PAYMENT, S.REFUNDED),
        (S.PAID, S.PENDING_PAYMENT),
        (S.CANCELLED, S.PAID),
        (S.COMPLETED, S.REFUNDED),
        (S.REFUNDED, S.PAID),
    ],
)
def test_an_illegal_move_is_a_domain_error(current, target):
    with pytest.raises(IllegalTransition) as refused:
        transition_check(current, target)

    assert refused.value.status == 409
    assert refused.value.code == "illegal_order_transition"
    assert refused.value.detail["from"] == current


# -- with the database ---------------------------------------------------------------------------
pytestmark_db = pytest.mark.django_db


def placed(w, quantity=1):
    return order_place(buyer=w.buyer, quote_id=my_quote(w.buyer, [(w.variant, quantity)]).public_id)


def stock(v) -> int:
    return Variant.objects.values_list("stock_quantity", flat=True).get(pk=v.pk)


@pytestmark_db
def test_the_happy_path_records_an_audit_event_per_move():
    w = world()
    order = placed(w)

    for target in (S.PAID, S.IN_FULFILMENT, S.DELIVERED, S.COMPLETED):
        order_transition(order=order, to=target)

    assert Order.objects.get(pk=order.pk).status == S.COMPLETED
    assert list(
        AuditEvent.objects.filter(subject_id=str(order.pk))
        .order_by("id")
        .values_list("tag", flat=True)
    ) == [
        "order:status:pending_payment",
        "order:status:paid",
        "order:status:in_fulfilment",
        "order:status:delivered",
        "order:status:completed",
    ]


@pytestmark_db
def test_an_illegal_move_changes_nothing():
    w = world()
    order = placed(w)

    with pytest.raises(IllegalTransition):
        order_transition(order=order, to=S.DELIVERED)

    assert Order.objects.get(pk=order.pk).status == S.PENDING_PAYMENT
    assert AuditEvent.objects.filter(subject_id=str(order.pk)).count() == 1


@pytestmark_db
def test_a_stale_copy_cannot_apply_a_move_the_status_no_longer_allows():
    w = world()
    order = placed(w)
    stale = Order.objects.get(pk=order.pk)
    order_transition(order=order, to=S.PAID)

    with pytest.raises(IllegalTransition) as refused:
        order_transition(order=stale, to=S.CANCELLED)  # the stale copy still says pending

    assert refused.value.detail["from"] == S.PAID
    assert Order.objects.get(pk=order.pk).status == S.PAID


@pytestmark_db
def test_unpaid_orders_past_the_ttl_are_cancelled_and_their_stock_returned(monkeypatch):
    w = world(stock=10)
    old = placed(w, quantity=3)
    paid = placed(w, quantity=2)
    order_transition(order=paid, to=S.PAID)
    later = clock.now() + dt.timedelta(minutes=31)
    monkeypatch.setattr("ehub.core.clock.now", lambda: later)
    young = placed(w, quantity=1)
    assert stock(w.variant) == 4

    cancelled = order_expire_unpaid()

    assert cancelled == [old.pk]
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {old.pk: S.CANCELLED, paid.pk: S.PAID, young.pk: S.PENDING_PAYMENT}
    assert stock(w.variant) == 7
    assert Order.objects.get(pk=old.pk).cancelled_at == later
    event = AuditEvent.objects.get(tag="order:status:cancelled")
    assert event.subject_id == str(old.pk)
    assert "unpaid" in event.data["reason"]
    assert order_expire_unpaid() == []  # running again changes nothing
    assert stock(w.variant) == 7


@pytestmark_db
def test_an_explicit_zero_age_expires_every_unpaid_order_placed_before_now(monkeypatch):
    w = world(stock=10)
    order = placed(w, quantity=2)
    later = clock.now() + dt.timedelta(seconds=1)
    monkeypatch.setattr("ehub.core.clock.now", lambda: later)

    assert order_expire_unpaid(older_than=dt.timedelta(0)) == [order.pk]
    assert stock(w.variant) == 10


@pytestmark_db
def test_the_unpaid_ttl_is_configurable_and_the_command_reports(monkeypatch):
    w = world(stock=10)
    order = placed(w)
    later = clock.now() + dt.timedelta(minutes=6)
    monkeypatch.setattr("ehub.core.clock.now", lambda: later)
    out = StringIO()

    with override_settings(EHUB_ORDERS_UNPAID_TTL_MINUTES=5):
        call_command("orders", "expire-unpaid", stdout=out)

    assert out.getvalue().strip() == f"cancelled 1 unpaid order(s): ORD-{order.pk}"
    assert Order.objects.get(pk=order.pk).status == S.CANCELLED
    assert stock(w.variant) == 10


@pytestmark_db
def test_a_captured_payment_for_the_whole_order_marks_it_paid_and_a_repeat_is_harmless():
    w = world()
    order = placed(w, quantity=2)
    amount = Money.from_minor_units(order.total_minor, order.currency)

    order_payment_captured(order_ref=order.reference, payment_id="pay_1", amount=amount)
    order_payment_captured(order_ref=order.reference, payment_id="pay_1", amount=amount)

    order.refresh_from_db()
    assert (order.status, order.payment_id) == (S.PAID, "pay_1")
    assert order.parcels.filter(paid_at__isnull=True).count() == 0
    assert AuditEvent.objects.filter(tag="order:status:paid").count() == 1


@pytestmark_db
def test_parcel_captures_mark_the_order_paid_when_every_parcel_is_paid():
    w = world()
    other = variant(seller=SellerFactory(country="MY", payout_currency="MYR"))
    order = order_place(
        buyer=w.buyer, quote_id=my_quote(w.buyer, [(w.variant, 1), (other, 1)]).public_id
    )
    first, second = order.parcels.all()

    order_payment_captured(
        order_ref=first.escrow_reference,
        payment_id="pay_a",
        amount=Money.from_minor_units(first.payable_minor, "SGD"),
    )
    assert Order.objects.get(pk=order.pk).status == S.PENDING_PAYMENT
    order_payment_captured(
        order_ref=second.escrow_reference,
        payment_id="pay_b",
        amount=Money.from_minor_units(second.payable_minor, "SGD"),
    )

    assert Order.objects.get(pk=order.pk).status == S.PAID


@pytestmark_db
def test_a_capture_of_the_wrong_amount_changes_nothing():
    w = world()
    order = placed(w)

    with pytest.raises(Conflict) as refused:
        order_payment_captured(
            order_ref=order.reference,
            payment_id="pay_1",
            amount=Money.from_minor_units(order.total_minor - 1, order.currency),
        )

    assert refused.value.code == "payment_mismatch"
    order.refresh_from_db()
    assert (order.status, order.payment_id) == (S.PENDING_PAYMENT, "")
    assert order.parcels.filter(paid_at__isnull=False).count() == 0


@pytestmark_db
def test_a_capture_for_a_cancelled_order_is_refused_so_payments_refunds_it(monkeypatch):
    w = world()
    order = placed(w)
    later = clock.now() + dt.timedelta(hours=1)
    monkeypatch.setattr("ehub.core.clock.now", lambda: later)
    order_expire_unpaid()

    with pytest.raises(IllegalTransition):
        order_payment_captured(
            order_ref=order.reference,
            payment_id="pay_late",
            amount=Money.from_minor_units(order.total_minor, order.currency),
        )

    assert Order.objects.get(pk=order.pk).status == S.CANCELLED


@pytestmark_db
def test_the_capture_listener_is_registered_with_payments():
    hooks = pytest.importorskip("ehub.payments.hooks")

    assert order_payment_captured_listener in hooks.capture_listeners()


@pytestmark_db
def test_idempotency_keys_are_kept_at_least_a_day(monkeypatch):
    w = world()
    order_place_idempotent(
        buyer=w.buyer,
        idempotency_key="old",
        payload={"quote_id": str(my_quote(w.buyer, [(w.variant, 1)]).public_id)},
    )
    IdempotencyKey.objects.update(created_at=clock.now() - dt.timedelta(hours=23))
    order_place_idempotent(
        buyer=w.buyer,
        idempotency_key="new",
        payload={"quote_id": str(my_quote(w.buyer, [(w.variant, 1)]).public_id)},
    )

    assert idempotency_keys_purge(older_than=dt.timedelta(hours=1)) == 0  # clamped to 24 h
    IdempotencyKey.objects.filter(key="old").update(created_at=clock.now() - dt.timedelta(hours=25))
    out = StringIO()
    call_command("orders", "purge-idempotency-keys", stdout=out)

    assert out.getvalue().strip() == "deleted 1 idempotency key(s)"
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
