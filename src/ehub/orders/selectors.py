"""Orders reads."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet, Sum

from ehub.core.errors import NotFound
from ehub.core.money import Money
from ehub.orders.domain import NOT_COUNTED
from ehub.orders.models import Order


def cross_border_year_to_date(*, identity_digest: str, year: int, currency: str) -> Money:
    """What one person (by resident-ID digest) ordered cross-border in a calendar year: goods +
    shipping of their orders that are not cancelled or refunded."""
    total = (
        Order.objects.filter(
            identity_digest=identity_digest, placed_at__year=year, currency=currency
        )
        .exclude(status__in=[s.value for s in NOT_COUNTED])
        .aggregate(total=Sum("limit_value_minor"))["total"]
    )
    return Money.from_minor_units(int(total or 0), currency)


def order_list_for_buyer(*, buyer: Any, status: str | None = None) -> QuerySet[Order]:
    orders = Order.objects.filter(buyer=buyer).prefetch_related("parcels", "lines")
    if status:
        orders = orders.filter(status=status)
    return orders


def order_get_for_buyer(*, buyer: Any, order_id: int) -> Order:
    """The buyer's own order; anybody else's is "not found", not "forbidden"."""
    order = order_list_for_buyer(buyer=buyer).filter(pk=order_id).first()
    if order is None:
        raise NotFound(f"no order {order_id}")
    return order
