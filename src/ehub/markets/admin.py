from django.contrib import admin

from ehub.core.admin_base import ReadOnlyAdmin
from ehub.markets.models import FxQuote, FxRate, Market


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    list_display = ["country", "name", "currency", "languages", "enabled"]
    list_filter = ["enabled", "currency"]
    search_fields = ["country", "currency"]
    list_editable = ["enabled"]


@admin.register(FxRate)
class FxRateAdmin(admin.ModelAdmin):
    list_display = ["as_of", "base", "quote", "rate", "source"]
    list_filter = ["source", "base", "quote"]
    search_fields = ["base", "quote"]
    date_hierarchy = "as_of"


@admin.register(FxQuote)
class FxQuoteAdmin(ReadOnlyAdmin):  # locked quotes are made by checkout, never by hand
    list_display = ["public_id", "base", "quote", "rate", "rate_date", "created_at", "expires_at"]
    list_filter = ["base", "quote"]
    search_fields = ["public_id"]
    readonly_fields = [f.name for f in FxQuote._meta.fields]
