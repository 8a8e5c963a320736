"""Logistics writes: the network, each parcel's journey, manifests, customs hand-off, carrier
bookings and webhooks, returns, and the order's fulfilment statuses.

Rules kept here (STYLE 11, 12, 14, 16):
- Every parcel or manifest move is a conditional UPDATE on the status the caller saw
  (``_parcel_move``), so two concurrent scans move a parcel once; the loser gets a 409.
- Every move leaves an audit event (``parcel:status:<to>``) and, for the buyer, a timeline line.
- Customs and the carrier are called outside our transactions where they may call back.
- Carrier webhooks are verified, recorded whatever the verdict, deduplicated by event id, and
  never move a parcel backwards (``domain.carrier_event_moves``).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import importlib
import io
import logging
import tomllib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry
from django.conf import settings
from django.db import IntegrityError, transaction

from ehub.checkout.domain import shipping_rates
from ehub.core import clock
from ehub.core.errors import Conflict, CoreErrorCode, DomainError, NotFound
from ehub.core.events import audit_record
from ehub.core.money import Money
from ehub.logistics.carriers import CarrierEvent, WebhookRefused, WebhookVerdict, get_carrier
from ehub.logistics.domain import (
    RETURN_STATES,
    ManifestStatus,
    ParcelStatus,
    WeightCheck,
    carrier_event_moves,
    manifest_move_check,
    master_waybill_number,
    network_parse,
    parcel_move_check,
    weight_verdict,
)
from ehub.logistics.errors import LogisticsErrorCode
from ehub.logistics.models import (
    CarrierBooking,
    CarrierWebhook,
    Hub,
    Manifest,
    Parcel,
    Route,
    TrackingEvent,
)
from ehub.orders.domain import OrderStatus, parcel_code_parse
from ehub.orders.models import Order, OrderParcel

logger = logging.getLogger(__name__)

NETWORK_FILE = Path(__file__).with_name("network.toml")
MAX_WEIGHT_GRAMS = 70_000  # heavier is not a parcel (and the scale was misread)
RECORDED_HEADERS = ("Content-Type", "Content-Length", "User-Agent", "Ehub-Signature")
DEFAULT_CARRIER = "sandbox"

S = ParcelStatus

# What the buyer reads for each move (the timeline's description).
DESCRIPTIONS: dict[ParcelStatus, str] = {
    S.HANDED_OVER: "Handed over by the seller for shipping",
    S.RECEIVED_AT_HUB: "Received and weighed at the origin hub",
    S.MANIFESTED: "Consolidated for export",
    S.DEPARTED: "Departed the origin hub",
    S.AT_CUSTOMS: "Customs declaration submitted at destination",
    S.HELD: "Held by customs",
    S.CLEARED: "Cleared by customs",
    S.OUT_FOR_DELIVERY: "Out for delivery",
    S.DELIVERED: "Delivered",
    S.DELIVERY_FAILED: "Delivery failed",
    S.RETURNING: "Returning to the seller",
    S.RETURNED: "Returned to the seller",
}


# -- the network -----------------------------------------------------------------------------------
@dataclass
class NetworkLoadResult:
    hubs_created: int = 0
    hubs_updated: int = 0
    routes_created: int = 0
    routes_updated: int = 0
    routes_deactivated: int = 0
    notes: list[str] = field(default_factory=list)


def network_load(*, path: Path = NETWORK_FILE) -> NetworkLoadResult:
    """Validate the network file, then upsert its hubs (by code) and routes (by corridor) in one
    transaction; routes no longer in the file are deactivated (parcels may still refer to their
    hubs). Idempotent: a second load changes nothing. Every problem is one 422 error, and then
    nothing is written."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise DomainError(
            LogisticsErrorCode.NETWORK_INVALID,
            f"no such file: {path}",
            {"file": str(path)},
            status=422,
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise DomainError(
            LogisticsErrorCode.NETWORK_INVALID,
            f"{path.name}: not valid TOML: {exc}",
            {"file": str(path)},
            status=422,
        ) from None
    network = network_parse(data, corridors=shipping_rates().corridors.keys(), file=path.name)
    result = NetworkLoadResult()
    with transaction.atomic():
        hubs: dict[str, Hub] = {}
        for spec in network.hubs:
            values: dict[str, Any] = {
                "name": spec.name,
                "country": spec.country,
                "city": spec.city,
                "address": spec.address,
                "operator": spec.operator,
                "role": spec.role.value,
                "active": True,
            }
            hub = Hub.objects.filter(code=spec.code).first()
            if hub is None:
                hub = Hub.objects.create(code=spec.code, **values)
                result.hubs_created += 1
            elif any(getattr(hub, k) != v for k, v in values.items()):
                Hub.objects.filter(pk=hub.pk).update(**values)
                result.hubs_updated += 1
            hubs[spec.code] = hub
        kept = []
        for route in network.routes:
            values = {
                "origin_hub_id": hubs[route.origin_hub].pk,
                "destination_hub_id": hubs[route.destination_hub].pk
                if route.destination_hub
                else None,
                "transit_min_days": route.transit_min_days,
                "transit_max_days": route.transit_max_days,
                "active": True,
            }
            row = Route.objects.filter(
                origin_country=route.origin_country, destination_country=route.destination_country
            ).first()
            if row is None:
                row = Route.objects.create(
                    origin_country=route.origin_country,
                    destination_country=route.destination_country,
                    **values,
                )
                result.routes_created += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                Route.objects.filter(pk=row.pk).update(**values)
                result.routes_updated += 1
            kept.append(row.pk)
        result.routes_deactivated = (
            Route.objects.filter(active=True).exclude(pk__in=kept).update(active=False)
        )
    return result


