"""Logistics in the Django admin: the network is editable (it is data, normally loaded from
network.toml); parcels, manifests, timelines, bookings, webhooks and the sandbox's outbox are
written by services and read-only here. Hub operations that need no typed input (close and depart
a manifest, accept a flagged weight, declare again, redeliver) are admin actions calling the same
services as the API; each refusal is reported per row."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

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
    actions = [
        "scan_in",
        "put_on_manifest",
        "accept_weight",
        "declare_again",
        "redeliver",
        "send_back",
    ]

    def _with_form(
        self,
        request: HttpRequest,
        queryset: QuerySet[Parcel],
        *,
        form_class: type[forms.Form],
        action: str,
        title: str,
        explanation: str,
        work: Any,
    ) -> TemplateResponse | None:
        """An action that asks for input first (an intermediate page), then runs ``work(parcel,
        cleaned_data)`` on each selected parcel through ``_run``."""
        form = form_class(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            _run(self, request, queryset, lambda p: work(p, form.cleaned_data))
            return None
        return TemplateResponse(
            request,
            "admin/logistics/parcel_action.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "explanation": explanation,
                "queryset": queryset.select_related("origin_hub"),
                "form": form,
                "action": action,
                "opts": self.model._meta,
            },
        )

    @admin.action(description="Scan the selected handed-over parcels in and weigh them")
    def scan_in(self, request: HttpRequest, queryset: QuerySet[Parcel]) -> TemplateResponse | None:
        from ehub.logistics.services import parcel_scan_in

        return self._with_form(
            request,
            queryset,
            form_class=ScanInForm,
            action="scan_in",
            title="Scan in and weigh",
            explanation="Each parcel is received at its origin hub with the weight measured "
            "here; a weight outside the tolerance flags it.",
            work=lambda p, data: parcel_scan_in(
                code=p.code,
                weight_grams=data["weight_grams"],
                hub_code=data["hub"] or None,
                actor=request.user,
            ),
        )

    @admin.action(description="Put the selected received parcels on a new manifest")
    def put_on_manifest(self, request: HttpRequest, queryset: QuerySet[Parcel]) -> None:
        """One new manifest per origin hub and destination among the selected parcels."""
        from ehub.logistics.services import manifest_add_parcels, manifest_create

        groups: dict[tuple[str, str], list[str]] = {}
        for parcel in queryset.select_related("origin_hub").order_by("pk"):
            hub = parcel.origin_hub.code if parcel.origin_hub else ""
            groups.setdefault((hub, parcel.destination_country), []).append(parcel.code)
        for (hub, destination), codes in groups.items():
            try:
                manifest = manifest_create(
                    hub_code=hub, destination_country=destination, actor=request.user
                )
                manifest_add_parcels(manifest=manifest, codes=codes, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{hub}→{destination}: {exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"manifest {manifest.waybill}: {len(codes)} parcel(s) from {hub} to "
                    f"{destination}",
                    messages.SUCCESS,
                )

    @admin.action(description="Send the selected parcels back to their sellers")
    def send_back(
        self, request: HttpRequest, queryset: QuerySet[Parcel]
    ) -> TemplateResponse | None:
        from ehub.logistics.services import parcel_hub_return

        return self._with_form(
            request,
            queryset,
            form_class=ReasonForm,
            action="send_back",
            title="Send back to the seller",
            explanation="Each parcel goes back to its seller and its buyer is refunded.",
            work=lambda p, data: parcel_hub_return(
                code=p.code, reason=data["reason"], actor=request.user
            ),
        )

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


class ScanInForm(forms.Form):
    weight_grams = forms.IntegerField(min_value=1, max_value=100_000, label="Measured weight (g)")
    hub = forms.CharField(
        required=False, max_length=3, label="Hub code", help_text="blank: the parcel's origin hub"
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea)
