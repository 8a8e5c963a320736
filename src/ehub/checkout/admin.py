"""Checkout in the admin: carts editable, quotes read-only (the resident ID shown masked only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from ehub.checkout.models import Cart, CartLine, Quote


class CartLineInline(admin.TabularInline):
    model = CartLine
    raw_id_fields = ["variant"]
    extra = 0


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["id", "buyer", "market", "updated_at"]
    list_filter = ["market"]
    search_fields = ["buyer__email"]
    raw_id_fields = ["buyer"]
    inlines = [CartLineInline]


@admin.register(CartLine)
class CartLineAdmin(admin.ModelAdmin):
    list_display = ["id", "cart", "variant", "quantity"]
    search_fields = ["variant__sku", "cart__buyer__email"]
    raw_id_fields = ["cart", "variant"]


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = [
        "public_id",
        "buyer",
        "country",
        "currency",
        "total_minor",
        "sellable",
        "expires_at",
    ]
    list_filter = ["country", "sellable"]
    search_fields = ["public_id", "buyer__email", "postal_code"]
    # Never the ciphertext or the digest; the masked number only.
    exclude = ["resident_id_encrypted", "identity_digest"]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
