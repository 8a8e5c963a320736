"""Payments reads."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from ehub.core.errors import NotFound
from ehub.payments.errors import PaymentErrorCode
from ehub.payments.models import Payment, PaymentCallback, Refund


def payment_get_for_viewer(*, public_id: uuid.UUID, user: object) -> Payment:
    """The payment, if ``user`` is its payer or a platform admin; else 404 (a payment id is not
    confirmed to someone who may not see it)."""
    payment = Payment.objects.filter(public_id=public_id).first()
    allowed = payment is not None and (
        bool(getattr(user, "is_platform_admin", False))
        or (payment.created_by_id is not None and payment.created_by_id == getattr(user, "pk", 0))
    )
    if not allowed:
        raise NotFound("no payment with that id", code=PaymentErrorCode.UNKNOWN_PAYMENT)
    assert payment is not None
    return payment


def payments_for_order(*, order_ref: str) -> QuerySet[Payment]:
    return Payment.objects.filter(order_ref=order_ref).order_by("created_at", "id")


def payment_refunds(*, payment: Payment) -> QuerySet[Refund]:
    return Refund.objects.filter(payment=payment).order_by("created_at", "id")


def payment_callbacks(*, payment: Payment) -> QuerySet[PaymentCallback]:
    return PaymentCallback.objects.filter(payment=payment).order_by("received_at", "id")
