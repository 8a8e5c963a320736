"""Orders' pure rules: the status pipeline and the CN cross-border limits (no ORM)."""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum

from ehub.core.errors import Conflict, DomainError
from ehub.orders.errors import OrdersErrorCode


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    # Placeholder for the hubs-and-customs issue, which will split it into its own states.
    IN_FULFILMENT = "in_fulfilment"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


S = OrderStatus
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.IN_FULFILMENT, S.CANCELLED, S.REFUNDED}),
    S.IN_FULFILMENT: frozenset({S.DELIVERED, S.REFUNDED}),
    S.DELIVERED: frozenset({S.COMPLETED, S.REFUNDED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}
# Orders in these states do not count toward a buyer's cross-border annual total.
NOT_COUNTED = frozenset({S.CANCELLED, S.REFUNDED})


class IllegalTransition(Conflict):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            f"an order cannot go from {current} to {target}",
            {
                "from": current,
                "to": target,
                "allowed": sorted(TRANSITIONS.get(OrderStatus(current), ())),
            },
            code=OrdersErrorCode.ILLEGAL_TRANSITION,
        )


def transition_check(current: str, target: str) -> None:
    if OrderStatus(target) not in TRANSITIONS[OrderStatus(current)]:
        raise IllegalTransition(current, target)


def cross_border_limit_problems(
    *,
    order_value: Decimal,
    item_count: int,
    year_to_date: Decimal,
    order_limit: Decimal,
    annual_limit: Decimal,
) -> list[str]:
    """CN cross-border retail import: the order's value (goods + shipping, CNY) may not pass
    ``order_limit`` unless it is a single item, and ``year_to_date + order_value`` may not pass
    ``annual_limit``. At the limit is allowed. Mirrors the customs rule file's regimes."""
    problems = []
    if order_value > order_limit and item_count > 1:
        problems.append(
            f"the order's value CNY {order_value} is above the CNY {order_limit} per-order limit"
        )
    if year_to_date + order_value > annual_limit:
        problems.append(
            f"this buyer's cross-border purchases this year would reach CNY "
            f"{year_to_date + order_value}, above the CNY {annual_limit} annual limit "
            f"(CNY {year_to_date} so far)"
        )
    return problems


PARCEL_CODE_PREFIX = "EHP"
_PARCEL_CODE = re.compile(r"EHP(\d{7,})(\d{2})")


def parcel_code(*, order_id: int, number: int) -> str:
    """``EHP`` + the order id (at least 7 digits, zero-padded) + the parcel number (2 digits):
    printed on the label as a Code 128 barcode, typed or scanned at the hub."""
    return f"{PARCEL_CODE_PREFIX}{order_id:07d}{number:02d}"


def parcel_code_parse(code: str) -> tuple[int, int]:
    """``"EHP000004201"`` → ``(42, 1)``; spaces and case are forgiven (a typed code), anything
    else is a 422 ``invalid_parcel_code``."""
    cleaned = "".join(code.split()).upper()
    match = _PARCEL_CODE.fullmatch(cleaned)
    if match is None or int(match.group(2)) == 0 or int(match.group(1)) == 0:
        raise DomainError(
            OrdersErrorCode.INVALID_PARCEL_CODE,
            f"{code!r} is not a parcel code (EHP, then the order's 7 digits and the parcel's 2)",
            {"code": code},
            status=422,
        )
    return int(match.group(1)), int(match.group(2))


# What a shipping address must have before an order can be placed (a quote may be asked for with
# the country alone, to see prices). Carriers and customs declarations need the phone number.
ADDRESS_REQUIRED = ("recipient_name", "address_line1", "city", "phone")


def address_missing(address: dict[str, str]) -> list[str]:
    return [name for name in ADDRESS_REQUIRED if not address.get(name, "").strip()]
