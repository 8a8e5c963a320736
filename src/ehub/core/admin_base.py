"""Admin building blocks shared by the domains."""

from __future__ import annotations

from typing import Any

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records only services write: journal entries, payments, orders, audit events.

    Operators can search, filter and read them; corrections go through the domain's services
    (a reversing entry, a refund, a status transition), never through an edit form."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
