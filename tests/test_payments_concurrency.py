"""Payments under real concurrency: threads, each with its own PostgreSQL connection, released
together by a barrier. SQLite serialises every writer and Django ignores select_for_update there;
and these tests write ledger rows, which SQLite's append-only triggers cannot flush
(docs/ledger.md), so they run on PostgreSQL only."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.db.utils import OperationalError

from ehub.core.errors import DomainError
from ehub.core.money import Money
from ehub.core.tests.concurrency import race
from ehub.ledger.checks import ledger_check
from ehub.ledger.domain import EntryKind, escrow_account
from ehub.ledger.models import JournalEntry
from ehub.ledger.selectors import account_balance
from ehub.payments.domain import PaymentStatus
from ehub.payments.hooks import only_capture_listeners
from ehub.payments.models import Payment, PaymentCallback, Refund, RefundStatus
from ehub.payments.providers import RefundResult, register_provider, unregister_provider
from ehub.payments.sandbox import SandboxProvider
from ehub.payments.services import payment_create, payment_handle_callback, payment_refund
from ehub.payments.tests.factories import (
    captured_sandbox_payment,
    sandbox_callback,
    sandbox_payment,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrency needs PostgreSQL: SQLite serialises writers, ignores "
        "select_for_update, and cannot flush ledger rows (run with DATABASE_URL=postgres://...)",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 20


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, Money]] = []
        self._lock = threading.Lock()

    def __call__(self, *, order_ref: str, payment_id: str, amount: Money) -> None:
        with self._lock:
            self.calls.append((order_ref, payment_id, amount))


@pytest.fixture(autouse=True)
def listener():
    recorder = Recorder()
    with only_capture_listeners(recorder):
        yield recorder


def test_twenty_concurrent_deliveries_of_one_callback_capture_once(listener):
    payment = sandbox_payment("ORD-1", Money("319.46", "EUR"))
    headers, body = sandbox_callback(payment)

    results = race(
        lambda i: payment_handle_callback(provider="sandbox", headers=headers, body=body)
    )

    payment.refresh_from_db()
    assert [r for r in results if isinstance(r, Exception)] == []
    assert payment.status == PaymentStatus.CAPTURED
    assert JournalEntry.objects.filter(kind=EntryKind.PAYMENT_CAPTURED).count() == 1
    assert account_balance(key=escrow_account("ORD-1", "EUR")) == Money("-319.46", "EUR")
    assert listener.calls == [("ORD-1", str(payment.public_id), Money("319.46", "EUR"))]
    verdicts = list(PaymentCallback.objects.values_list("verdict", flat=True))
    assert sorted(verdicts) == ["accepted"] + ["duplicate"] * (THREADS - 1)
    assert ledger_check().ok


def test_twenty_concurrent_creates_with_one_key_make_one_payment():
    results = race(
        lambda i: payment_create(
            order_ref="ORD-1", amount=Money("10.00", "EUR"), idempotency_key="checkout-1"
        )
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    assert len({p.pk for p in results}) == 1
    assert Payment.objects.count() == 1
    assert Payment.objects.get().provider_reference.startswith("sbx_")


def test_concurrent_refunds_never_refund_more_than_was_captured(listener):
    payment = captured_sandbox_payment(order_ref="ORD-1", amount=Money("100.00", "EUR"))

    results = race(
        lambda i: payment_refund(payment=payment, amount=Money("10.00", "EUR"), reason=f"r{i}")
    )

    payment.refresh_from_db()
    refused = [r for r in results if isinstance(r, DomainError)]
    assert [r for r in results if isinstance(r, Exception) and r not in refused] == []
    assert len(refused) == THREADS - 10
    # Refused while others are still pending: exceeds; after the tenth completed: not refundable.
    assert {r.code for r in refused} <= {
        "payments_refund_exceeds_capture",
        "payments_not_refundable",
    }
    assert Refund.objects.filter(status=RefundStatus.SUCCEEDED).count() == 10
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded == Money("100.00", "EUR")
    assert JournalEntry.objects.filter(kind=EntryKind.REFUND).count() == 10
    assert account_balance(key=escrow_account("ORD-1", "EUR")) == Money("0.00", "EUR")
    assert ledger_check().ok


class LockProbingProvider(SandboxProvider):
    """A sandbox whose refund call checks, from another connection, that nobody holds a lock on
    the payment or its refunds, and that the caller has no transaction open."""

    seen: list[str] = []

    def refund(self, *, payment, amount):
        LockProbingProvider.seen.append(
            "in a transaction" if connection.in_atomic_block else "no transaction"
        )

        def probe() -> None:
            try:
                with transaction.atomic():
                    Payment.objects.select_for_update(nowait=True).get(pk=payment.pk)
                    list(Refund.objects.select_for_update(nowait=True).filter(payment=payment))
                LockProbingProvider.seen.append("rows free")
            except OperationalError:
                LockProbingProvider.seen.append("rows locked")
            finally:
                connections.close_all()

        thread = threading.Thread(target=probe)
        thread.start()
        thread.join(timeout=30)
        return super().refund(payment=payment, amount=amount)


def test_no_lock_is_held_across_the_provider_refund_call():
    payment = captured_sandbox_payment(order_ref="ORD-1", amount=Money("100.00", "EUR"))
    LockProbingProvider.seen = []
    register_provider("sandbox", LockProbingProvider)
    try:
        refund = payment_refund(payment=payment, amount=Money("25.00", "EUR"), reason="x")
    finally:
        unregister_provider("sandbox")

    assert LockProbingProvider.seen == ["no transaction", "rows free"]
    assert refund.status == RefundStatus.SUCCEEDED
    assert ledger_check().ok


class FailingRefundProvider(SandboxProvider):
    def refund(self, *, payment, amount):
        return RefundResult(succeeded=False, failure_message="bank said no")


def test_a_refused_refund_releases_its_reservation(listener):
    payment = captured_sandbox_payment(order_ref="ORD-1", amount=Money("100.00", "EUR"))
    register_provider("sandbox", FailingRefundProvider)
    try:
        with pytest.raises(DomainError):
            payment_refund(payment=payment, amount=Money("100.00", "EUR"), reason="x")
    finally:
        unregister_provider("sandbox")

    again = payment_refund(payment=payment, amount=Money("100.00", "EUR"), reason="x")

    assert again.status == RefundStatus.SUCCEEDED
    assert JournalEntry.objects.filter(kind=EntryKind.REFUND).count() == 1
    assert ledger_check().ok


def test_racing_capture_and_decline_callbacks_end_in_exactly_one_outcome(listener):
    from ehub.payments.domain import CallbackEventType

    payment = sandbox_payment("ORD-1", Money("50.00", "EUR"))
    captured = sandbox_callback(payment, CallbackEventType.CAPTURED)
    declined = sandbox_callback(payment, CallbackEventType.DECLINED)

    def deliver(i: int) -> Payment:
        headers, body = captured if i % 2 == 0 else declined
        return payment_handle_callback(provider="sandbox", headers=headers, body=body)

    results = race(deliver)

    payment.refresh_from_db()
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == THREADS // 2
    assert {(r.code, r.status) for r in refused} == {("payments_illegal_transition", 409)}
    verdicts = sorted(PaymentCallback.objects.values_list("verdict", flat=True))
    assert verdicts == sorted(
        ["accepted"] + ["duplicate"] * (THREADS // 2 - 1) + ["rejected"] * (THREADS // 2)
    )
    escrow_entries = JournalEntry.objects.filter(kind=EntryKind.PAYMENT_CAPTURED).count()
    if payment.status == PaymentStatus.CAPTURED:
        assert (escrow_entries, len(listener.calls)) == (1, 1)
    else:
        assert payment.status == PaymentStatus.DECLINED
        assert (escrow_entries, len(listener.calls)) == (0, 0)
    assert ledger_check().ok
