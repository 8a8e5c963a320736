"""Logistics in the Django admin: the network is editable (it is data, normally loaded from
network.toml); parcels, manifests, timelines, bookings, webhooks and the sandbox's outbox are
written by services and read-only here. Hub operations that need no typed input (close and depart
a manifest, accept a flagged weight, declare again, redeliver) are admin actions calling the same
services as the API; each refusal is reported per row."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from ehub.core.admin_base import ReadOnlyAdmin
from ehub.core.errors import DomainError
from ehub.logistics.models import (
    CarrierBooking,
    CarrierWebhook,
    Hub,
    Manifest,
    Parcel,
    Route,
    SandboxCarrierEvent,
    TrackingEvent,
)


@admin.register(Hub)
class HubAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "country", "city", "role", "operator", "active")
    list_filter = ("role", "country", "active")
    search_fields = ("code", "name", "city", "operator")


@admin.register(Route)
class RouteAdmin(admin.ModelAdmin):
    list_display = (
        "origin_country",
        "origin_hub",
        "destination_country",
        "destination_hub",
        "transit_min_days",
        "transit_max_days",
        "active",
    )
    list_filter = ("origin_hub", "destination_country", "active")
    search_fields = ("origin_country", "destination_country", "origin_hub__code")


class TrackingEventInline(admin.TabularInline):
    model = TrackingEvent
    extra = 0
    can_delete = False
    fields = ("occurred_at", "status", "description", "place", "source", "event_id")
    readonly_fields = fields
    ordering = ("occurred_at", "id")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Parcel)
class ParcelAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "status",
        "origin_hub",
        "destination_country",
        "declared_weight_grams",
        "measured_weight_grams",
        "weight_check",
        "manifest",
        "carrier_waybill",
        "updated_at",
    )
    list_filter = ("status", "weight_check", "origin_hub", "destination_country")
    search_fields = ("code", "carrier_waybill", "manifest__waybill", "hold_reason")
    inlines = [TrackingEventInline]
    actions = ["accept_weight", "declare_again", "redeliver"]

    @admin.action(description="Accept the flagged weight of the selected parcels")
    def accept_weight(self, request: HttpRequest, queryset: QuerySet[Parcel]) -> None:
        from ehub.logistics.services import parcel_weight_accept

        _run(self, request, queryset, lambda p: parcel_weight_accept(
            code=p.code, note=f"accepted in the admin by {request.user}", actor=request.user
        ))  # fmt: skip

    @admin.action(description="Declare the selected held parcels to customs again")
    def declare_again(self, request: HttpRequest, queryset: QuerySet[Parcel]) -> None:
        from ehub.logistics.services import parcel_customs_retry

        _run(
            self, request, queryset, lambda p: parcel_customs_retry(code=p.code, actor=request.user)
        )

    @admin.action(description="Book another delivery attempt for the selected parcels")
    def redeliver(self, request: HttpRequest, queryset: QuerySet[Parcel]) -> None:
        from ehub.logistics.services import parcel_redeliver

        _run(self, request, queryset, lambda p: parcel_redeliver(code=p.code, actor=request.user))


@admin.register(Manifest)
class ManifestAdmin(ReadOnlyAdmin):
    list_display = (
        "waybill",
        "origin_hub",
        "destination_country",
        "status",
        "created_at",
        "closed_at",
        "departed_at",
    )
    list_filter = ("status", "origin_hub", "destination_country")
    search_fields = ("waybill",)
    actions = ["close", "depart"]

    @admin.action(description="Close the selected manifests")
    def close(self, request: HttpRequest, queryset: QuerySet[Manifest]) -> None:
        from ehub.logistics.services import manifest_close

        _run(self, request, queryset, lambda m: manifest_close(manifest=m, actor=request.user))

    @admin.action(description="Depart the selected manifests (customs declarations submitted)")
    def depart(self, request: HttpRequest, queryset: QuerySet[Manifest]) -> None:
        from ehub.logistics.services import manifest_depart

        _run(self, request, queryset, lambda m: manifest_depart(manifest=m, actor=request.user))


@admin.register(TrackingEvent)
class TrackingEventAdmin(ReadOnlyAdmin):
    list_display = ("parcel", "occurred_at", "status", "place", "source")
    list_filter = ("source", "status")
    search_fields = ("parcel__code", "event_id", "status", "place")


@admin.register(CarrierBooking)
class CarrierBookingAdmin(ReadOnlyAdmin):
    list_display = ("waybill", "carrier", "parcel", "attempt", "booked_at")
    list_filter = ("carrier",)
    search_fields = ("waybill", "parcel__code")


@admin.register(CarrierWebhook)
class CarrierWebhookAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "carrier", "event_id", "event_type", "waybill", "verdict")
    list_filter = ("carrier", "verdict", "event_type")
    search_fields = ("event_id", "waybill", "reason")


@admin.register(SandboxCarrierEvent)
class SandboxCarrierEventAdmin(ReadOnlyAdmin):
    list_display = ("waybill", "step", "event_type", "status", "attempts", "delivered_at")
    list_filter = ("status", "event_type")
    search_fields = ("waybill", "event_id", "delivery_key")


def _run(
    model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any], work: Any
) -> None:
    """Apply ``work`` to each selected row; report what was done and every refusal."""
    done = 0
    for row in queryset.order_by("pk"):
        try:
            work(row)
        except DomainError as exc:
            model_admin.message_user(request, f"{row}: {exc.message}", messages.ERROR)
        else:
            done += 1
    if done:
        model_admin.message_user(request, f"{done} done", messages.SUCCESS)
