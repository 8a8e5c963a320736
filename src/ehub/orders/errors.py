from __future__ import annotations

from enum import StrEnum


class OrdersErrorCode(StrEnum):
    IDEMPOTENCY_KEY_REQUIRED = "idempotency_key_required"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    QUOTE_EXPIRED = "quote_expired"
    QUOTE_NOT_SELLABLE = "quote_not_sellable"
    QUOTE_ALREADY_ORDERED = "quote_already_ordered"
    CROSS_BORDER_LIMIT = "cross_border_limit_exceeded"
    ILLEGAL_TRANSITION = "illegal_order_transition"
    PAYMENT_MISMATCH = "payment_mismatch"
    ORDER_NOT_PAYABLE = "order_not_payable"
    ORDER_NOT_DELIVERED = "order_not_delivered"
    INVALID_PARCEL_CODE = "invalid_parcel_code"
    ADDRESS_INCOMPLETE = "address_incomplete"
    ORDER_NOT_REFUNDABLE = "order_not_refundable"
