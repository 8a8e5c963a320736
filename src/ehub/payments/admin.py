"""Read-only admin for payments: every row is written by the services (and the sandbox)."""

from __future__ import annotations

from django.contrib import admin

from ehub.core.admin_base import ReadOnlyAdmin
from ehub.payments.models import Payment, PaymentCallback, Refund, SandboxCallback, SandboxCharge


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "public_id",
        "order_ref",
        "provider",
        "status",
        "amount",
        "refunded",
        "created_at",
    ]
    list_filter = ["status", "provider", "currency"]
    search_fields = ["public_id", "order_ref", "provider_reference", "idempotency_key"]
    date_hierarchy = "created_at"


@admin.register(PaymentCallback)
class PaymentCallbackAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "provider", "event_type", "verdict", "payment", "reason"]
    list_filter = ["verdict", "provider", "event_type"]
    search_fields = ["event_id", "body_sha256", "reason", "payment__order_ref"]
    date_hierarchy = "received_at"


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "payment", "amount", "status", "reason", "created_at"]
    list_filter = ["status", "currency"]
    search_fields = ["public_id", "payment__order_ref", "reason", "idempotency_key"]


@admin.register(SandboxCharge)
class SandboxChargeAdmin(ReadOnlyAdmin):
    list_display = ["payment", "card_last4", "outcome", "created_at"]
    list_filter = ["outcome"]
    search_fields = ["payment__order_ref", "card_last4"]


@admin.register(SandboxCallback)
class SandboxCallbackAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "event_type", "status", "attempts", "last_result", "created_at"]
    list_filter = ["status", "event_type"]
    search_fields = ["event_id", "payment__order_ref", "last_result"]