def route_for(*, origin_country: str, destination_country: str) -> Route | None:
    return (
        Route.objects.select_related("origin_hub", "destination_hub")
        .filter(origin_country=origin_country, destination_country=destination_country, active=True)
        .first()
    )


# -- parcels: finding and creating -----------------------------------------------------------------
def parcel_ensure(*, order_parcel: OrderParcel) -> Parcel:
    """The logistics parcel of a paid order parcel, created on first need (idempotent; a
    concurrent creation is caught by the one-to-one and read back). An unpaid parcel is a 409."""
    existing = Parcel.objects.filter(order_parcel=order_parcel).first()
    if existing is not None:
        return existing
    if order_parcel.paid_at is None:
        raise Conflict(
            f"parcel {order_parcel.code} is not paid yet: nothing to ship",
            {"parcel": order_parcel.code},
            code=LogisticsErrorCode.PARCEL_NOT_PAID,
        )
    order = order_parcel.order
    route = route_for(origin_country=order_parcel.ship_from, destination_country=order.country)
    moment = clock.now()
    try:
        with transaction.atomic():
            parcel = Parcel.objects.create(
                order_parcel=order_parcel,
                code=order_parcel.code,
                origin_hub=route.origin_hub if route else None,
                destination_country=order.country,
                declared_weight_grams=order_parcel.weight_grams,
                created_at=moment,
                updated_at=moment,
            )
            audit_record(
                tag=f"parcel:status:{S.AWAITING_HANDOVER}",
                subject=parcel,
                data={
                    "order": order.reference,
                    "origin_hub": route.origin_hub.code if route else None,
                },
            )
    except IntegrityError:
        return Parcel.objects.get(order_parcel=order_parcel)
    return parcel


def parcels_create_for_order(*, order_ref: str, payment_id: str, amount: Any) -> None:
    """Capture listener (``ehub.payments.hooks``): once an order is paid, its parcels exist and
    wait for handover. Harmless to repeat; an order not paid (yet) is skipped, and any later
    seller or hub action creates the parcel on first need anyway."""
    reference = order_ref.split("/", 1)[0]
    if not reference.startswith("ORD-") or not reference[4:].isdigit():
        return
    for order_parcel in OrderParcel.objects.filter(
        order_id=int(reference[4:]), paid_at__isnull=False
    ).select_related("order"):
        parcel_ensure(order_parcel=order_parcel)


def _order_parcel_by_code(code: str) -> OrderParcel:
    order_id, number = parcel_code_parse(code)
    order_parcel = (
        OrderParcel.objects.select_related("order", "seller")
        .filter(order_id=order_id, number=number)
        .first()
    )
    if order_parcel is None:
        raise NotFound(
            f"no parcel {code.strip().upper()}",
            {"parcel": code},
            code=LogisticsErrorCode.PARCEL_NOT_FOUND,
        )
    return order_parcel


def parcel_by_code(code: str) -> Parcel:
    """The parcel with label code ``code`` (422 if malformed, 404 if unknown, 409 if unpaid)."""
    return parcel_ensure(order_parcel=_order_parcel_by_code(code))


def parcel_for_seller(*, seller: Any, code: str) -> Parcel:
    """``code`` if it is one of ``seller``'s parcels; anybody else's is the same 404 as an
    unknown code (no telling whether it exists)."""
    order_parcel = _order_parcel_by_code(code)
    if order_parcel.seller_id != seller.pk:
        raise NotFound(
            f"no parcel {code.strip().upper()}",
            {"parcel": code},
            code=LogisticsErrorCode.PARCEL_NOT_FOUND,
        )
    return parcel_ensure(order_parcel=order_parcel)


# -- parcels: moving -------------------------------------------------------------------------------
def _place_of(hub: Hub | None, fallback: str = "") -> str:
    return hub.place if hub is not None else fallback


def _timeline_add(
    *,
    parcel: Parcel,
    status: str,
    description: str,
    place: str,
    source: str = "ehub",
    occurred_at: dt.datetime | None = None,
    event_id: str | None = None,
    data: dict[str, Any] | None = None,
) -> TrackingEvent:
    return TrackingEvent.objects.create(
        parcel=parcel,
        source=source,
        event_id=event_id or f"ehub_{uuid.uuid4().hex}",
        status=status,
        description=description[:300],
        place=place[:200],
        occurred_at=occurred_at or clock.now(),
        data=data or {},
    )


def _parcel_move(
    parcel: Parcel,
    to: ParcelStatus,
    *,
    actor: Any = None,
    data: dict[str, Any] | None = None,
    place: str | None = None,
    description: str | None = None,
    timeline: bool = True,
    **fields: Any,
) -> Parcel:
    """Move ``parcel`` to ``to`` if the pipeline allows it from the status the caller saw; the
    UPDATE is conditional on that status, so of two concurrent moves one wins and the other gets
    the 409. Writes ``fields`` with it, an audit event and (unless ``timeline=False``, when the
    caller records its own line) a timeline line."""
    seen = parcel.status
    parcel_move_check(seen, to, code=parcel.code)
    moment = clock.now()
    if not Parcel.objects.filter(pk=parcel.pk, status=seen).update(
        status=to.value, updated_at=moment, **fields
    ):
        current = Parcel.objects.values_list("status", flat=True).get(pk=parcel.pk)
        parcel_move_check(current, to, code=parcel.code)  # the usual 409 when it is illegal now
        raise Conflict(
            f"parcel {parcel.code} changed while this was being done (it is {current} now); "
            "try again",
            {"parcel": parcel.code, "from": seen, "now": current, "to": to.value},
            code=LogisticsErrorCode.ILLEGAL_TRANSITION,
        )
    parcel.status = to.value
    parcel.updated_at = moment
    for name, value in fields.items():
        setattr(parcel, name, value)
    audit_record(
        tag=f"parcel:status:{to.value}",
        subject=parcel,
        actor=actor,
        data={"from": seen, **(data or {})},
    )
    if timeline:
        _timeline_add(
            parcel=parcel,
            status=to.value,
            description=description or DESCRIPTIONS[to],
            place=place if place is not None else _place_of(parcel.origin_hub),
            occurred_at=moment,
        )
    return parcel


