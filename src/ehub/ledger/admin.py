"""Read-only admin for the ledger: entries are written by services only, corrected by reversal."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from ehub.core.admin_base import ReadOnlyAdmin
from ehub.ledger.models import CommissionRate, JournalEntry, LedgerAccount, PayoutBatch, Posting


class PostingInline(admin.TabularInline):
    model = Posting
    fields = ["account", "amount_display", "currency"]
    readonly_fields = ["account", "amount_display", "currency"]
    extra = 0
    can_delete = False

    @admin.display(description="amount (+ debit / − credit)")
    def amount_display(self, obj: Posting) -> str:
        return str(obj.amount.amount)

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ["purpose", "owner_type", "owner_id", "currency", "created_at"]
    list_filter = ["purpose", "owner_type", "currency"]
    search_fields = ["owner_id", "purpose"]


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "kind", "reference", "memo", "reverses"]
    list_filter = ["kind", "created_at"]
    search_fields = ["reference", "idempotency_key", "memo"]
    date_hierarchy = "created_at"
    inlines = [PostingInline]
    readonly_fields = ["kind", "reference", "idempotency_key", "reverses", "memo", "created_at"]


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    list_display = ["id", "entry", "account", "amount_display", "currency"]
    list_filter = ["currency", "account__purpose"]
    search_fields = ["entry__reference", "account__owner_id"]
    list_select_related = ["entry", "account"]

    @admin.display(description="amount (+ debit / − credit)")
    def amount_display(self, obj: Posting) -> str:
        return str(obj.amount.amount)


@admin.register(PayoutBatch)
class PayoutBatchAdmin(ReadOnlyAdmin):
    list_display = ["reference", "on_date", "created_at"]
    search_fields = ["reference"]
    date_hierarchy = "on_date"


@admin.register(CommissionRate)
class CommissionRateAdmin(admin.ModelAdmin):
    list_display = ["rate", "seller", "category", "created_at"]
    list_filter = ["category"]
    search_fields = ["seller__display_name", "category__slug"]
    raw_id_fields = ["seller"]
