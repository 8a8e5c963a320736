"""Stock: taken and returned with conditional updates, never read-modify-write.

The stock counter is ``catalog.Variant.stock_quantity`` (a ``CHECK stock_quantity >= 0`` backs it).
``stock_take`` runs one ``UPDATE ... SET stock_quantity = stock_quantity - q WHERE id = ? AND
stock_quantity >= q`` per variant: the check and the take are one statement, so two buyers can never
both see "1 left" and both take it. Lines are merged by variant first (two cart lines on one variant
draw on one counter) and processed in primary-key order, so two transactions holding the same
variants always lock their rows in the same order and cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F

from ehub.catalog.models import Variant
from ehub.inventory.errors import OutOfStock

StockLines = Iterable[tuple[int, int]]


def stock_merge(lines: StockLines) -> list[tuple[int, int]]:
    """``[(variant_id, quantity)]`` summed per variant, in primary-key order; quantities ≥ 1."""
    merged: dict[int, int] = {}
    for variant_id, quantity in lines:
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise ValueError(f"quantity for variant {variant_id} must be a whole number ≥ 1")
        merged[variant_id] = merged.get(variant_id, 0) + quantity
    return sorted(merged.items())


def stock_take(*, lines: StockLines, savepoint: bool = True) -> None:
    """Take every line's quantity or nothing: raises ``OutOfStock`` naming every short variant.

    Runs in a savepoint of the caller's transaction (or its own), so a refusal undoes the updates
    that did succeed; the caller's enclosing transaction decides the rest. A caller whose whole
    transaction rolls back on ``OutOfStock`` anyway (order placement) passes ``savepoint=False``
    and saves the two statements.
    """
    short: list[int] = []
    with transaction.atomic(savepoint=savepoint):
        for variant_id, quantity in stock_merge(lines):
            taken = Variant.objects.filter(pk=variant_id, stock_quantity__gte=quantity).update(
                stock_quantity=F("stock_quantity") - quantity
            )
            if taken == 0:
                short.append(variant_id)
        if short:
            raise OutOfStock(short)


def stock_return(*, lines: StockLines) -> None:
    """Put quantities back (a cancelled order), in primary-key order, with increments."""
    with transaction.atomic():
        for variant_id, quantity in stock_merge(lines):
            Variant.objects.filter(pk=variant_id).update(
                stock_quantity=F("stock_quantity") + quantity
            )
