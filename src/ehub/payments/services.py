"""Payments writes: start a payment, act on a provider's callback, refund, expire.

Rules kept here (STYLE 11, 12, 14):
- ``payment_create`` and ``payment_refund`` carry idempotency keys under unique constraints.
- A provider is never called while this module holds a database lock or an open transaction it
  opened: read and reserve in one transaction, call the provider, write the outcome in a new
  transaction after re-checking.
- A callback is verified, then recorded (whatever the verdict), then applied under a row lock on
  the payment, so concurrent duplicates serialise: one capture, one escrow entry, one
  notification (after commit).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from ehub.accounts.models import User
from ehub.core import clock
from ehub.core.errors import Conflict, CoreErrorCode, DomainError
from ehub.core.events import audit_record
from ehub.core.money import Money
from ehub.ledger.domain import escrow_account
from ehub.ledger.selectors import account_balance
from ehub.ledger.services import escrow_fund, escrow_refund
from ehub.payments.domain import (
    EVENT_TARGET_STATUS,
    REFUNDABLE,
    CallbackEventType,
    CallbackRefused,
    CallbackVerdict,
    PaymentStatus,
    payment_transition,
    status_after_refund,
)
from ehub.payments.errors import PaymentErrorCode
from ehub.payments.hooks import notify_capture_listeners
from ehub.payments.models import Payment, PaymentCallback, Refund, RefundStatus
from ehub.payments.providers import CallbackEvent, RefundResult, get_provider

logger = logging.getLogger(__name__)

RECORDED_HEADERS = ("Content-Type", "Content-Length", "User-Agent", "Ehub-Signature")


# -- creating a payment -------------------------------------------------------------------------
def _check_amount(amount: Money) -> None:
    if not isinstance(amount, Money) or not amount.is_quantized() or amount.amount <= 0:
        raise DomainError(
            PaymentErrorCode.INVALID_AMOUNT,
            f"a payment amount must be positive and on the currency's minor unit, not {amount}",
            {"field": "amount"},
            status=422,
        )


def payment_create(
    *,
    order_ref: str,
    amount: Money,
    idempotency_key: str,
    provider: str = "sandbox",
    created_by: User | None = None,
    return_url: str = "",
) -> Payment:
    """Start paying ``amount`` for ``order_ref``; ``redirect_url`` is where to send the payer,
    ``return_url`` (a path on this site, e.g. the order's page) where the provider's page sends
    them back.

    Idempotent: the same key returns the same payment; the same key for a different order,
    amount or provider is a 409 (``payments_idempotency_key_reused``). The provider is asked for
    its page after the payment row is committed, never inside a transaction.
    """
    _check_amount(amount)
    order_ref = (order_ref or "").strip()
    if not order_ref or len(order_ref) > 80:
        raise DomainError(
            CoreErrorCode.INVALID_INPUT,
            "order_ref must be 1 to 80 characters",
            {"field": "order_ref"},
            status=422,
        )
    if not idempotency_key or len(idempotency_key) > 200:
        raise DomainError(
            CoreErrorCode.INVALID_INPUT,
            "idempotency_key must be 1 to 200 characters",
            {"field": "idempotency_key"},
            status=422,
        )
    implementation = get_provider(provider)
    payment = _payment_replayed(idempotency_key, order_ref, amount, provider)
    if payment is None:
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    order_ref=order_ref,
                    provider=provider,
                    amount_minor=amount.to_minor_units(),
                    currency=amount.currency,
                    idempotency_key=idempotency_key,
                    created_by=created_by if created_by is not None and created_by.pk else None,
                    return_url=_safe_return_url(return_url),
                )
                audit_record(
                    tag="payment:status:pending",
                    subject=payment,
                    actor=created_by,
                    data={"order": order_ref, "amount": str(amount.amount), "provider": provider},
                )
        except IntegrityError:
            payment = _payment_replayed(idempotency_key, order_ref, amount, provider)
            if payment is None:
                raise
    if not payment.provider_reference:
        started = implementation.create_payment(payment=payment)
        Payment.objects.filter(pk=payment.pk, provider_reference="").update(
            provider_reference=started.provider_reference,
            redirect_url=started.redirect_url,
            updated_at=clock.now(),
        )
        payment.refresh_from_db()
    return payment


def _safe_return_url(url: str) -> str:
    """Only a path on this site (``/orders/4/``): never another host (an open redirect)."""
    url = (url or "").strip()
    if not url.startswith("/") or url.startswith("//") or "\\" in url or len(url) > 500:
        return ""
    return url


def _payment_replayed(
    idempotency_key: str, order_ref: str, amount: Money, provider: str
) -> Payment | None:
    payment = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if payment is None:
        return None
    if (payment.order_ref, payment.amount, payment.provider) != (order_ref, amount, provider):
        raise Conflict(
            f"idempotency key {idempotency_key!r} was used for another payment "
            f"({payment.order_ref}, {payment.amount}, {payment.provider})",
            {"idempotency_key": idempotency_key, "payment": str(payment.public_id)},
            code=PaymentErrorCode.IDEMPOTENCY_KEY_REUSED,
        )
    return payment


# -- callbacks ----------------------------------------------------------------------------------
def _headers_summary(headers: Mapping[str, str]) -> dict[str, str]:
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    return {
        name: lowered[name.lower()][:300] for name in RECORDED_HEADERS if name.lower() in lowered
    }


def _record_callback(
    *,
    provider: str,
    headers: Mapping[str, str],
    body: bytes,
    verdict: CallbackVerdict,
    reason: str = "",
    event: CallbackEvent | None = None,
    payment: Payment | None = None,
) -> PaymentCallback:
    return PaymentCallback.objects.create(
        provider=provider[:32],
        payment=payment,
        event_id=event.event_id if event else "",
        event_type=str(event.event_type) if event else "",
        verdict=verdict,
        reason=reason[:300],
        headers=_headers_summary(headers),
        body_sha256=hashlib.sha256(body).hexdigest(),
        body_size=len(body),
        signed_at=dt.datetime.fromtimestamp(event.signed_at, tz=dt.UTC) if event else None,
    )


def _already_reached(status: str, event_type: CallbackEventType) -> bool:
    """The payment already has this event's outcome (or went past it): a duplicate."""
    after_capture = {
        PaymentStatus.CAPTURED,
        PaymentStatus.PARTIALLY_REFUNDED,
        PaymentStatus.REFUNDED,
    }
    reached = {
        CallbackEventType.AUTHORIZED: {PaymentStatus.AUTHORIZED, *after_capture},
        CallbackEventType.CAPTURED: after_capture,
        CallbackEventType.DECLINED: {PaymentStatus.DECLINED},
        CallbackEventType.FAILED: {PaymentStatus.FAILED},
    }[event_type]
    return PaymentStatus(status) in reached


def payment_handle_callback(*, provider: str, headers: Mapping[str, str], body: bytes) -> Payment:
    """Act on one provider callback, given exactly as it arrived (headers and raw body).

    Verified by the provider (bad signature, replay, malformed: ``CallbackRefused``, 400), then
    recorded as a ``PaymentCallback`` whatever the verdict, then applied under a lock on the
    payment: a capture moves it to ``captured``, funds the order's escrow (idempotency key: the
    payment's public id) and, after commit, notifies the capture listeners. A callback the payment
    already reflects is recorded as ``duplicate`` and changes nothing.
    """
    try:
        implementation = get_provider(provider)
        event = implementation.handle_callback(headers=headers, body=body)
    except CallbackRefused as exc:
        _record_callback(
            provider=provider, headers=headers, body=body, verdict=exc.verdict, reason=exc.message
        )
        raise
    except DomainError as exc:  # unknown or disabled provider
        _record_callback(
            provider=provider,
            headers=headers,
            body=body,
            verdict=CallbackVerdict.REJECTED,
            reason=exc.message,
        )
        raise

    refusal: CallbackRefused | None = None
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .filter(provider=provider, provider_reference=event.provider_reference)
            .first()
        )
        if payment is None:
            refusal = CallbackRefused(
                PaymentErrorCode.UNKNOWN_PAYMENT,
                f"no {provider} payment with reference {event.provider_reference!r}",
                CallbackVerdict.REJECTED,
                status=404,
            )
        elif event.amount != payment.amount:
            refusal = CallbackRefused(
                PaymentErrorCode.CALLBACK_MISMATCH,
                f"the callback is for {event.amount}, the payment is for {payment.amount}",
                CallbackVerdict.REJECTED,
            )
        elif _already_reached(payment.status, event.event_type):
            _record_callback(
                provider=provider,
                headers=headers,
                body=body,
                verdict=CallbackVerdict.DUPLICATE,
                reason=f"payment is already {payment.status}",
                event=event,
                payment=payment,
            )
            return payment
        else:
            target = EVENT_TARGET_STATUS[event.event_type]
            previous_status = payment.status
            try:
                with transaction.atomic():  # a refusal inside (ledger) undoes the transition too
                    _apply(payment, target, event)
            except DomainError as exc:
                payment.status = previous_status
                refusal = CallbackRefused(
                    exc.code, exc.message, CallbackVerdict.REJECTED, status=exc.status
                )
            else:
                _record_callback(
                    provider=provider,
                    headers=headers,
                    body=body,
                    verdict=CallbackVerdict.ACCEPTED,
                    event=event,
                    payment=payment,
                )
        if refusal is not None:
            _record_callback(
                provider=provider,
                headers=headers,
                body=body,
                verdict=refusal.verdict,
                reason=refusal.message,
                event=event,
                payment=payment,
            )
    if refusal is not None:
        raise refusal
    assert payment is not None
    return payment