def _order_after_handover(*, order: Order, actor: Any) -> None:
    """The first handover moves a ``paid`` order to ``in_fulfilment``."""
    from ehub.orders.domain import IllegalTransition
    from ehub.orders.services import order_transition

    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status == OrderStatus.PAID:
        with contextlib.suppress(IllegalTransition):  # moved on meanwhile (refunded)
            order_transition(
                order=locked,
                to=OrderStatus.IN_FULFILMENT,
                actor=actor,
                data={"reason": "first parcel handed over"},
            )


def _order_after_parcel_end(*, order_id: int) -> None:
    """When every parcel of the order that was not returned (refunded) is delivered, the order
    becomes ``delivered`` (the buyer's confirmation window starts)."""
    from ehub.orders.domain import IllegalTransition
    from ehub.orders.services import order_transition

    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status != OrderStatus.IN_FULFILMENT:
        return
    parcels = list(OrderParcel.objects.filter(order_id=order_id).order_by("number"))
    states = dict(
        Parcel.objects.filter(order_parcel__order_id=order_id).values_list(
            "order_parcel_id", "status"
        )
    )
    counted = [p for p in parcels if states.get(p.pk) not in RETURN_STATES]
    if counted and all(states.get(p.pk) == S.DELIVERED for p in counted):
        with contextlib.suppress(IllegalTransition):
            order_transition(
                order=order,
                to=OrderStatus.DELIVERED,
                data={"parcels": [p.code for p in counted]},
            )


def _require_shippable(parcel: Parcel) -> None:
    """A parcel whose buyer was refunded, or whose order was cancelled, is not shipped."""
    order_parcel = OrderParcel.objects.select_related("order").get(pk=parcel.order_parcel_id)
    order = order_parcel.order
    if order_parcel.refunded_at is not None or order.status in (
        OrderStatus.CANCELLED,
        OrderStatus.REFUNDED,
    ):
        raise Conflict(
            f"parcel {parcel.code} is not to be shipped: its order {order.reference} is "
            f"{order.status}" + (" and the parcel refunded" if order_parcel.refunded_at else ""),
            {"parcel": parcel.code, "order": order.reference, "status": order.status},
            code=LogisticsErrorCode.PARCEL_NOT_SHIPPABLE,
        )


def parcel_hand_over(*, seller: Any, code: str, actor: Any = None) -> Parcel:
    """The seller marks its parcel handed over to the origin hub (awaiting_handover →
    handed_over); the order's first handover moves it to ``in_fulfilment``."""
    parcel = parcel_for_seller(seller=seller, code=code)
    _require_shippable(parcel)
    hub = parcel.origin_hub
    if hub is None:
        raise DomainError(
            LogisticsErrorCode.NO_ROUTE,
            f"no route from {parcel.order_parcel.ship_from} to {parcel.destination_country}: "
            "the network has no origin hub for this parcel",
            {"parcel": parcel.code},
            status=422,
        )
    with transaction.atomic():
        _parcel_move(
            parcel,
            S.HANDED_OVER,
            actor=actor,
            data={"seller": seller.pk, "to_hub": hub.code},
            place=", ".join(p for p in (seller.city, seller.country) if p),
            description=f"Handed over by the seller for the {hub.name}",
        )
        _order_after_handover(order=parcel.order_parcel.order, actor=actor)
    return parcel


def _hub_get(code: str) -> Hub:
    hub = Hub.objects.filter(code=(code or "").strip().upper(), active=True).first()
    if hub is None:
        raise NotFound(f"no hub {code!r}", {"hub": code}, code=LogisticsErrorCode.UNKNOWN_HUB)
    return hub


