"""The sandbox payment provider: a real, local provider for development, tests and demos.

- ``create_payment`` points the payer at ehub's own hosted page, ``/pay/sandbox/<public id>/``.
- On that page the payer types a **test card** (``domain.TEST_CARDS``): 4242 4242 4242 4242
  succeeds, 4000 0000 0000 0002 is declined, 4000 0000 0000 9995 times out (no callback; the
  payment stays pending until ``ehub payments expire`` marks it failed).
- A success or decline writes a ``SandboxCallback`` outbox row in the same transaction as the
  charge and delivers it **after commit**: signed like a real provider's webhook
  (``Ehub-Signature: t=<unix>,v1=<HMAC-SHA256 hex>``) and handed, as headers and raw body, to the
  same ``payment_handle_callback`` the HTTP endpoint calls. A real provider POSTs the same bytes
  to ``/api/v1/payments/<provider>/callback``. Undelivered rows are retried by
  ``ehub payments deliver-callbacks``.
"""

from __future__ import annotations

import functools
import json
import logging
import uuid
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction

from ehub.core import clock
from ehub.core.errors import Conflict, DomainError, NotFound
from ehub.core.money import Money
from ehub.core.outbox import outbox_attempt
from ehub.payments.domain import (
    SIGNATURE_HEADER,
    CallbackEventType,
    CallbackRefused,
    CallbackVerdict,
    CardError,
    CardOutcome,
    PaymentStatus,
    card_number_normalize,
    card_outcome,
    header_get,
    signature_header,
    signature_verify,
)
from ehub.payments.errors import PaymentErrorCode
from ehub.payments.models import (
    Payment,
    SandboxCallback,
    SandboxCallbackStatus,
    SandboxCharge,
)
from ehub.payments.providers import CallbackEvent, ProviderPayment, RefundResult

logger = logging.getLogger(__name__)

SANDBOX = "sandbox"
SANDBOX_PAGE_PREFIX = "pay/sandbox/"
USER_AGENT = "ehub-sandbox/1"


def sandbox_page_path(public_id: uuid.UUID | str) -> str:
    return f"/{SANDBOX_PAGE_PREFIX}{public_id}/"


def _malformed(message: str) -> CallbackRefused:
    return CallbackRefused(PaymentErrorCode.MALFORMED_CALLBACK, message, CallbackVerdict.MALFORMED)


class SandboxProvider:
    """The built-in provider. Refused (404) when ``EHUB_PAYMENTS_SANDBOX_ENABLED`` is off."""

    name = SANDBOX

    def __init__(self) -> None:
        if not settings.EHUB_PAYMENTS_SANDBOX_ENABLED:
            raise DomainError(
                PaymentErrorCode.PROVIDER_DISABLED,
                "the sandbox payment provider is disabled (EHUB_PAYMENTS_SANDBOX_ENABLED=0)",
                {"provider": SANDBOX},
                status=404,
            )

    def create_payment(self, *, payment: Payment) -> ProviderPayment:
        return ProviderPayment(
            redirect_url=sandbox_page_path(payment.public_id),
            provider_reference=f"sbx_{payment.public_id.hex}",
        )

    def handle_callback(self, *, headers: Mapping[str, str], body: bytes) -> CallbackEvent:
        signed_at = signature_verify(
            header=header_get(headers, SIGNATURE_HEADER),
            body=body,
            secret=settings.EHUB_PAYMENTS_SANDBOX_SECRET,
            now=int(clock.now().timestamp()),
            tolerance_seconds=settings.EHUB_PAYMENTS_SIGNATURE_TOLERANCE_SECONDS,
        )
        return _event_from_body(body, signed_at=signed_at)

    def refund(self, *, payment: Payment, amount: Money) -> RefundResult:
        if payment.provider_reference == "":
            return RefundResult(succeeded=False, failure_message="unknown sandbox payment")
        return RefundResult(succeeded=True, provider_reference=f"sbx_re_{uuid.uuid4().hex}")


def _event_from_body(body: bytes, *, signed_at: int) -> CallbackEvent:
    try:
        event = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _malformed("the callback body is not JSON") from None
    if not isinstance(event, dict) or not isinstance(event.get("data"), dict):
        raise _malformed("the callback body needs an object with id, type and data")
    data: dict[str, Any] = event["data"]
    event_id, event_type = event.get("id"), event.get("type")
    reference, amount_minor, currency = (
        data.get("reference"),
        data.get("amount_minor"),
        data.get("currency"),
    )
    if not isinstance(event_id, str) or not event_id or len(event_id) > 120:
        raise _malformed("the callback has no event id")
    if event_type not in {t.value for t in CallbackEventType}:
        raise _malformed(f"unknown callback type {event_type!r}")
    if not isinstance(reference, str) or not reference:
        raise _malformed("the callback has no payment reference")
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise _malformed("the callback's amount_minor must be an integer")
    try:
        amount = Money.from_minor_units(amount_minor, str(currency))
    except (ValueError, TypeError):
        raise _malformed(f"the callback's currency {currency!r} is not known") from None
    return CallbackEvent(
        event_id=event_id,
        event_type=CallbackEventType(event_type),
        provider_reference=reference,
        amount=amount,
        signed_at=signed_at,
    )


