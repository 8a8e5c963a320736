"""Invariants joining orders to the ledger, run by ``ehub ledger check`` (registered in ready()).

- Every paid parcel has its escrow: the escrow ``ORD-<id>/<n>`` was credited exactly the parcel's
  payable amount (by the split of the order's payment, or by the parcel's own payment).
- A refunded parcel's escrow, and a completed order's, is empty (refunded or released).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q, Sum

from ehub.ledger.checks import Problem
from ehub.ledger.domain import OwnerType, Purpose
from ehub.ledger.models import Posting
from ehub.orders.domain import OrderStatus
from ehub.orders.models import OrderParcel


def _escrow_movements(refs: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Per escrow reference: what was credited into it, and what is left (both minor units)."""
    credited: dict[str, int] = defaultdict(int)
    held: dict[str, int] = defaultdict(int)
    rows = (
        Posting.objects.filter(
            account__owner_type=OwnerType.ORDER,
            account__purpose=Purpose.ESCROW,
            account__owner_id__in=refs,
        )
        .values("account__owner_id")
        .annotate(
            credits=Sum("amount_minor", filter=Q(amount_minor__lt=0)),
            total=Sum("amount_minor"),
        )
    )
    for row in rows:
        credited[row["account__owner_id"]] = -(row["credits"] or 0)
        held[row["account__owner_id"]] = -(row["total"] or 0)
    return credited, held


def paid_orders_have_escrow() -> list[Problem]:
    problems: list[Problem] = []
    parcels = list(
        OrderParcel.objects.filter(paid_at__isnull=False, payable_minor__gt=0)
        .select_related("order")
        .order_by("order_id", "number")
    )
    credited, held = _escrow_movements([p.escrow_reference for p in parcels])
    for parcel in parcels:
        ref = parcel.escrow_reference
        if credited[ref] < parcel.payable_minor:
            problems.append(
                Problem(
                    "paid_order_without_escrow",
                    f"{ref} was paid ({parcel.payable_minor} minor units) but its escrow was "
                    f"credited {credited[ref]}",
                )
            )
        if parcel.refunded_at is not None and held[ref] != 0:
            problems.append(
                Problem(
                    "refunded_parcel_escrow_not_empty",
                    f"{ref} was refunded but its escrow still holds {held[ref]} minor units",
                )
            )
        if parcel.order.status == OrderStatus.COMPLETED and held[ref] != 0:
            problems.append(
                Problem(
                    "completed_order_escrow_not_empty",
                    f"{ref}: the order is completed but its escrow holds {held[ref]} minor units",
                )
            )
    return problems