def parcel_scan_in(
    *, code: str, weight_grams: int, hub_code: str | None = None, actor: Any = None
) -> Parcel:
    """The origin hub scans a handed-over parcel in and weighs it (handed_over →
    received_at_hub). Outside the tolerance (``EHUB_LOGISTICS_WEIGHT_TOLERANCE_PERCENT`` of the
    declared weight, at least ``..._MIN_GRAMS``) the parcel is flagged: it is on the hub's
    exception list and cannot be manifested until an operator accepts the weight. A second scan
    is a 409 and changes nothing."""
    if (
        isinstance(weight_grams, bool)
        or not isinstance(weight_grams, int)
        or not (1 <= weight_grams <= MAX_WEIGHT_GRAMS)
    ):
        raise DomainError(
            LogisticsErrorCode.INVALID_WEIGHT,
            f"the measured weight must be 1 to {MAX_WEIGHT_GRAMS} grams",
            {"field": "weight_grams", "value": weight_grams},
            status=422,
        )
    parcel = parcel_by_code(code)
    _require_shippable(parcel)
    hub = parcel.origin_hub
    if hub_code is not None and (hub is None or hub.code != hub_code.strip().upper()):
        raised = _hub_get(hub_code)
        raise Conflict(
            f"parcel {parcel.code} goes through {hub.code if hub else 'no hub'}, not {raised.code}",
            {"parcel": parcel.code, "hub": raised.code, "expected": hub.code if hub else None},
            code=LogisticsErrorCode.WRONG_HUB,
        )
    verdict = weight_verdict(
        declared_grams=parcel.declared_weight_grams,
        measured_grams=weight_grams,
        tolerance_percent=settings.EHUB_LOGISTICS_WEIGHT_TOLERANCE_PERCENT,
        minimum_grams=settings.EHUB_LOGISTICS_WEIGHT_TOLERANCE_MIN_GRAMS,
    )
    check = WeightCheck.OK if verdict.within else WeightCheck.FLAGGED
    note = (
        ""
        if verdict.within
        else f"measured {weight_grams} g, declared {parcel.declared_weight_grams} g: "
        f"{verdict.difference_grams:+d} g is beyond the {verdict.allowed_grams} g tolerance"
    )
    with transaction.atomic():
        _parcel_move(
            parcel,
            S.RECEIVED_AT_HUB,
            actor=actor,
            data={
                "hub": hub.code if hub else None,
                "measured_grams": weight_grams,
                "declared_grams": parcel.declared_weight_grams,
                "weight_check": check.value,
            },
            description=f"Received and weighed at the origin hub ({weight_grams} g)",
            measured_weight_grams=weight_grams,
            weight_check=check.value,
            weight_note=note,
        )
        if check is WeightCheck.FLAGGED:
            audit_record(
                tag="parcel:weight:flagged", subject=parcel, actor=actor, data={"note": note}
            )
    return parcel


def parcel_weight_accept(*, code: str, note: str, actor: Any = None) -> Parcel:
    """An operator accepts a flagged weight (after checking the contents), with a note."""
    note = (note or "").strip()
    if not note:
        raise DomainError(
            CoreErrorCode.INVALID_INPUT,
            "say why the weight is accepted",
            {"field": "note"},
            status=422,
        )
    parcel = parcel_by_code(code)
    updated = Parcel.objects.filter(pk=parcel.pk, weight_check=WeightCheck.FLAGGED).update(
        weight_check=WeightCheck.ACCEPTED,
        weight_note=f"{parcel.weight_note} — accepted: {note}"[:300],
        updated_at=clock.now(),
    )
    if not updated:
        raise Conflict(
            f"parcel {parcel.code}'s weight is not flagged (it is {parcel.weight_check})",
            {"parcel": parcel.code, "weight_check": parcel.weight_check},
            code=LogisticsErrorCode.NOT_FLAGGED,
        )
    audit_record(tag="parcel:weight:accepted", subject=parcel, actor=actor, data={"note": note})
    parcel.refresh_from_db()
    return parcel


# -- manifests -------------------------------------------------------------------------------------
def _manifest_locked(manifest: Manifest) -> Manifest:
    return (
        Manifest.objects.select_for_update(of=("self",))
        .select_related("origin_hub")
        .get(pk=manifest.pk)
    )