def _apply(payment: Payment, target: PaymentStatus, event: CallbackEvent) -> None:
    """Move a locked ``payment`` to ``target``; on capture fund escrow and queue the listeners."""
    previous = payment.status
    payment.status = payment_transition(previous, target)
    now = clock.now()
    payment.updated_at = now
    fields = ["status", "updated_at"]
    if target is PaymentStatus.CAPTURED:
        payment.captured_at = now
        fields.append("captured_at")
    payment.save(update_fields=fields)
    audit_record(
        tag=f"payment:status:{target}",
        subject=payment,
        data={"from": previous, "event": event.event_id, "order": payment.order_ref},
    )
    if target is PaymentStatus.CAPTURED:
        escrow_fund(
            order_ref=payment.order_ref,
            amount=payment.amount,
            provider=payment.provider,
            idempotency_key=str(payment.public_id),
        )
        transaction.on_commit(functools.partial(_notify_capture, payment.pk))


def _notify_capture(payment_pk: int) -> bool:
    payment = Payment.objects.get(pk=payment_pk)
    ok = notify_capture_listeners(
        order_ref=payment.order_ref, payment_id=str(payment.public_id), amount=payment.amount
    )
    if ok:
        Payment.objects.filter(pk=payment_pk, capture_notified_at__isnull=True).update(
            capture_notified_at=clock.now()
        )
    return ok


