"""Logistics reads: routes with their rates, parcels per seller, the hub's lists, a buyer's
tracking timeline."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from ehub.core.errors import NotFound
from ehub.logistics.domain import EXCEPTION_STATES, RETURN_STATES, WeightCheck
from ehub.logistics.errors import LogisticsErrorCode
from ehub.logistics.models import Hub, Manifest, Parcel, Route, TrackingEvent
from ehub.orders.models import Order, OrderParcel
from ehub.orders.selectors import order_get_for_buyer


def hub_list() -> QuerySet[Hub]:
    return Hub.objects.filter(active=True).order_by("code")


def route_list(*, origin: str | None = None, destination: str | None = None) -> QuerySet[Route]:
    routes = Route.objects.filter(active=True).select_related("origin_hub", "destination_hub")
    if origin:
        routes = routes.filter(origin_country=origin.strip().upper())
    if destination:
        routes = routes.filter(destination_country=destination.strip().upper())
    return routes.order_by("origin_country", "destination_country")


def parcels_for_seller(*, seller: Any, status: str | None = None) -> QuerySet[Parcel]:
    parcels = Parcel.objects.filter(order_parcel__seller=seller).select_related(
        "order_parcel__order", "origin_hub"
    )
    if status:
        parcels = parcels.filter(status=status)
    return parcels.order_by("-created_at", "-id")


def parcel_returns_for_seller(*, seller: Any) -> QuerySet[Parcel]:
    """The seller's parcels coming back (returning: the seller says when it has them, and
    whether to restock) or back (returned), most recently moved first."""
    return (
        Parcel.objects.filter(order_parcel__seller=seller, status__in=list(RETURN_STATES))
        .select_related("order_parcel__order")
        .order_by("-updated_at", "-id")
    )


def order_parcels_to_ship(*, seller: Any) -> QuerySet[OrderParcel]:
    """The seller's paid parcels that were not refunded, newest first, with their journey
    (``.logistics``; none yet means awaiting handover)."""
    return (
        OrderParcel.objects.filter(seller=seller, paid_at__isnull=False, refunded_at__isnull=True)
        .select_related("order", "logistics")
        .order_by("-paid_at", "-id")
    )


def hub_exceptions(*, hub_code: str | None = None) -> QuerySet[Parcel]:
    """Parcels that need a person: weight flagged, held, or delivery failed."""
    parcels = Parcel.objects.filter(
        Q(weight_check=WeightCheck.FLAGGED) | Q(status__in=list(EXCEPTION_STATES))
    ).select_related("origin_hub", "order_parcel__order")
    if hub_code:
        parcels = parcels.filter(origin_hub__code=hub_code.strip().upper())
    return parcels.order_by("updated_at", "id")


def manifest_list(*, hub_code: str | None = None, status: str | None = None) -> QuerySet[Manifest]:
    manifests = Manifest.objects.select_related("origin_hub")
    if hub_code:
        manifests = manifests.filter(origin_hub__code=hub_code.strip().upper())
    if status:
        manifests = manifests.filter(status=status)
    return manifests.order_by("-created_at", "-id")


def manifest_get(*, manifest_id: int) -> Manifest:
    manifest = Manifest.objects.select_related("origin_hub").filter(pk=manifest_id).first()
    if manifest is None:
        raise NotFound(
            f"no manifest {manifest_id}",
            {"manifest_id": manifest_id},
            code=LogisticsErrorCode.MANIFEST_NOT_FOUND,
        )
    return manifest


def tracking_for_buyer(*, buyer: Any, order_id: int) -> tuple[Order, list[TrackingEvent]]:
    """The buyer's own order and every parcel's timeline events, by event time. Anybody else's
    order is the same 404 as a missing one."""
    order = order_get_for_buyer(buyer=buyer, order_id=order_id)
    events = list(
        TrackingEvent.objects.filter(parcel__order_parcel__order=order)
        .select_related("parcel")
        .order_by("occurred_at", "id")
    )
    return order, events
