"""The search index in the admin, read-only: it is written by services and ``ehub search
reindex``."""

from __future__ import annotations

from django.contrib import admin

from ehub.core.admin_base import ReadOnlyAdmin
from ehub.search.models import SearchDocument, SearchTerm


@admin.register(SearchDocument)
class SearchDocumentAdmin(ReadOnlyAdmin):
    list_display = ("product", "price_minor", "price_currency", "indexed_at")
    list_filter = ("price_currency",)
    search_fields = ("product__handle",)


@admin.register(SearchTerm)
class SearchTermAdmin(ReadOnlyAdmin):
    list_display = ("term", "length", "cjk")
    list_filter = ("cjk",)
    search_fields = ("term",)
