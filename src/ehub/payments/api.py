"""Payments over HTTP: providers' callbacks (signature only) and a payment for its payer.

Mounted by ``ehub.api`` with ``api.add_router("/", ehub.payments.api.router)``.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Router

from ehub.core.auth import session_auth
from ehub.payments.schemas import CallbackAckOut, PaymentOut
from ehub.payments.selectors import payment_get_for_viewer, payment_refunds
from ehub.payments.services import payment_handle_callback

router = Router(tags=["payments"])


@router.post(
    "/payments/{provider}/callback",
    response={200: CallbackAckOut},
    auth=None,
    summary="A payment provider's signed callback (Ehub-Signature: t=<unix>,v1=<HMAC-SHA256>)",
    description=(
        "No session or key: the signature is the authentication. 200 when accepted or a "
        "duplicate; 400 for a bad signature, a replayed (stale) timestamp or a malformed body; "
        "404 for an unknown payment; 409 when it contradicts the payment's state. Every "
        "callback is recorded, whatever the answer. See docs/payments.md."
    ),
)
def payment_callback_post(request: HttpRequest, provider: str) -> CallbackAckOut:
    payment_handle_callback(provider=provider, headers=dict(request.headers), body=request.body)
    return CallbackAckOut(received=True)


@router.get(
    "/payments/{public_id}",
    response=PaymentOut,
    auth=session_auth,
    summary="One payment, for the buyer who made it or a platform admin",
)
def payment_get(request: HttpRequest, public_id: uuid.UUID) -> PaymentOut:
    payment = payment_get_for_viewer(public_id=public_id, user=request.auth)  # type: ignore[attr-defined]
    return PaymentOut.of(payment, list(payment_refunds(payment=payment)))