def payments_notify_captures_pending() -> list[tuple[str, bool]]:
    """Run the capture listeners again for captured payments whose notification failed."""
    pending = Payment.objects.filter(
        captured_at__isnull=False, capture_notified_at__isnull=True
    ).order_by("captured_at", "id")
    return [(str(p.public_id), _notify_capture(p.pk)) for p in list(pending)]


# -- expiry -------------------------------------------------------------------------------------
def payment_expire(*, payment: Payment) -> Payment:
    """Give up on a payment that never completed (pending or authorized → failed).

    An already failed payment is returned as is; any other status is a 409.
    """
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status == PaymentStatus.FAILED:
            return locked
        previous = locked.status
        locked.status = payment_transition(previous, PaymentStatus.FAILED)
        locked.updated_at = clock.now()
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            tag="payment:status:failed",
            subject=locked,
            data={"from": previous, "reason": "expired"},
        )
    return locked


def payments_expire_stale(*, older_than: dt.timedelta | None = None) -> list[Payment]:
    """Expire every pending payment started more than ``older_than`` ago (default
    ``EHUB_PAYMENTS_PENDING_TTL_SECONDS``)."""
    age = (
        older_than
        if older_than is not None
        else dt.timedelta(seconds=settings.EHUB_PAYMENTS_PENDING_TTL_SECONDS)
    )
    stale = Payment.objects.filter(
        status__in=[PaymentStatus.PENDING, PaymentStatus.AUTHORIZED],
        created_at__lte=clock.now() - age,
    ).order_by("pk")
    expired = []
    for payment in list(stale):
        try:
            expired.append(payment_expire(payment=payment))
        except DomainError:  # a callback moved it on meanwhile
            continue
    return expired