def sandbox_callback_body(*, payment: Payment, event_id: str, event_type: CallbackEventType) -> str:
    return json.dumps(
        {
            "id": event_id,
            "type": str(event_type),
            "created": int(clock.now().timestamp()),
            "data": {
                "payment": str(payment.public_id),
                "reference": payment.provider_reference,
                "order_ref": payment.order_ref,
                "amount_minor": payment.amount_minor,
                "currency": payment.currency,
            },
        },
        separators=(",", ":"),
        sort_keys=True,
    )


def sandbox_signed_headers(*, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers the sandbox sends with ``body``, signed now (or at ``timestamp``)."""
    signed_at = int(clock.now().timestamp()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature_header(
            secret=settings.EHUB_PAYMENTS_SANDBOX_SECRET, timestamp=signed_at, body=body
        ),
    }


# -- the hosted page's work ---------------------------------------------------------------------
def sandbox_payment_for_page(*, public_id: uuid.UUID) -> Payment:
    SandboxProvider()  # refuses when the sandbox is disabled
    payment = Payment.objects.filter(public_id=public_id, provider=SANDBOX).first()
    if payment is None:
        raise NotFound("no sandbox payment with that id", code=PaymentErrorCode.UNKNOWN_PAYMENT)
    return payment


def sandbox_card_submit(*, payment: Payment, card_number: str) -> SandboxCharge:
    """The payer submitted ``card_number`` on the hosted page for ``payment``.

    Refuses (422) an invalid or unknown card and (409) a second submission. A card that succeeds
    or is declined queues a signed callback, delivered after commit; one that times out does not.
    """
    try:
        outcome = card_outcome(card_number)
    except CardError as exc:
        raise DomainError(exc.code, exc.message, {"field": "card_number"}, status=422) from None
    digits = card_number_normalize(card_number)
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if (
            locked.status != PaymentStatus.PENDING
            or SandboxCharge.objects.filter(payment=locked).exists()
        ):
            raise Conflict(
                f"this payment was already submitted (it is {locked.status})",
                {"status": locked.status},
                code=PaymentErrorCode.ALREADY_SUBMITTED,
            )
        charge = SandboxCharge.objects.create(
            payment=locked, card_last4=digits[-4:], outcome=outcome
        )
        if outcome is not CardOutcome.TIMES_OUT:
            event_type = (
                CallbackEventType.CAPTURED
                if outcome is CardOutcome.SUCCEEDS
                else CallbackEventType.DECLINED
            )
            event_id = f"evt_{uuid.uuid4().hex}"
            callback = SandboxCallback.objects.create(
                payment=locked,
                event_id=event_id,
                event_type=event_type,
                body=sandbox_callback_body(
                    payment=locked, event_id=event_id, event_type=event_type
                ),
            )
            transaction.on_commit(functools.partial(sandbox_callback_deliver, callback.pk))
    return charge


# -- delivering callbacks -----------------------------------------------------------------------
def sandbox_callback_deliver(callback_id: int) -> str:
    """Deliver one queued callback to ehub, in-process, exactly as the HTTP endpoint would get it.

    Returns a one-line result ("200 accepted", "400 payments_replayed: ..."). Never raises: it
    runs after commit, and a failure leaves the row pending for ``deliver-callbacks``.
    """
    from ehub.payments.services import payment_handle_callback

    callback = SandboxCallback.objects.filter(pk=callback_id).first()
    if callback is None or callback.status == SandboxCallbackStatus.DELIVERED:
        return "nothing to deliver"
    body = callback.body.encode("utf-8")

    def send() -> None:
        payment_handle_callback(
            provider=SANDBOX, headers=sandbox_signed_headers(body=body), body=body
        )

    return outbox_attempt(
        row=callback,
        send=send,
        delivered_status=SandboxCallbackStatus.DELIVERED,
        pending_status=SandboxCallbackStatus.PENDING,
        what=f"sandbox callback {callback.event_id}",
    )


def sandbox_callbacks_deliver_pending(*, limit: int | None = None) -> list[tuple[str, str]]:
    """(Re)deliver every pending sandbox callback, oldest first: ``[(event id, result)]``."""
    pending = SandboxCallback.objects.filter(status=SandboxCallbackStatus.PENDING).order_by(
        "created_at", "id"
    )
    if limit is not None:
        pending = pending[:limit]
    return [(cb.event_id, sandbox_callback_deliver(cb.pk)) for cb in list(pending)]
