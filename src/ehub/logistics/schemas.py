"""Logistics API shapes (in and out)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from ehub.core.schemas import MoneyOut
from ehub.logistics.models import Hub, Manifest, Parcel, Route, TrackingEvent


class HubOut(Schema):
    code: str
    name: str
    country: str
    city: str
    address: str
    operator: str
    role: str


class RateBandOut(Schema):
    max_grams: int
    price: MoneyOut


class RouteOut(Schema):
    origin_country: str
    destination_country: str
    origin_hub: HubOut
    destination_hub: HubOut | None
    transit_min_days: int
    transit_max_days: int
    rate_currency: str | None
    rate_bands: list[RateBandOut]


class ParcelOut(Schema):
    code: str
    order_id: int
    status: str
    origin_hub: str | None
    destination_country: str
    declared_weight_grams: int
    measured_weight_grams: int | None
    weight_check: str
    weight_note: str
    manifest: str | None
    hold_reason: str
    carrier: str
    carrier_waybill: str
    delivery_attempt: int
    restocked: bool | None
    updated_at: dt.datetime


class ScanIn(Schema):
    code: str = Field(..., max_length=40)
    weight_grams: int
    hub: str | None = Field(None, max_length=3)


class NoteIn(Schema):
    note: str = Field(..., max_length=250)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=250)


class ReturnedIn(Schema):
    restock: bool | None = None  # required: checked in the view, after who is asking


class ManifestIn(Schema):
    hub: str = Field(..., max_length=3)
    destination_country: str = Field(..., min_length=2, max_length=2)


class ManifestParcelsIn(Schema):
    codes: list[str] = Field(..., max_length=500)


class ManifestOut(Schema):
    id: int
    waybill: str
    origin_hub: str
    destination_country: str
    status: str
    parcels: list[str]
    created_at: dt.datetime
    closed_at: dt.datetime | None
    departed_at: dt.datetime | None


class TrackingEventOut(Schema):
    parcel: str
    time: dt.datetime
    status: str
    description: str
    place: str
    source: str


class TrackingOut(Schema):
    order_id: int
    order_status: str
    parcels: list[ParcelOut]
    events: list[TrackingEventOut]


class WebhookOut(Schema):
    verdict: str


def hub_out(hub: Hub) -> HubOut:
    return HubOut(
        code=hub.code,
        name=hub.name,
        country=hub.country,
        city=hub.city,
        address=hub.address,
        operator=hub.operator,
        role=hub.role,
    )


def parcel_out(parcel: Parcel) -> ParcelOut:
    return ParcelOut(
        code=parcel.code,
        order_id=parcel.order_parcel.order_id,
        status=parcel.status,
        origin_hub=parcel.origin_hub.code if parcel.origin_hub is not None else None,
        destination_country=parcel.destination_country,
        declared_weight_grams=parcel.declared_weight_grams,
        measured_weight_grams=parcel.measured_weight_grams,
        weight_check=parcel.weight_check,
        weight_note=parcel.weight_note,
        manifest=parcel.manifest.waybill if parcel.manifest is not None else None,
        hold_reason=parcel.hold_reason,
        carrier=parcel.carrier,
        carrier_waybill=parcel.carrier_waybill,
        delivery_attempt=parcel.delivery_attempt,
        restocked=parcel.restocked,
        updated_at=parcel.updated_at,
    )


def manifest_out(manifest: Manifest) -> ManifestOut:
    return ManifestOut(
        id=manifest.pk,
        waybill=manifest.waybill,
        origin_hub=manifest.origin_hub.code,
        destination_country=manifest.destination_country,
        status=manifest.status,
        parcels=list(manifest.parcels.order_by("code").values_list("code", flat=True)),
        created_at=manifest.created_at,
        closed_at=manifest.closed_at,
        departed_at=manifest.departed_at,
    )


def tracking_event_out(event: TrackingEvent) -> TrackingEventOut:
    return TrackingEventOut(
        parcel=event.parcel.code,
        time=event.occurred_at,
        status=event.status,
        description=event.description,
        place=event.place,
        source=event.source,
    )


def route_out(route: Route) -> RouteOut:
    from ehub.checkout.domain import shipping_rates

    corridor = shipping_rates().corridor(route.origin_country, route.destination_country)
    return RouteOut(
        origin_country=route.origin_country,
        destination_country=route.destination_country,
        origin_hub=hub_out(route.origin_hub),
        destination_hub=(
            hub_out(route.destination_hub) if route.destination_hub is not None else None
        ),
        transit_min_days=route.transit_min_days,
        transit_max_days=route.transit_max_days,
        rate_currency=corridor.bands[0].price.currency if corridor else None,
        rate_bands=[
            RateBandOut(max_grams=band.max_grams, price=MoneyOut.of(band.price))
            for band in (corridor.bands if corridor else ())
        ],
    )
