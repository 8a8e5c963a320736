"""Cancelling paid orders and refunding parcels: through the sandbox provider and the parcel's
escrow, idempotent, stock returned on cancellation, late and second captures refunded."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from ehub.catalog.models import Variant
from ehub.core.errors import Conflict
from ehub.core.money import Money
from ehub.core.tests.concurrency import race
from ehub.ledger.checks import ledger_check
from ehub.ledger.domain import EntryKind, escrow_account
from ehub.ledger.models import JournalEntry
from ehub.ledger.selectors import account_balance
from ehub.orders.domain import IllegalTransition, OrderStatus
from ehub.orders.models import Order, OrderParcel
from ehub.orders.services import (
    order_cancel,
    order_parcel_refund,
    order_payment_start,
    order_place,
    order_refunds_settle,
    order_transition,
)
from ehub.orders.tests.helpers import my_quote, paid_order, signed_in, variant, world
from ehub.payments.models import Payment, Refund
from ehub.payments.sandbox import sandbox_callbacks_deliver_pending, sandbox_card_submit
from ehub.payments.services import payments_notify_captures_pending
from ehub.sellers.tests.factories import SellerFactory

pytestmark = pytest.mark.django_db


def held(ref: str, currency: str = "SGD") -> Money:
    return -account_balance(key=escrow_account(ref, currency))


def two_parcel_order():
    w = world(stock=5)
    other = variant(seller=SellerFactory(country="MY", payout_currency="MYR"), stock=5)
    order = paid_order(w.buyer, my_quote(w.buyer, [(w.variant, 2), (other, 1)]))
    return w, other, order


def stock(v: Variant) -> int:
    return Variant.objects.get(pk=v.pk).stock_quantity


def test_cancelling_a_paid_order_refunds_every_parcel_and_returns_the_stock():
    w, other, order = two_parcel_order()
    first, second = order.parcels.all()
    assert (stock(w.variant), stock(other)) == (3, 4)

    order_cancel(order=order, actor=w.buyer, reason="changed my mind")

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert (stock(w.variant), stock(other)) == (5, 5)
    for parcel in (first, second):
        parcel.refresh_from_db()
        assert parcel.refunded_at is not None
        assert held(parcel.escrow_reference) == Money("0", "SGD")
    payment = Payment.objects.get(order_ref=order.reference)
    assert (payment.status, payment.refunded_minor) == ("refunded", order.total_minor)
    assert sorted(Refund.objects.values_list("escrow_ref", flat=True)) == [
        first.escrow_reference,
        second.escrow_reference,
    ]
    assert JournalEntry.objects.filter(kind=EntryKind.REFUND).count() == 2
    assert ledger_check().ok, ledger_check().problems


def test_a_parcel_refund_is_idempotent_and_the_last_one_refunds_the_order():
    w, other, order = two_parcel_order()
    order_transition(order=order, to=OrderStatus.IN_FULFILMENT)
    first, second = order.parcels.all()

    order_parcel_refund(parcel=first, reason="refused by customs")
    order_parcel_refund(parcel=first, reason="refused by customs")

    assert Refund.objects.count() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_FULFILMENT
    assert held(second.escrow_reference) == Money.from_minor_units(second.payable_minor, "SGD")

    order_parcel_refund(parcel=second, reason="returned to the seller")

    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert Payment.objects.get().refunded_minor == order.total_minor
    assert (stock(w.variant), stock(other)) == (3, 4)  # a refund alone does not restock
    assert ledger_check().ok, ledger_check().problems


def test_a_refunded_parcel_is_skipped_when_the_rest_is_released():
    from ehub.orders.services import order_confirm_receipt

    w, _, order = two_parcel_order()
    first, second = order.parcels.all()
    order_transition(order=order, to=OrderStatus.IN_FULFILMENT)
    order_parcel_refund(parcel=first, reason="lost in transit")
    order_transition(order=Order.objects.get(pk=order.pk), to=OrderStatus.DELIVERED)

    order = order_confirm_receipt(order=Order.objects.get(pk=order.pk), buyer=w.buyer)

    assert order.status == OrderStatus.COMPLETED
    released = JournalEntry.objects.filter(kind=EntryKind.ESCROW_RELEASE)
    assert list(released.values_list("reference", flat=True)) == [second.escrow_reference]
    assert ledger_check().ok, ledger_check().problems


def test_a_completed_order_cannot_be_refunded_by_parcel():
    from ehub.orders.services import order_confirm_receipt

    w, _, order = two_parcel_order()
    order_transition(order=order, to=OrderStatus.IN_FULFILMENT)
    order_transition(order=order, to=OrderStatus.DELIVERED)
    order_confirm_receipt(order=order, buyer=w.buyer)

    with pytest.raises(Conflict) as refused:
        order_parcel_refund(parcel=order.parcels.first(), reason="too late")

    assert refused.value.code == "order_not_refundable"
    assert Refund.objects.count() == 0


def test_an_order_handed_to_a_carrier_cannot_be_cancelled():
    w, _, order = two_parcel_order()
    order_transition(order=order, to=OrderStatus.IN_FULFILMENT)

    with pytest.raises(IllegalTransition):
        order_cancel(order=order, actor=w.buyer, reason="too late")

    assert Refund.objects.count() == 0
    assert stock(w.variant) == 3


def test_a_failed_provider_refund_is_retried_by_settle_refunds(monkeypatch):
    from ehub.payments.providers import RefundResult
    from ehub.payments.sandbox import SandboxProvider

    w, _, order = two_parcel_order()
    monkeypatch.setattr(
        SandboxProvider,
        "refund",
        lambda self, *, payment, amount: RefundResult(succeeded=False, failure_message="down"),
    )
    order_cancel(order=order, actor=w.buyer, reason="changed my mind")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert OrderParcel.objects.filter(refunded_at__isnull=True).count() == 2

    with pytest.raises(Exception, match="still failing"):
        call_command("orders", "settle-refunds", stdout=io.StringIO())
    monkeypatch.undo()

    assert order_refunds_settle() == []
    assert OrderParcel.objects.filter(refunded_at__isnull=True).count() == 0
    assert Payment.objects.get().refunded_minor == order.total_minor
    assert ledger_check().ok, ledger_check().problems


def test_a_capture_after_cancellation_is_refunded_in_full():
    w = world()
    order = order_place(buyer=w.buyer, quote_id=my_quote(w.buyer, [(w.variant, 1)]).public_id)
    payment = order_payment_start(order=order, buyer=w.buyer).payment
    sandbox_card_submit(payment=payment, card_number="4242 4242 4242 4242")
    order_cancel(order=order, actor=w.buyer, reason="too slow")  # before the callback arrives

    sandbox_callbacks_deliver_pending()
    payments_notify_captures_pending()

    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == ("refunded", payment.amount_minor)
    assert payment.capture_notified_at is not None  # done: no endless retries
    assert held(order.reference) == Money("0", "SGD")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert ledger_check().ok, ledger_check().problems


def test_the_ledger_check_finds_a_paid_parcel_without_escrow():
    _, _, order = two_parcel_order()
    parcel = order.parcels.first()
    OrderParcel.objects.filter(pk=parcel.pk).update(payable_minor=parcel.payable_minor + 1)

    problems = [p.code for p in ledger_check().problems]

    assert problems == ["paid_order_without_escrow"]


def test_the_buyer_cancels_over_http_and_nobody_else_can():
    from django.test import override_settings

    from ehub.accounts.tests.factories import UserFactory

    w, _, order = two_parcel_order()
    with override_settings(ROOT_URLCONF="ehub.orders.tests.urls"):
        stranger = signed_in(UserFactory()).post(
            f"/api/v1/orders/{order.pk}/cancel", {}, content_type="application/json"
        )
        response = signed_in(w.buyer).post(
            f"/api/v1/orders/{order.pk}/cancel",
            {"reason": "ordered twice"},
            content_type="application/json",
        )
        again = signed_in(w.buyer).post(
            f"/api/v1/orders/{order.pk}/cancel", {}, content_type="application/json"
        )

    assert stranger.status_code == 404
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "cancelled"
    assert [p["refunded"] for p in body["parcels"]] == [True, True]
    assert again.status_code == 409
    assert again.json()["code"] == "illegal_order_transition"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_refunds_of_one_parcel_and_a_cancellation_refund_it_once():
    _, _, order = two_parcel_order()
    first = order.parcels.first()

    def work(i: int):
        if i == 0:
            return order_cancel(order=Order.objects.get(pk=order.pk), actor=None, reason="race")
        return order_parcel_refund(parcel=first, reason=f"race {i}")

    results = race(work, threads=8)

    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, Conflict)]
    assert Refund.objects.filter(escrow_ref=first.escrow_reference, status="succeeded").count() == 1
    assert held(first.escrow_reference) == Money("0", "SGD")
    assert OrderParcel.objects.filter(order=order, refunded_at__isnull=True).count() == 0
    assert Payment.objects.get().refunded_minor == order.total_minor
    assert ledger_check().ok, ledger_check().problems
