"""Payments services against the database: create, callbacks, escrow, listeners, refunds, expiry."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from ehub.core.errors import DomainError
from ehub.core.models import AuditEvent
from ehub.core.money import Money
from ehub.ledger.checks import ledger_check
from ehub.ledger.domain import EntryKind, ReleaseBreakdown, escrow_account
from ehub.ledger.models import JournalEntry
from ehub.ledger.selectors import account_balance
from ehub.ledger.services import escrow_release
from ehub.payments.domain import CallbackEventType, CallbackRefused, PaymentStatus
from ehub.payments.hooks import capture_listener
from ehub.payments.models import (
    Payment,
    PaymentCallback,
    Refund,
    RefundStatus,
    SandboxCallback,
    SandboxCharge,
)
from ehub.payments.providers import (
    PaymentProvider,
    RefundResult,
    get_provider,
    provider_names,
    register_provider,
    unregister_provider,
)
from ehub.payments.sandbox import SandboxProvider, sandbox_card_submit
from ehub.payments.services import (
    payment_create,
    payment_expire,
    payment_handle_callback,
    payment_refund,
    payments_expire_stale,
    payments_notify_captures_pending,
)
from ehub.payments.tests.factories import (
    captured_sandbox_payment,
    sandbox_callback,
    sandbox_payment,
)
from ehub.sellers.tests.factories import SellerFactory

pytestmark = pytest.mark.django_db

EUR = "EUR"


def eur(amount: str) -> Money:
    return Money(amount, EUR)


def captures() -> list[JournalEntry]:
    return list(JournalEntry.objects.filter(kind=EntryKind.PAYMENT_CAPTURED))


class Recorder:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, *, order_ref: str, payment_id: str, amount: Money) -> None:
        self.calls.append({"order_ref": order_ref, "payment_id": payment_id, "amount": amount})


@pytest.fixture
def listener():
    recorder = Recorder()
    with capture_listener(recorder):
        yield recorder


# -- creating -----------------------------------------------------------------------------------
def test_payment_create_starts_a_pending_sandbox_payment():
    payment = payment_create(
        order_ref="ORD-1", amount=eur("319.46"), provider="sandbox", idempotency_key="k1"
    )

    assert payment.status == PaymentStatus.PENDING
    assert payment.amount == eur("319.46")
    assert payment.amount_minor == 31946
    assert payment.provider_reference == f"sbx_{payment.public_id.hex}"
    assert payment.redirect_url == f"/pay/sandbox/{payment.public_id}/"
    assert AuditEvent.objects.filter(tag="payment:status:pending").count() == 1


def test_payment_create_is_idempotent_by_key():
    first = payment_create(order_ref="ORD-1", amount=eur("10.00"), idempotency_key="k1")
    again = payment_create(order_ref="ORD-1", amount=eur("10.00"), idempotency_key="k1")

    assert again.pk == first.pk
    assert Payment.objects.count() == 1


def test_the_same_key_for_another_amount_is_a_conflict():
    payment_create(order_ref="ORD-1", amount=eur("10.00"), idempotency_key="k1")

    with pytest.raises(DomainError) as refused:
        payment_create(order_ref="ORD-1", amount=eur("11.00"), idempotency_key="k1")

    assert refused.value.code == "payments_idempotency_key_reused"
    assert refused.value.status == 409
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("amount", [Money("0.00", EUR), Money("-1.00", EUR), Money("1.005", EUR)])
def test_a_zero_negative_or_unrounded_amount_is_refused(amount):
    with pytest.raises(DomainError) as refused:
        payment_create(order_ref="ORD-1", amount=amount, idempotency_key="k1")

    assert refused.value.code == "payments_invalid_amount"
    assert Payment.objects.count() == 0


def test_an_unknown_provider_is_refused():
    with pytest.raises(DomainError) as refused:
        payment_create(order_ref="ORD-1", amount=eur("1.00"), provider="nope", idempotency_key="k")

    assert refused.value.code == "payments_unknown_provider"
    assert refused.value.status == 404
    assert Payment.objects.count() == 0


def test_the_sandbox_is_refused_when_disabled(settings):
    settings.EHUB_PAYMENTS_SANDBOX_ENABLED = False

    with pytest.raises(DomainError) as refused:
        payment_create(order_ref="ORD-1", amount=eur("1.00"), idempotency_key="k")

    assert refused.value.code == "payments_provider_disabled"
    assert Payment.objects.count() == 0


# -- callbacks ----------------------------------------------------------------------------------
def test_a_capture_callback_captures_funds_escrow_once_and_notifies_after_commit(
    listener, django_capture_on_commit_callbacks
):
    payment = sandbox_payment("ORD-1")
    headers, body = sandbox_callback(payment)

    with django_capture_on_commit_callbacks(execute=False) as pending:
        result = payment_handle_callback(provider="sandbox", headers=headers, body=body)
        assert listener.calls == []  # not before commit
    for callback in pending:
        callback()

    payment.refresh_from_db()
    assert result.pk == payment.pk
    assert payment.status == PaymentStatus.CAPTURED
    assert payment.captured_at is not None
    assert payment.capture_notified_at is not None
    [entry] = captures()
    assert entry.reference == "ORD-1"
    assert entry.idempotency_key == f"payment_captured:{payment.public_id}"
    assert account_balance(key=escrow_account("ORD-1", EUR)) == eur("-319.46")
    assert listener.calls == [
        {"order_ref": "ORD-1", "payment_id": str(payment.public_id), "amount": eur("319.46")}
    ]
    [record] = PaymentCallback.objects.all()
    assert (record.verdict, record.payment_id, record.event_type) == (
        "accepted",
        payment.pk,
        "payment.captured",
    )
    assert "Ehub-Signature" in record.headers
    assert ledger_check().ok


def test_a_duplicate_callback_is_recorded_and_changes_nothing(
    listener, django_capture_on_commit_callbacks
):
    payment = sandbox_payment("ORD-1")
    headers, body = sandbox_callback(payment)

    with django_capture_on_commit_callbacks(execute=True):
        payment_handle_callback(provider="sandbox", headers=headers, body=body)
    with django_capture_on_commit_callbacks(execute=True):
        again = payment_handle_callback(provider="sandbox", headers=headers, body=body)
    other_event_headers, other_event_body = sandbox_callback(payment)
    with django_capture_on_commit_callbacks(execute=True):
        payment_handle_callback(
            provider="sandbox", headers=other_event_headers, body=other_event_body
        )

    assert again.status == PaymentStatus.CAPTURED
    assert len(captures()) == 1
    assert len(listener.calls) == 1
    assert list(PaymentCallback.objects.order_by("id").values_list("verdict", flat=True)) == [
        "accepted",
        "duplicate",
        "duplicate",
    ]


def test_a_decline_callback_declines_and_writes_no_ledger_entry(listener):
    payment = sandbox_payment("ORD-1")
    headers, body = sandbox_callback(payment, CallbackEventType.DECLINED)

    payment_handle_callback(provider="sandbox", headers=headers, body=body)

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.DECLINED
    assert JournalEntry.objects.count() == 0
    assert listener.calls == []


def test_a_capture_after_a_decline_is_refused_and_recorded():
    payment = sandbox_payment("ORD-1")
    payment_handle_callback(
        provider="sandbox", **_kw(sandbox_callback(payment, "payment.declined"))
    )

    with pytest.raises(CallbackRefused) as refused:
        payment_handle_callback(provider="sandbox", **_kw(sandbox_callback(payment)))

    payment.refresh_from_db()
    assert refused.value.code == "payments_illegal_transition"
    assert refused.value.status == 409
    assert payment.status == PaymentStatus.DECLINED
    assert JournalEntry.objects.count() == 0
    assert PaymentCallback.objects.filter(verdict="rejected", payment=payment).count() == 1


def _kw(pair: tuple[dict[str, str], bytes]) -> dict:
    return {"headers": pair[0], "body": pair[1]}


def test_a_bad_signature_is_refused_recorded_and_changes_nothing(settings, listener):
    payment = sandbox_payment("ORD-1")
    headers, body = sandbox_callback(payment)
    settings.EHUB_PAYMENTS_SANDBOX_SECRET = "another-secret"

    with pytest.raises(CallbackRefused) as refused:
        payment_handle_callback(provider="sandbox", headers=headers, body=body)

    payment.refresh_from_db()
    assert refused.value.code == "payments_bad_signature"
    assert payment.status == PaymentStatus.PENDING
    assert JournalEntry.objects.count() == 0
    assert listener.calls == []
    [record] = PaymentCallback.objects.all()
    assert (record.verdict, record.payment_id, record.event_id) == ("bad_signature", None, "")
    assert record.body_size == len(body)


def test_a_callback_for_an_unknown_payment_is_a_404_and_recorded():
    payment = sandbox_payment("ORD-1")
    payment.provider_reference = "sbx_someone_else"
    headers, body = sandbox_callback(payment)

    with pytest.raises(CallbackRefused) as refused:
        payment_handle_callback(provider="sandbox", headers=headers, body=body)

    assert (refused.value.code, refused.value.status) == ("payments_unknown_payment", 404)
    assert list(PaymentCallback.objects.values_list("verdict", flat=True)) == ["rejected"]


def test_a_callback_for_another_amount_is_refused():
    payment = sandbox_payment("ORD-1")
    payment.amount_minor = 1
    headers, body = sandbox_callback(payment)

    with pytest.raises(CallbackRefused) as refused:
        payment_handle_callback(provider="sandbox", headers=headers, body=body)

    payment.refresh_from_db()
    assert refused.value.code == "payments_callback_mismatch"
    assert payment.status == PaymentStatus.PENDING
    assert JournalEntry.objects.count() == 0


def test_a_failing_listener_is_logged_and_retried_by_notify_captures(
    django_capture_on_commit_callbacks,
):
    calls: list[str] = []

    def flaky(*, order_ref: str, payment_id: str, amount: Money) -> None:
        calls.append(order_ref)
        if len(calls) == 1:
            raise RuntimeError("orders is down")

    with capture_listener(flaky):
        with django_capture_on_commit_callbacks(execute=True):
            payment = captured_sandbox_payment(order_ref="ORD-1")
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.CAPTURED
        assert payment.capture_notified_at is None

        out = StringIO()
        call_command("payments", "notify-captures", stdout=out)

    payment.refresh_from_db()
    assert calls == ["ORD-1", "ORD-1"]
    assert payment.capture_notified_at is not None
    assert f"{payment.public_id}: notified" in out.getvalue()
    assert "1 of 1 capture(s) notified" in out.getvalue()
    assert payments_notify_captures_pending() == []


# -- the sandbox's outbox -------------------------------------------------------------------------
def test_a_success_card_queues_a_signed_callback_delivered_after_commit(
    listener, django_capture_on_commit_callbacks
):
    payment = sandbox_payment("ORD-1")

    with django_capture_on_commit_callbacks(execute=True):
        charge = sandbox_card_submit(payment=payment, card_number="4242 4242 4242 4242")

    payment.refresh_from_db()
    [callback] = SandboxCallback.objects.all()
    assert charge.card_last4 == "4242"
    assert charge.outcome == "succeeds"
    assert (callback.status, callback.attempts, callback.last_result) == (
        "delivered",
        1,
        "200 delivered",
    )
    assert payment.status == PaymentStatus.CAPTURED
    assert len(captures()) == 1
    assert len(listener.calls) == 1


def test_an_undelivered_callback_is_delivered_by_the_command(django_capture_on_commit_callbacks):
    payment = sandbox_payment("ORD-1")
    with django_capture_on_commit_callbacks(execute=False):  # the process died before delivery
        sandbox_card_submit(payment=payment, card_number="4242424242424242")
    assert SandboxCallback.objects.get().status == "pending"

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("payments", "deliver-callbacks", stdout=out)
        call_command("payments", "deliver-callbacks", stdout=out)

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
    assert len(captures()) == 1
    assert SandboxCallback.objects.get().status == "delivered"
    assert "200 delivered" in out.getvalue()
    assert out.getvalue().endswith("0 callback(s) attempted\n")


def test_a_timeout_card_leaves_the_payment_pending_then_expire_fails_it(
    django_capture_on_commit_callbacks,
):
    payment = sandbox_payment("ORD-1")

    with django_capture_on_commit_callbacks(execute=True):
        sandbox_card_submit(payment=payment, card_number="4000 0000 0000 9995")

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert SandboxCallback.objects.count() == 0
    assert SandboxCharge.objects.get().outcome == "times_out"

    assert payments_expire_stale(older_than=dt.timedelta(hours=1)) == []
    out = StringIO()
    call_command("payments", "expire", "--older-than-seconds", "0", stdout=out)

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert "1 payment(s) expired" in out.getvalue()
    assert JournalEntry.objects.count() == 0
    assert AuditEvent.objects.filter(tag="payment:status:failed").count() == 1


def test_a_second_card_submission_is_refused():
    payment = sandbox_payment("ORD-1")
    sandbox_card_submit(payment=payment, card_number="4000000000009995")

    with pytest.raises(DomainError) as refused:
        sandbox_card_submit(payment=payment, card_number="4242424242424242")

    assert refused.value.code == "payments_already_submitted"
    assert SandboxCharge.objects.count() == 1
    assert SandboxCallback.objects.count() == 0


def test_expiring_a_captured_payment_is_an_illegal_transition():
    payment = captured_sandbox_payment()

    with pytest.raises(DomainError) as refused:
        payment_expire(payment=payment)

    assert refused.value.code == "payments_illegal_transition"


# -- refunds ------------------------------------------------------------------------------------
def test_a_partial_then_full_refund():
    payment = captured_sandbox_payment(order_ref="ORD-1", amount=eur("100.00"))

    partial = payment_refund(payment=payment, amount=eur("30.00"), reason="one item missing")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.refunded == eur("30.00")

    rest = payment_refund(payment=payment, amount=eur("70.00"), reason="returned")
    payment.refresh_from_db()

    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded == eur("100.00")
    assert [(r.status, r.amount) for r in Refund.objects.order_by("id")] == [
        (RefundStatus.SUCCEEDED, eur("30.00")),
        (RefundStatus.SUCCEEDED, eur("70.00")),
    ]
    assert partial.provider_reference.startswith("sbx_re_")
    refunds = JournalEntry.objects.filter(kind=EntryKind.REFUND).order_by("id")
    assert [e.pk for e in refunds] == [partial.ledger_entry_id, rest.ledger_entry_id]
    assert [e.idempotency_key for e in refunds] == [
        f"refund:{partial.public_id}",
        f"refund:{rest.public_id}",
    ]
    assert account_balance(key=escrow_account("ORD-1", EUR)) == eur("0.00")
    assert ledger_check().ok


def test_a_full_refund_in_one_go():
    payment = captured_sandbox_payment(order_ref="ORD-1", amount=eur("100.00"))

    refund = payment_refund(payment=payment, amount=eur("100.00"), reason="cancelled")

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert refund.status == RefundStatus.SUCCEEDED
    assert JournalEntry.objects.filter(kind=EntryKind.REFUND).count() == 1
    assert account_balance(key=escrow_account("ORD-1", EUR)) == eur("0.00")


def test_a_refund_is_idempotent_by_key():
    payment = captured_sandbox_payment(amount=eur("100.00"))

    first = payment_refund(payment=payment, amount=eur("10.00"), reason="x", idempotency_key="r1")
    again = payment_refund(payment=payment, amount=eur("10.00"), reason="x", idempotency_key="r1")

    assert again.pk == first.pk
    assert Refund.objects.count() == 1
    assert JournalEntry.objects.filter(kind=EntryKind.REFUND).count() == 1


def test_refunding_more_than_is_left_is_refused_and_writes_nothing():
    payment = captured_sandbox_payment(amount=eur("100.00"))
    payment_refund(payment=payment, amount=eur("60.00"), reason="x")

    with pytest.raises(DomainError) as refused:
        payment_refund(payment=payment, amount=eur("40.01"), reason="x")

    assert refused.value.code == "payments_refund_exceeds_capture"
    assert refused.value.status == 422
    assert Refund.objects.count() == 1
    assert JournalEntry.objects.filter(kind=EntryKind.REFUND).count() == 1


def test_a_pending_payment_cannot_be_refunded():
    payment = sandbox_payment()

    with pytest.raises(DomainError) as refused:
        payment_refund(payment=payment, amount=eur("1.00"), reason="x")

    assert (refused.value.code, refused.value.status) == ("payments_not_refundable", 409)
    assert Refund.objects.count() == 0


def test_a_refund_after_escrow_release_is_refused_before_the_provider_is_asked():
    payment = captured_sandbox_payment(order_ref="ORD-1", amount=eur("100.00"))
    escrow_release(
        order_ref="ORD-1",
        breakdown=ReleaseBreakdown(goods=eur("100.00"), shipping=eur("0.00")),
        seller=SellerFactory(payout_currency=EUR),
    )

    with pytest.raises(DomainError) as refused:
        payment_refund(payment=payment, amount=eur("10.00"), reason="x")

    assert refused.value.code == "payments_not_refundable"
    assert Refund.objects.count() == 0


class RefusingProvider(SandboxProvider):
    name = "sandbox"

    def refund(self, *, payment, amount):
        return RefundResult(succeeded=False, failure_message="card closed")


def test_a_provider_refusal_is_recorded_as_a_failed_refund_and_moves_no_money():
    payment = captured_sandbox_payment(order_ref="ORD-1", amount=eur("100.00"))
    register_provider("sandbox", RefusingProvider)
    try:
        with pytest.raises(DomainError) as refused:
            payment_refund(payment=payment, amount=eur("10.00"), reason="x")
    finally:
        unregister_provider("sandbox")

    payment.refresh_from_db()
    assert (refused.value.code, refused.value.status) == ("payments_provider_refused", 502)
    assert Refund.objects.get().status == RefundStatus.FAILED
    assert Refund.objects.get().failure_message == "card closed"
    assert payment.status == PaymentStatus.CAPTURED
    assert payment.refunded_minor == 0
    assert JournalEntry.objects.filter(kind=EntryKind.REFUND).count() == 0


# -- conformance: every registered provider ---------------------------------------------------
@pytest.mark.parametrize("name", provider_names())
def test_every_provider_keeps_the_protocol(name, settings):
    provider = get_provider(name)
    payment = payment_create(
        order_ref="ORD-C", amount=eur("12.34"), provider=name, idempotency_key=f"conf-{name}"
    )

    started = provider.create_payment(payment=payment)
    assert isinstance(provider, PaymentProvider)
    assert started.redirect_url
    assert started.provider_reference == payment.provider_reference
    with pytest.raises(CallbackRefused) as refused:
        provider.handle_callback(headers={}, body=b"{}")
    assert refused.value.verdict == "bad_signature"
    with pytest.raises(CallbackRefused):
        provider.handle_callback(headers={"Ehub-Signature": "t=1,v1=00"}, body=b"{}")
    result = provider.refund(payment=payment, amount=eur("1.00"))
    assert isinstance(result, RefundResult)


def test_a_ledger_refusal_undoes_the_capture_and_is_recorded(listener):
    from ehub.ledger.services import escrow_fund

    payment = sandbox_payment("ORD-1")
    escrow_fund(  # the payment's escrow key already taken by another entry: the ledger says no
        order_ref="ORD-X",
        amount=eur("1.00"),
        provider="sandbox",
        idempotency_key=str(payment.public_id),
    )
    headers, body = sandbox_callback(payment)

    with pytest.raises(CallbackRefused) as refused:
        payment_handle_callback(provider="sandbox", headers=headers, body=body)

    payment.refresh_from_db()
    assert (refused.value.code, refused.value.status) == ("ledger_idempotency_key_reused", 409)
    assert payment.status == PaymentStatus.PENDING
    assert payment.captured_at is None
    assert len(captures()) == 1  # only the other one
    assert AuditEvent.objects.filter(tag="payment:status:captured").count() == 0
    assert list(PaymentCallback.objects.values_list("verdict", flat=True)) == ["rejected"]
    assert listener.calls == []