# -- refunds ------------------------------------------------------------------------------------
def payment_refund(
    *,
    payment: Payment,
    amount: Money,
    reason: str,
    idempotency_key: str | None = None,
    escrow_ref: str | None = None,
) -> Refund:
    """Give ``amount`` of a captured payment back to the payer, and take it out of escrow:
    ``escrow_ref`` (a parcel's ``ORD-<id>/<n>`` once the order's escrow was split), by default
    the payment's own ``order_ref``.

    Three steps, never holding a lock across the provider call (STYLE rule 12): (1) lock the
    payment, check it and reserve the amount as a pending ``Refund``, commit; (2) ask the
    provider, outside any transaction; (3) lock again, re-check, record the outcome, update the
    payment and post ``escrow_refund``. Call it outside a transaction. Idempotent by
    ``idempotency_key``; refused: not captured (409), more than what is left (422), escrow
    already released (409, from the ledger), the provider refusing (502, recorded as failed).
    """
    _check_amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            CoreErrorCode.INVALID_INPUT, "a refund needs a reason", {"field": "reason"}, status=422
        )
    if amount.currency != payment.currency:
        raise DomainError(
            PaymentErrorCode.INVALID_AMOUNT,
            f"the payment is in {payment.currency}, not {amount.currency}",
            {"field": "amount"},
            status=422,
        )
    key = idempotency_key or f"refund:{uuid.uuid4().hex}"
    refund = _refund_replayed(key, payment, amount)
    if refund is None:
        refund = _refund_reserve(
            payment=payment,
            amount=amount,
            reason=reason,
            key=key,
            escrow_ref=escrow_ref or payment.order_ref,
        )
    if refund.status != RefundStatus.PENDING:
        return refund

    implementation = get_provider(payment.provider)
    try:
        result = implementation.refund(payment=payment, amount=amount)
    except Exception as exc:  # the provider's failure is recorded on the refund, not lost
        logger.exception("provider %s refund failed for payment %s", payment.provider, payment)
        result = RefundResult(succeeded=False, failure_message=f"{type(exc).__name__}: {exc}")
    return _refund_complete(refund=refund, result=result)


def _refund_replayed(key: str, payment: Payment, amount: Money) -> Refund | None:
    refund = Refund.objects.filter(idempotency_key=key).first()
    if refund is None:
        return None
    if refund.payment_id != payment.pk or refund.amount != amount:
        raise Conflict(
            f"idempotency key {key!r} was used for another refund",
            {"idempotency_key": key, "refund": str(refund.public_id)},
            code=PaymentErrorCode.IDEMPOTENCY_KEY_REUSED,
        )
    return refund


