"""Payments test helpers for every domain's tests: payments go through the services."""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

from ehub.core.errors import DomainError
from ehub.core.money import Money
from ehub.payments.domain import CallbackEventType
from ehub.payments.models import Payment
from ehub.payments.sandbox import sandbox_callback_body, sandbox_signed_headers
from ehub.payments.services import payment_create, payment_handle_callback

_sequence = itertools.count(1)


def sandbox_payment(
    order_ref: str | None = None, amount: Money | None = None, *, created_by: Any = None
) -> Payment:
    """A pending sandbox payment (default EUR 319.46 for a fresh order reference)."""
    n = next(_sequence)
    return payment_create(
        order_ref=order_ref or f"ORD-P{n}",
        amount=amount or Money("319.46", "EUR"),
        provider="sandbox",
        idempotency_key=f"test-payment-{n}",
        created_by=created_by,
    )


def sandbox_callback(
    payment: Payment,
    event_type: CallbackEventType = CallbackEventType.CAPTURED,
    *,
    event_id: str | None = None,
    timestamp: int | None = None,
) -> tuple[dict[str, str], bytes]:
    """Headers and body of a correctly signed sandbox callback for ``payment``."""
    body = sandbox_callback_body(
        payment=payment, event_id=event_id or f"evt_test_{next(_sequence)}", event_type=event_type
    ).encode()
    return sandbox_signed_headers(body=body, timestamp=timestamp), body


def captured_sandbox_payment(**kwargs: object) -> Payment:
    """A sandbox payment captured through a signed callback (escrow funded)."""
    payment = sandbox_payment(**kwargs)  # type: ignore[arg-type]
    headers, body = sandbox_callback(payment)
    return payment_handle_callback(provider="sandbox", headers=headers, body=body)


def payments_one_of_each() -> Payment:
    """Every payments table with a row: a payment paid on the sandbox page (charge, outbox row,
    accepted callback), a rejected callback, and a partial refund. For admin and export tests."""
    from ehub.payments.models import SandboxCallback
    from ehub.payments.sandbox import sandbox_callback_deliver, sandbox_card_submit
    from ehub.payments.services import payment_refund

    payment = sandbox_payment(amount=Money("20.00", "EUR"))
    sandbox_card_submit(payment=payment, card_number="4242424242424242")
    for callback in SandboxCallback.objects.filter(payment=payment):
        sandbox_callback_deliver(callback.pk)  # what on_commit does outside a test transaction
    with contextlib.suppress(DomainError):  # the point is the recorded bad_signature row
        payment_handle_callback(provider="sandbox", headers={}, body=b"{}")
    payment.refresh_from_db()
    payment_refund(payment=payment, amount=Money("5.00", "EUR"), reason="a test refund")
    return payment
