"""Orders' pure rules: the status pipeline and the CN cross-border limits (no ORM)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from ehub.core.errors import Conflict
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
