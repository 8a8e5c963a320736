"""Orders in the admin, read-only: orders change through services (the status pipeline)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from ehub.core.admin_base import ReadOnlyAdmin
from ehub.orders.models import CrossBorderBuyer, IdempotencyKey, Order, OrderLine, OrderParcel


class OrderParcelInline(admin.TabularInline):
    model = OrderParcel
    fields = (
        "number",
        "seller",
        "goods_minor",
        "shipping_minor",
        "import_charges_minor",
        "collected",
        "payable_minor",
        "paid_at",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["id", "buyer", "status", "country", "currency", "total_minor", "placed_at"]
    list_filter = ["status", "country"]
    search_fields = ["id", "buyer__email", "payment_id", "resident_id_masked"]
    date_hierarchy = "placed_at"
    exclude = ["identity_digest"]
    inlines = [OrderParcelInline]


@admin.register(OrderParcel)
class OrderParcelAdmin(ReadOnlyAdmin):
    list_display = ["id", "order", "number", "seller", "payable_minor", "collected", "paid_at"]
    search_fields = ["order__id", "seller__display_name"]
    exclude = ["landed_cost"]


@admin.register(OrderLine)
class OrderLineAdmin(ReadOnlyAdmin):
    list_display = ["id", "order", "sku", "quantity", "unit_price_minor", "line_total_minor"]
    search_fields = ["sku", "title"]


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdmin):
    list_display = ["key", "user", "response_status", "created_at"]
    search_fields = ["key", "user__email"]


@admin.register(CrossBorderBuyer)
class CrossBorderBuyerAdmin(ReadOnlyAdmin):
    list_display = ["id", "__str__"]
    search_fields = ["identity_digest"]
