"""Orders over HTTP (buyers, signed in). Mount with ``api.add_router("/", router)``."""

from __future__ import annotations

from django.http import JsonResponse
from ninja import Header, Router, Status

from ehub.core.auth import AuthedRequest, session_auth
from ehub.orders.schemas import OrderCancelIn, OrderIn, OrderOut, PaymentStartOut, order_out
from ehub.orders.selectors import order_get_for_buyer, order_list_for_buyer
from ehub.orders.services import (
    order_cancel,
    order_confirm_receipt,
    order_payment_start,
    order_place_idempotent,
)

router = Router(tags=["orders"], auth=session_auth)


@router.post(
    "/orders",
    response={201: OrderOut},
    summary="Place an order from a quote (Idempotency-Key header required)",
)
def order_create(
    request: AuthedRequest,
    payload: OrderIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> JsonResponse:
    stored = order_place_idempotent(
        buyer=request.auth, idempotency_key=idempotency_key, payload=payload.dict()
    )
    response = JsonResponse(stored.body, status=stored.status)
    if stored.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


@router.get("/orders", response=list[OrderOut], summary="The signed-in buyer's orders")
def order_list(request: AuthedRequest, status: str | None = None) -> list[OrderOut]:
    return [order_out(order) for order in order_list_for_buyer(buyer=request.auth, status=status)]


@router.get("/orders/{order_id}", response=OrderOut, summary="One of the buyer's orders")
def order_get(request: AuthedRequest, order_id: int) -> OrderOut:
    return order_out(order_get_for_buyer(buyer=request.auth, order_id=order_id))


@router.post(
    "/orders/{order_id}/payment",
    response={200: PaymentStartOut, 201: PaymentStartOut},
    summary="Start paying an order (one payment for its whole total; repeats return it)",
)
def order_payment(request: AuthedRequest, order_id: int) -> Status:
    """The buyer's own order (anyone else's: 404), waiting for payment (else 409
    ``order_not_payable``): 201 with a new payment, 200 with the one already started."""
    order = order_get_for_buyer(buyer=request.auth, order_id=order_id)
    started = order_payment_start(order=order, buyer=request.auth)
    payment = started.payment
    return Status(
        201 if started.created else 200,
        PaymentStartOut(
            payment_id=str(payment.public_id),
            redirect_url=payment.redirect_url,
            amount=str(payment.amount.amount),
            currency=payment.currency,
            status=payment.status,
            order_ref=payment.order_ref,
        ),
    )


@router.post(
    "/orders/{order_id}/confirm-receipt",
    response=OrderOut,
    summary="Confirm receipt of a delivered order: its escrow is released to the sellers",
)
def order_receipt_confirm(request: AuthedRequest, order_id: int) -> OrderOut:
    """The buyer's own order (anyone else's: 404), ``delivered`` (else 409
    ``order_not_delivered``): releases each parcel's escrow and completes the order. A repeat
    returns the completed order (200)."""
    order = order_get_for_buyer(buyer=request.auth, order_id=order_id)
    return order_out(order_confirm_receipt(order=order, buyer=request.auth))


@router.post(
    "/orders/{order_id}/cancel",
    response=OrderOut,
    summary="Cancel an order before it is handed to a carrier (a paid one is refunded)",
)
def order_cancel_post(request: AuthedRequest, order_id: int, payload: OrderCancelIn) -> OrderOut:
    """The buyer's own order (anyone else's: 404). Waiting for payment: cancelled. Paid and not
    yet handed over: cancelled, stock returned, every parcel refunded to the payment. Further
    along: 409 ``illegal_order_transition``. A repeat on a cancelled order is a 409 too."""
    order = order_get_for_buyer(buyer=request.auth, order_id=order_id)
    cancelled = order_cancel(order=order, actor=request.auth, reason=payload.reason or "buyer")
    return order_out(order_get_for_buyer(buyer=request.auth, order_id=cancelled.pk))