def _refund_reserve(
    *, payment: Payment, amount: Money, reason: str, key: str, escrow_ref: str
) -> Refund:
    try:
        with transaction.atomic():
            locked = Payment.objects.select_for_update().get(pk=payment.pk)
            replayed = _refund_replayed(key, payment, amount)  # a concurrent twin got here first
            if replayed is not None:
                return replayed
            if locked.status not in REFUNDABLE:
                raise Conflict(
                    f"a {locked.status} payment cannot be refunded",
                    {"status": locked.status},
                    code=PaymentErrorCode.NOT_REFUNDABLE,
                )
            reserved = (
                Refund.objects.filter(
                    payment=locked, status__in=[RefundStatus.PENDING, RefundStatus.SUCCEEDED]
                ).aggregate(total=Sum("amount_minor"))["total"]
                or 0
            )
            left = locked.amount_minor - reserved
            if amount.to_minor_units() > left:
                raise DomainError(
                    PaymentErrorCode.REFUND_EXCEEDS_CAPTURE,
                    f"only {Money.from_minor_units(left, locked.currency)} of this payment "
                    f"can still be refunded",
                    {"refundable": str(Money.from_minor_units(left, locked.currency).amount)},
                    status=422,
                )
            escrow_held = -account_balance(key=escrow_account(escrow_ref, locked.currency))
            if amount > escrow_held:
                raise Conflict(
                    f"{escrow_ref}'s escrow holds {escrow_held}, less than {amount} "
                    "(released or cancelled?); reverse the release first",
                    {"escrow": str(escrow_held.amount)},
                    code=PaymentErrorCode.NOT_REFUNDABLE,
                )
            return Refund.objects.create(
                payment=locked,
                amount_minor=amount.to_minor_units(),
                currency=amount.currency,
                reason=reason[:300],
                escrow_ref=escrow_ref,
                idempotency_key=key,
            )
    except IntegrityError:
        refund = _refund_replayed(key, payment, amount)
        if refund is None:
            raise
        return refund


def _refund_complete(*, refund: Refund, result: RefundResult) -> Refund:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != RefundStatus.PENDING:  # completed by a concurrent retry
            return refund
        refund.completed_at = clock.now()
        refund.provider_reference = result.provider_reference[:120]
        if not result.succeeded:
            refund.status = RefundStatus.FAILED
            refund.failure_message = (result.failure_message or "refused")[:300]
            refund.save()
            audit_record(
                tag="payment:refund:failed",
                subject=payment,
                data={"refund": str(refund.public_id), "message": refund.failure_message},
            )
        else:
            refunded_minor = payment.refunded_minor + refund.amount_minor
            target = status_after_refund(
                amount_minor=payment.amount_minor, refunded_minor=refunded_minor
            )
            previous = payment.status
            payment_transition(previous, target)
            Payment.objects.filter(pk=payment.pk).update(
                refunded_minor=F("refunded_minor") + refund.amount_minor,
                status=target,
                updated_at=clock.now(),
            )
            refund.status = RefundStatus.SUCCEEDED
            try:
                with transaction.atomic():
                    refund.ledger_entry = escrow_refund(
                        order_ref=refund.escrow_ref or payment.order_ref,
                        amount=refund.amount,
                        provider=payment.provider,
                        reason=refund.reason,
                        idempotency_key=str(refund.public_id),
                    )
            except DomainError as exc:
                # The provider already gave the money back: record that, and say loudly that
                # the ledger could not follow (escrow closed since step 1).
                logger.error("refund %s: escrow_refund refused: %s", refund.public_id, exc)
                refund.failure_message = f"ledger: {exc.message}"[:300]
            refund.save()
            audit_record(
                tag=f"payment:status:{target}",
                subject=payment,
                data={
                    "from": previous,
                    "refund": str(refund.public_id),
                    "amount": str(refund.amount.amount),
                    "currency": refund.currency,
                },
            )
    if refund.status == RefundStatus.FAILED:
        raise DomainError(
            PaymentErrorCode.PROVIDER_REFUSED,
            f"the provider refused the refund: {refund.failure_message}",
            {"refund": str(refund.public_id)},
            status=502,
        )
    return refund
