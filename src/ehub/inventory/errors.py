from __future__ import annotations

from enum import StrEnum

from ehub.core.errors import Conflict


class InventoryErrorCode(StrEnum):
    OUT_OF_STOCK = "out_of_stock"


class OutOfStock(Conflict):
    """At least one variant has fewer units than asked for; ``variant_ids`` names them all."""

    def __init__(self, variant_ids: list[int]) -> None:
        self.variant_ids = sorted(variant_ids)
        super().__init__(
            f"not enough stock for variant(s) {', '.join(map(str, self.variant_ids))}",
            {"variant_ids": self.variant_ids},
            code=InventoryErrorCode.OUT_OF_STOCK,
        )
