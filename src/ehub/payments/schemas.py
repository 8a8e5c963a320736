from __future__ import annotations

import datetime as dt
import uuid

from ninja import Schema

from ehub.core.schemas import MoneyOut
from ehub.payments.models import Payment, Refund


class RefundOut(Schema):
    id: uuid.UUID
    amount: MoneyOut
    status: str
    reason: str
    created_at: dt.datetime

    @staticmethod
    def of(refund: Refund) -> RefundOut:
        return RefundOut(
            id=refund.public_id,
            amount=MoneyOut.of(refund.amount),
            status=refund.status,
            reason=refund.reason,
            created_at=refund.created_at,
        )


class PaymentOut(Schema):
    id: uuid.UUID
    order_ref: str
    provider: str
    status: str
    amount: MoneyOut
    refunded: MoneyOut
    redirect_url: str
    created_at: dt.datetime
    captured_at: dt.datetime | None
    refunds: list[RefundOut]

    @staticmethod
    def of(payment: Payment, refunds: list[Refund]) -> PaymentOut:
        return PaymentOut(
            id=payment.public_id,
            order_ref=payment.order_ref,
            provider=payment.provider,
            status=payment.status,
            amount=MoneyOut.of(payment.amount),
            refunded=MoneyOut.of(payment.refunded),
            redirect_url=payment.redirect_url,
            created_at=payment.created_at,
            captured_at=payment.captured_at,
            refunds=[RefundOut.of(r) for r in refunds],
        )


class CallbackAckOut(Schema):
    received: bool