def manifest_create(*, hub_code: str, destination_country: str, actor: Any = None) -> Manifest:
    """Open a manifest at ``hub_code`` for ``destination_country``, with a new master waybill."""
    hub = _hub_get(hub_code)
    destination = (destination_country or "").strip().upper()
    if not Route.objects.filter(
        origin_hub=hub, destination_country=destination, active=True
    ).exists():
        raise DomainError(
            LogisticsErrorCode.NO_ROUTE,
            f"hub {hub.code} has no route to {destination or '?'}",
            {"hub": hub.code, "destination_country": destination},
            status=422,
        )
    with transaction.atomic():
        manifest = Manifest.objects.create(
            waybill=f"pending-{uuid.uuid4().hex[:12]}",
            origin_hub=hub,
            destination_country=destination,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        manifest.waybill = master_waybill_number(manifest.pk)
        manifest.save(update_fields=["waybill"])
        audit_record(
            tag="manifest:status:open",
            subject=manifest,
            actor=actor,
            data={"hub": hub.code, "destination": destination, "waybill": manifest.waybill},
        )
    return manifest


def _require_open(manifest: Manifest) -> None:
    if manifest.status != ManifestStatus.OPEN:
        raise Conflict(
            f"manifest {manifest.waybill} is {manifest.status}: parcels are added and removed "
            "only while it is open",
            {"manifest": manifest.waybill, "status": manifest.status},
            code=LogisticsErrorCode.MANIFEST_NOT_OPEN,
        )


def _manifest_problem(parcel: Parcel, manifest: Manifest) -> str | None:
    if parcel.status != S.RECEIVED_AT_HUB:
        return f"{parcel.code} is {parcel.status}, not received_at_hub"
    if parcel.weight_check not in (WeightCheck.OK, WeightCheck.ACCEPTED):
        return f"{parcel.code}'s weight is {parcel.weight_check}: accept it first"
    if parcel.origin_hub_id != manifest.origin_hub_id:
        return f"{parcel.code} is at another hub"
    if parcel.destination_country != manifest.destination_country:
        return f"{parcel.code} goes to {parcel.destination_country}, the manifest to " + (
            manifest.destination_country
        )
    return None


def manifest_add_parcels(*, manifest: Manifest, codes: list[str], actor: Any = None) -> Manifest:
    """Put parcels on an open manifest: each received at its hub, weight ok or accepted, for its
    destination. All or nothing: any problem refuses the lot (422, every problem listed)."""
    if not codes:
        raise DomainError(
            CoreErrorCode.INVALID_INPUT,
            "name at least one parcel code",
            {"field": "codes"},
            status=422,
        )
    parcels = []
    for code in dict.fromkeys(c.strip().upper() for c in codes):
        parcels.append(parcel_by_code(code))
    with transaction.atomic():
        locked = _manifest_locked(manifest)
        _require_open(locked)
        problems = [p for p in (_manifest_problem(parcel, locked) for parcel in parcels) if p]
        if problems:
            raise DomainError(
                LogisticsErrorCode.PARCEL_NOT_MANIFESTABLE,
                problems[0] + (f" (and {len(problems) - 1} more)" if problems[1:] else ""),
                {"problems": problems},
                status=422,
            )
        for parcel in parcels:
            _parcel_move(
                parcel,
                S.MANIFESTED,
                actor=actor,
                data={"manifest": locked.waybill},
                manifest=locked,
            )
    return locked


def manifest_remove_parcel(*, manifest: Manifest, code: str, actor: Any = None) -> Manifest:
    """Take a parcel off an open manifest (back to received_at_hub)."""
    parcel = parcel_by_code(code)
    with transaction.atomic():
        locked = _manifest_locked(manifest)
        _require_open(locked)
        if parcel.manifest_id != locked.pk:
            raise NotFound(
                f"{parcel.code} is not on manifest {locked.waybill}",
                {"parcel": parcel.code, "manifest": locked.waybill},
                code=LogisticsErrorCode.PARCEL_NOT_FOUND,
            )
        _parcel_move(
            parcel,
            S.RECEIVED_AT_HUB,
            actor=actor,
            data={"removed_from": locked.waybill},
            description="Taken off a consolidation before departure",
            manifest=None,
        )
    return locked


def _manifest_move(
    manifest: Manifest, to: ManifestStatus, *, actor: Any, **fields: Any
) -> Manifest:
    seen = manifest.status
    manifest_move_check(seen, to)
    if not Manifest.objects.filter(pk=manifest.pk, status=seen).update(status=to.value, **fields):
        current = Manifest.objects.values_list("status", flat=True).get(pk=manifest.pk)
        manifest_move_check(current, to)
        raise Conflict(
            f"manifest {manifest.waybill} changed meanwhile (it is {current})",
            {"manifest": manifest.waybill, "status": current},
            code=LogisticsErrorCode.MANIFEST_ILLEGAL_TRANSITION,
        )
    manifest.status = to.value
    for name, value in fields.items():
        setattr(manifest, name, value)
    audit_record(
        tag=f"manifest:status:{to.value}", subject=manifest, actor=actor, data={"from": seen}
    )
    return manifest


def manifest_close(*, manifest: Manifest, actor: Any = None) -> Manifest:
    """Seal an open manifest (at least one parcel): no more changes, ready to export and fly."""
    with transaction.atomic():
        locked = _manifest_locked(manifest)
        if locked.status == ManifestStatus.OPEN and not locked.parcels.exists():
            raise DomainError(
                LogisticsErrorCode.MANIFEST_EMPTY,
                f"manifest {locked.waybill} has no parcels: add some before closing it",
                {"manifest": locked.waybill},
                status=422,
            )
        return _manifest_move(locked, ManifestStatus.CLOSED, actor=actor, closed_at=clock.now())


def manifest_depart(*, manifest: Manifest, actor: Any = None) -> Manifest:
    """A closed manifest leaves the origin hub: it and its parcels become ``departed`` (one
    transaction); then, outside it, each parcel's customs declaration is prepared and submitted
    (``ehub.customs.clearance``). A declaration that cannot be prepared or submitted holds that
    parcel with the problems as the reason; the others go on."""
    with transaction.atomic():
        locked = _manifest_locked(manifest)
        _manifest_move(locked, ManifestStatus.DEPARTED, actor=actor, departed_at=clock.now())
        parcels = list(locked.parcels.select_related("origin_hub").order_by("pk"))
        for parcel in parcels:
            _parcel_move(parcel, S.DEPARTED, actor=actor, data={"manifest": locked.waybill})
    for parcel in parcels:
        parcel_customs_submit(parcel=parcel, actor=actor)
    return locked


def manifest_export_rows(*, manifest: Manifest) -> list[dict[str, Any]]:
    """One row per parcel: what a carrier or customs broker needs to see on a manifest."""
    rows = []
    for parcel in manifest.parcels.select_related(
        "order_parcel__order", "order_parcel__seller"
    ).order_by("code"):
        op = parcel.order_parcel
        order = op.order
        rows.append(
            {
                "master_waybill": manifest.waybill,
                "parcel": parcel.code,
                "order": order.reference,
                "seller": op.seller.legal_name,
                "ship_from": op.ship_from,
                "destination_country": parcel.destination_country,
                "recipient": getattr(order, "recipient_name", "") or order.buyer_name,
                "postal_code": order.postal_code,
                "declared_weight_grams": parcel.declared_weight_grams,
                "measured_weight_grams": parcel.measured_weight_grams,
                "goods_value": str(Money.from_minor_units(op.goods_minor, order.currency).amount),
                "currency": order.currency,
                "status": parcel.status,
            }
        )
    return rows


EXPORT_COLUMNS = (
    "master_waybill",
    "parcel",
    "order",
    "seller",
    "ship_from",
    "destination_country",
    "recipient",
    "postal_code",
    "declared_weight_grams",
    "measured_weight_grams",
    "goods_value",
    "currency",
    "status",
)


def manifest_export_csv(*, manifest: Manifest) -> str:
    """The manifest as CSV (UTF-8, header row; goods value in the order currency's minor
    units)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in manifest_export_rows(manifest=manifest):
        writer.writerow(row)
    return out.getvalue()


# -- customs ---------------------------------------------------------------------------------------
def _problems_text(exc: DomainError) -> str:
    detail = exc.detail if isinstance(exc.detail, dict) else {}
    problems = detail.get("problems") or []
    if problems:
        return "; ".join(
            str(p.get("message", p)) if isinstance(p, dict) else str(p) for p in problems
        )
    return exc.message


def parcel_customs_submit(*, parcel: Parcel, actor: Any = None) -> Parcel:
    """Prepare and submit ``parcel``'s customs declaration (departed → at_customs). A
    preparation or submission refusal (``DomainError``) holds the parcel with the reason. When
    ``ehub.customs.clearance`` is not installed the parcel stays ``departed`` (logged) and
    ``ehub logistics submit-customs`` tries again later."""
    try:
        importlib.import_module("ehub.customs.clearance")
    except ImportError:
        logger.warning("ehub.customs.clearance is not available: %s stays departed", parcel.code)
        return parcel
    parcel.refresh_from_db()
    if parcel.status != S.DEPARTED:
        return parcel
    return _declare(parcel, actor=actor, retry=False)


def parcel_customs_retry(*, code: str, actor: Any = None) -> Parcel:
    """A parcel held because its declaration could not be prepared (missing or inconsistent
    data, now fixed) is declared again: held → at_customs, then submitted. Still incomplete: a
    422 listing every problem, and the parcel stays held with the new reason. A declaration
    customs itself holds is resolved through customs (``declaration_hold_resolve``), not here."""
    from ehub.customs.models import CustomsDeclaration

    parcel = parcel_by_code(code)
    if parcel.status != S.HELD:
        parcel_move_check(parcel.status, S.AT_CUSTOMS, code=parcel.code)
    existing = CustomsDeclaration.objects.filter(order_parcel_id=parcel.order_parcel_id).first()
    if existing is not None and existing.status != "prepared":
        raise Conflict(
            f"customs holds {parcel.code}'s declaration ({existing.status}): resolve the hold "
            "through customs (documents or a note), or send the parcel back",
            {"parcel": parcel.code, "declaration": existing.pk, "status": existing.status},
            code=LogisticsErrorCode.ILLEGAL_TRANSITION,
        )
    return _declare(parcel, actor=actor, retry=True)


def _declare(parcel: Parcel, *, actor: Any, retry: bool) -> Parcel:
    from ehub.customs import clearance

    waybill = parcel.manifest.waybill if parcel.manifest is not None else ""
    destination = _destination_place(parcel)
    try:
        declaration = clearance.declaration_prepare(parcel=parcel.order_parcel, waybill=waybill)
    except DomainError as exc:
        reason = _problems_text(exc)
        if retry:
            Parcel.objects.filter(pk=parcel.pk, status=S.HELD).update(
                hold_reason=reason, updated_at=clock.now()
            )
            raise
        _parcel_move(
            parcel,
            S.HELD,
            actor=actor,
            data={"reason": reason, "code": exc.code},
            place=destination,
            description=f"Held: the customs declaration is incomplete ({reason})",
            hold_reason=reason,
        )
        return parcel
    # At customs before submitting: the authority may decide (and call us back) at once.
    _parcel_move(
        parcel,
        S.AT_CUSTOMS,
        actor=actor,
        place=destination,
        data={"declaration": getattr(declaration, "pk", None), "retry": retry},
        hold_reason="",
    )
    try:
        clearance.declaration_submit(declaration=declaration)
    except DomainError as exc:
        parcel.refresh_from_db()
        if parcel.status == S.AT_CUSTOMS:
            reason = _problems_text(exc)
            _parcel_move(
                parcel,
                S.HELD,
                actor=actor,
                data={"reason": reason, "code": exc.code},
                place=destination,
                description=f"Held: the declaration was refused ({reason})",
                hold_reason=reason,
            )
    parcel.refresh_from_db()
    return parcel


def parcels_customs_submit_pending() -> list[tuple[str, str]]:
    """Submit declarations for every departed parcel still waiting for one (customs was not
    reachable or not installed): ``[(code, status now)]``."""
    results = []
    for parcel in (
        Parcel.objects.filter(status=S.DEPARTED).select_related("manifest").order_by("pk")
    ):
        results.append((parcel.code, parcel_customs_submit(parcel=parcel).status))
    return results


def _destination_place(parcel: Parcel) -> str:
    route = route_for(
        origin_country=parcel.order_parcel.ship_from,
        destination_country=parcel.destination_country,
    )
    hub = route.destination_hub if route is not None else None
    if hub is not None and hub.country == parcel.destination_country:
        return hub.place
    country = pycountry.countries.get(alpha_2=parcel.destination_country)
    return (
        f"{country.name if country else parcel.destination_country}, {parcel.destination_country}"
    )


def customs_decision_received(
    *, order_parcel_id: int, declaration_id: int, outcome: str, reason: str
) -> None:
    """Decision listener (``ehub.customs.clearance_hooks``): cleared → the last mile is booked;
    held → held (on the exception list); refused or returned → returning, and the buyer is
    refunded (``order_parcel_refund``). A decision the parcel already reflects is a no-op."""
    parcel = (
        Parcel.objects.select_related("order_parcel__order", "origin_hub")
        .filter(order_parcel_id=order_parcel_id)
        .first()
    )
    if parcel is None:
        logger.warning("customs decision for order parcel %s: no logistics parcel", order_parcel_id)
        return
    data = {"declaration": declaration_id, "outcome": outcome, "reason": reason}
    place = _destination_place(parcel)
    if outcome == "cleared":
        if parcel.status not in (S.AT_CUSTOMS, S.HELD):
            return
        with transaction.atomic():
            _parcel_move(parcel, S.CLEARED, data=data, place=place, hold_reason="")
            carrier_book(parcel=parcel)
    elif outcome == "held":
        if parcel.status != S.AT_CUSTOMS:
            return
        _parcel_move(
            parcel,
            S.HELD,
            data=data,
            place=place,
            description=f"Held by customs: {reason}" if reason else None,
            hold_reason=reason,
        )
    elif outcome in ("refused", "returned"):
        if parcel.status not in (S.AT_CUSTOMS, S.HELD):
            return
        why = f"customs {outcome}: {reason}" if reason else f"customs {outcome}"
        parcel_start_return(parcel=parcel, reason=why, place=place)
    else:
        logger.warning("unknown customs outcome %r for %s", outcome, parcel.code)


# -- returns ---------------------------------------------------------------------------------------
def parcel_start_return(
    *, parcel: Parcel, reason: str, actor: Any = None, place: str | None = None
) -> Parcel:
    """Held, refused or undeliverable: the parcel goes back to the seller (→ returning) and the
    buyer is refunded its share (``ehub.orders.services.order_parcel_refund``, idempotent). The
    refund runs after the move committed, outside our transaction (it calls the payment
    provider); if it fails, ``refunded_at`` stays empty and the hub retries with
    ``ehub logistics refund-returns``."""
    with transaction.atomic():
        _parcel_move(
            parcel,
            S.RETURNING,
            actor=actor,
            data={"reason": reason},
            place=place if place is not None else _place_of(parcel.origin_hub),
            description=f"Returning to the seller: {reason}",
            hold_reason=reason,
        )
    parcel_refund(parcel=parcel, actor=actor)
    with transaction.atomic():
        _order_after_parcel_end(order_id=parcel.order_parcel.order_id)
    return parcel


def parcel_refund(*, parcel: Parcel, actor: Any = None) -> bool:
    """Refund the buyer for a returning/returned parcel once (True if refunded now or before)."""
    if parcel.refunded_at is not None:
        return True
    try:
        from ehub.orders.services import order_parcel_refund
    except ImportError:
        logger.warning("order_parcel_refund is not available yet: %s not refunded", parcel.code)
        return False
    try:
        order_parcel_refund(
            parcel=parcel.order_parcel, reason=parcel.hold_reason or "returned", actor=actor
        )
    except DomainError:
        logger.exception("refund for returning parcel %s failed; will retry", parcel.code)
        return False
    moment = clock.now()
    Parcel.objects.filter(pk=parcel.pk, refunded_at__isnull=True).update(refunded_at=moment)
    parcel.refunded_at = moment
    audit_record(tag="parcel:refunded", subject=parcel, actor=actor)
    return True


def parcels_refund_pending() -> list[tuple[str, bool]]:
    """Retry the buyer's refund for every returning/returned parcel not refunded yet."""
    pending = Parcel.objects.filter(status__in=RETURN_STATES, refunded_at__isnull=True)
    return [(p.code, parcel_refund(parcel=p)) for p in list(pending.order_by("pk"))]


def parcel_hub_return(*, code: str, reason: str, actor: Any = None) -> Parcel:
    """The hub gives up on a held or undeliverable parcel: it goes back to the seller."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            CoreErrorCode.INVALID_INPUT,
            "say why the parcel goes back",
            {"field": "reason"},
            status=422,
        )
    parcel = parcel_by_code(code)
    if parcel.status not in (S.HELD, S.DELIVERY_FAILED):
        parcel_move_check(parcel.status, S.RETURNING, code=parcel.code)
        raise Conflict(
            f"only held or undeliverable parcels are sent back, not {parcel.status} ones",
            {"parcel": parcel.code, "status": parcel.status},
            code=LogisticsErrorCode.ILLEGAL_TRANSITION,
        )
    return parcel_start_return(parcel=parcel, reason=reason, actor=actor)


def parcel_returned(*, seller: Any, code: str, restock: bool, actor: Any = None) -> Parcel:
    """The seller has its parcel back (returning → returned) and says whether the goods go back
    into stock (``stock_return`` for every line of the parcel)."""
    from ehub.inventory.services import stock_return
    from ehub.orders.models import OrderLine

    parcel = parcel_for_seller(seller=seller, code=code)
    with transaction.atomic():
        _parcel_move(
            parcel,
            S.RETURNED,
            actor=actor,
            data={"restock": restock},
            restocked=restock,
            place=parcel.order_parcel.seller.city or parcel.order_parcel.ship_from,
        )
        if restock:
            stock_return(
                lines=list(
                    OrderLine.objects.filter(parcel=parcel.order_parcel).values_list(
                        "variant_id", "quantity"
                    )
                )
            )
    return parcel


# -- the last mile (carriers) ----------------------------------------------------------------------
def carrier_book(*, parcel: Parcel, carrier: str = DEFAULT_CARRIER) -> CarrierBooking:
    """Book ``parcel``'s next delivery attempt with ``carrier`` (inside the caller's transaction:
    whatever the carrier schedules commits with the booking)."""
    implementation = get_carrier(carrier)
    attempt = parcel.delivery_attempt + 1
    with transaction.atomic():
        result = implementation.book(parcel=parcel, attempt=attempt)
        booking = CarrierBooking.objects.create(
            parcel=parcel, carrier=carrier, waybill=result.waybill, attempt=attempt
        )
        Parcel.objects.filter(pk=parcel.pk).update(
            carrier=carrier,
            carrier_waybill=result.waybill,
            delivery_attempt=attempt,
            updated_at=clock.now(),
        )
        parcel.carrier, parcel.carrier_waybill, parcel.delivery_attempt = (
            carrier,
            result.waybill,
            attempt,
        )
        audit_record(
            tag="parcel:carrier:booked",
            subject=parcel,
            data={"carrier": carrier, "waybill": result.waybill, "attempt": attempt},
        )
    return booking


def parcel_redeliver(*, code: str, actor: Any = None) -> Parcel:
    """Try again after a failed delivery: a new attempt is booked (delivery_failed →
    out_for_delivery)."""
    parcel = parcel_by_code(code)
    with transaction.atomic():
        _parcel_move(
            parcel,
            S.OUT_FOR_DELIVERY,
            actor=actor,
            place=_destination_place(parcel),
            description="Delivery will be attempted again",
        )
        carrier_book(parcel=parcel, carrier=parcel.carrier or DEFAULT_CARRIER)
    return parcel


def _headers_summary(headers: Mapping[str, str]) -> dict[str, str]:
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    return {n: lowered[n.lower()][:300] for n in RECORDED_HEADERS if n.lower() in lowered}


def _record_webhook(
    *,
    carrier: str,
    headers: Mapping[str, str],
    body: bytes,
    verdict: WebhookVerdict,
    reason: str = "",
    event: CarrierEvent | None = None,
) -> CarrierWebhook:
    return CarrierWebhook.objects.create(
        carrier=carrier[:32],
        event_id=event.event_id if event else "",
        event_type=str(event.event_type) if event else "",
        waybill=event.waybill if event else "",
        verdict=verdict,
        reason=reason[:300],
        headers=_headers_summary(headers),
        body_sha256=hashlib.sha256(body).hexdigest(),
        body_size=len(body),
    )


def carrier_handle_webhook(
    *, carrier: str, headers: Mapping[str, str], body: bytes
) -> WebhookVerdict:
    """Act on one carrier webhook, exactly as received (headers and raw body).

    Verified by the carrier (bad signature, replay, malformed: ``WebhookRefused``, 400) and
    recorded whatever the verdict. A verified event for an unknown waybill is refused (404). An
    event id already on the parcel's timeline is a ``duplicate`` (nothing changes). Otherwise,
    under a lock on the parcel, the event joins the timeline at its own time and moves the
    parcel forward only (``carrier_event_moves``); a delivered parcel may complete the order's
    delivery."""
    try:
        event = get_carrier(carrier).handle_webhook(headers=headers, body=body)
    except WebhookRefused as exc:
        _record_webhook(
            carrier=carrier, headers=headers, body=body, verdict=exc.verdict, reason=exc.message
        )
        raise
    except DomainError as exc:  # unknown or disabled carrier
        _record_webhook(
            carrier=carrier,
            headers=headers,
            body=body,
            verdict=WebhookVerdict.REJECTED,
            reason=exc.message,
        )
        raise
    booking = (
        CarrierBooking.objects.filter(carrier=carrier, waybill=event.waybill)
        .select_related("parcel")
        .first()
    )
    if booking is None:
        refusal = WebhookRefused(
            LogisticsErrorCode.UNKNOWN_WAYBILL,
            f"no {carrier} booking with waybill {event.waybill!r}",
            WebhookVerdict.REJECTED,
            status=404,
        )
        _record_webhook(
            carrier=carrier,
            headers=headers,
            body=body,
            verdict=refusal.verdict,
            reason=refusal.message,
            event=event,
        )
        raise refusal
    order_id = None
    with transaction.atomic():
        parcel = (
            Parcel.objects.select_for_update(of=("self",))
            .select_related("order_parcel", "origin_hub")
            .get(pk=booking.parcel_id)
        )
        if TrackingEvent.objects.filter(source=carrier, event_id=event.event_id).exists():
            _record_webhook(
                carrier=carrier,
                headers=headers,
                body=body,
                verdict=WebhookVerdict.DUPLICATE,
                event=event,
                reason="event already recorded",
            )
            return WebhookVerdict.DUPLICATE
        _timeline_add(
            parcel=parcel,
            status=str(event.event_type),
            description=event.description or str(event.event_type),
            place=event.place,
            source=carrier,
            occurred_at=event.occurred_at,
            event_id=event.event_id,
            data={"waybill": event.waybill, "attempt": booking.attempt},
        )
        moves = carrier_event_moves(
            status=parcel.status,
            event_type=event.event_type,
            event_attempt=booking.attempt,
            parcel_attempt=parcel.delivery_attempt,
        )
        for target in moves:
            _parcel_move(
                parcel,
                target,
                timeline=False,
                data={"carrier": carrier, "event": event.event_id, "waybill": event.waybill},
            )
        if S.DELIVERED in moves:
            order_id = parcel.order_parcel.order_id
            _order_after_parcel_end(order_id=order_id)
        _record_webhook(
            carrier=carrier,
            headers=headers,
            body=body,
            verdict=WebhookVerdict.ACCEPTED,
            event=event,
            reason=f"moved to {moves[-1]}" if moves else "timeline only",
        )
    return WebhookVerdict.ACCEPTED
