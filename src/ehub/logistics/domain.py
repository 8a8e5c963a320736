"""Logistics' pure rules (no ORM): the parcel and manifest pipelines, the weight tolerance, the
network file's validation, waybill numbers, and how a carrier's tracking event moves a parcel.

Everything here is a function of its arguments (settings and clock are passed in), so it is
tested without a database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pycountry

from ehub.core.errors import Conflict, DomainError
from ehub.logistics.errors import LogisticsErrorCode


# -- the parcel pipeline ---------------------------------------------------------------------------
class ParcelStatus(StrEnum):
    AWAITING_HANDOVER = "awaiting_handover"  # paid; the seller has not brought it yet
    HANDED_OVER = "handed_over"  # the seller says it went to the origin hub
    RECEIVED_AT_HUB = "received_at_hub"  # scanned in and weighed at the origin hub
    MANIFESTED = "manifested"  # on an open or closed manifest (master waybill)
    DEPARTED = "departed"  # the manifest left the origin hub
    AT_CUSTOMS = "at_customs"  # declaration submitted at destination
    HELD = "held"  # customs (or a declaration problem) holds it
    CLEARED = "cleared"  # released by customs; the last mile is booked
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    DELIVERY_FAILED = "delivery_failed"
    RETURNING = "returning"  # on its way back to the seller (buyer refunded)
    RETURNED = "returned"  # back with the seller


P = ParcelStatus
TRANSITIONS: dict[ParcelStatus, frozenset[ParcelStatus]] = {
    P.AWAITING_HANDOVER: frozenset({P.HANDED_OVER}),
    P.HANDED_OVER: frozenset({P.RECEIVED_AT_HUB}),
    P.RECEIVED_AT_HUB: frozenset({P.MANIFESTED}),
    # Taken off a manifest that has not departed: back to the hub's floor.
    P.MANIFESTED: frozenset({P.DEPARTED, P.RECEIVED_AT_HUB}),
    # A declaration that cannot even be prepared holds the parcel at once.
    P.DEPARTED: frozenset({P.AT_CUSTOMS, P.HELD}),
    P.AT_CUSTOMS: frozenset({P.HELD, P.CLEARED, P.RETURNING}),
    P.HELD: frozenset({P.AT_CUSTOMS, P.CLEARED, P.RETURNING}),
    P.CLEARED: frozenset({P.OUT_FOR_DELIVERY}),
    P.OUT_FOR_DELIVERY: frozenset({P.DELIVERED, P.DELIVERY_FAILED}),
    P.DELIVERY_FAILED: frozenset({P.OUT_FOR_DELIVERY, P.RETURNING}),
    P.RETURNING: frozenset({P.RETURNED}),
    P.DELIVERED: frozenset(),
    P.RETURNED: frozenset(),
}
# Parcels in these states no longer count for "is the order delivered?" (the buyer was refunded).
RETURN_STATES = frozenset({P.RETURNING, P.RETURNED})
# What the hub's exception list shows.
EXCEPTION_STATES = frozenset({P.HELD, P.DELIVERY_FAILED})


class IllegalParcelMove(Conflict):
    def __init__(self, current: str, target: str, *, code: str = "") -> None:
        super().__init__(
            f"a parcel cannot go from {current} to {target}",
            {
                "from": current,
                "to": target,
                "allowed": sorted(TRANSITIONS.get(ParcelStatus(current), ())),
                **({"parcel": code} if code else {}),
            },
            code=LogisticsErrorCode.ILLEGAL_TRANSITION,
        )


def parcel_move_check(current: str, target: str, *, code: str = "") -> ParcelStatus:
    """``target`` if the pipeline allows ``current → target``; else a 409 domain error."""
    if ParcelStatus(target) not in TRANSITIONS[ParcelStatus(current)]:
        raise IllegalParcelMove(current, target, code=code)
    return ParcelStatus(target)


class WeightCheck(StrEnum):
    PENDING = "pending"  # not weighed yet
    OK = "ok"  # within the tolerance
    FLAGGED = "flagged"  # outside it: an exception until an operator accepts it
    ACCEPTED = "accepted"  # flagged, then accepted by an operator (with a note)


# -- the manifest pipeline -------------------------------------------------------------------------
class ManifestStatus(StrEnum):
    OPEN = "open"  # parcels may be added and removed
    CLOSED = "closed"  # sealed: exported, waiting for the flight/truck
    DEPARTED = "departed"  # left the origin hub; customs declarations submitted


M = ManifestStatus
MANIFEST_TRANSITIONS: dict[ManifestStatus, frozenset[ManifestStatus]] = {
    M.OPEN: frozenset({M.CLOSED}),
    M.CLOSED: frozenset({M.DEPARTED}),
    M.DEPARTED: frozenset(),
}


def manifest_move_check(current: str, target: str) -> ManifestStatus:
    if ManifestStatus(target) not in MANIFEST_TRANSITIONS[ManifestStatus(current)]:
        raise Conflict(
            f"a manifest cannot go from {current} to {target}",
            {
                "from": current,
                "to": target,
                "allowed": sorted(MANIFEST_TRANSITIONS[ManifestStatus(current)]),
            },
            code=LogisticsErrorCode.MANIFEST_ILLEGAL_TRANSITION,
        )
    return ManifestStatus(target)


# -- weighing --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WeightVerdict:
    within: bool
    difference_grams: int  # measured - declared (signed)
    allowed_grams: int  # the tolerance for this parcel, rounded down to the gram


def weight_verdict(
    *, declared_grams: int, measured_grams: int, tolerance_percent: int, minimum_grams: int
) -> WeightVerdict:
    """Within tolerance when ``|measured - declared| <= max(declared × percent / 100, minimum)``:
    at the tolerance is within, one gram over is flagged. Integer arithmetic only (no float
    rounding at the boundary)."""
    difference = measured_grams - declared_grams
    gap = abs(difference)
    within = gap <= minimum_grams or gap * 100 <= declared_grams * tolerance_percent
    allowed = max(declared_grams * tolerance_percent // 100, minimum_grams)
    return WeightVerdict(within=within, difference_grams=difference, allowed_grams=allowed)


# -- carrier tracking events -----------------------------------------------------------------------
class CarrierEventType(StrEnum):
    ACCEPTED = "accepted"  # the last-mile carrier took the parcel at the destination hub
    IN_TRANSIT = "in_transit"
    ARRIVED_AT_DESTINATION = "arrived_at_destination"  # at the delivery depot
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    DELIVERY_FAILED = "delivery_failed"


CARRIER_EVENT_TARGET: dict[CarrierEventType, ParcelStatus | None] = {
    CarrierEventType.ACCEPTED: None,
    CarrierEventType.IN_TRANSIT: None,
    CarrierEventType.ARRIVED_AT_DESTINATION: None,
    CarrierEventType.OUT_FOR_DELIVERY: P.OUT_FOR_DELIVERY,
    CarrierEventType.DELIVERED: P.DELIVERED,
    CarrierEventType.DELIVERY_FAILED: P.DELIVERY_FAILED,
}
# How far along the last mile a parcel status is (the states a carrier event may move).
_LAST_MILE_RANK: dict[ParcelStatus, int] = {
    P.CLEARED: 0,
    P.OUT_FOR_DELIVERY: 1,
    P.DELIVERED: 2,
    P.DELIVERY_FAILED: 2,
}


def carrier_event_moves(
    *, status: str, event_type: str, event_attempt: int, parcel_attempt: int
) -> list[ParcelStatus]:
    """The parcel moves a carrier event causes, in order; ``[]`` when it only joins the timeline.

    Order-independent: an event never moves a parcel backwards (a late ``out_for_delivery``
    after ``delivered`` changes nothing), and one that skips ahead goes through the states in
    between (``delivered`` before ``out_for_delivery`` arrived: cleared → out_for_delivery →
    delivered). An event of an earlier delivery attempt changes nothing either."""
    target = CARRIER_EVENT_TARGET[CarrierEventType(event_type)]
    current = ParcelStatus(status)
    if target is None or event_attempt != parcel_attempt or current not in _LAST_MILE_RANK:
        return []
    if _LAST_MILE_RANK[target] <= _LAST_MILE_RANK[current]:
        return []
    moves: list[ParcelStatus] = []
    if current is P.CLEARED and target is not P.OUT_FOR_DELIVERY:
        moves.append(P.OUT_FOR_DELIVERY)
    moves.append(target)
    return moves


# -- waybill numbers -------------------------------------------------------------------------------
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_check_digit(serial: str) -> int:
    """The UPU S10 check digit of an 8-digit serial (weights 8 6 4 2 3 5 9 7, mod 11)."""
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError("an S10 serial is 8 digits")
    check = 11 - sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(check, check)


def s10_waybill(*, service: str, number: int, country: str) -> str:
    """A UPU S10 item id: 2 service letters, 8 digits, the check digit, the ISO country —
    ``LX000000125MY``."""
    serial = f"{number % 100_000_000:08d}"
    return f"{service}{serial}{s10_check_digit(serial)}{country}"


MASTER_WAYBILL_PREFIX = "999"  # no airline: ehub's own consolidation prefix


def master_waybill_number(serial: int) -> str:
    """An air-waybill-shaped master waybill: prefix, 7-digit serial, and its mod-7 check digit
    (``999-00000427``, as IATA numbers are checked)."""
    serial %= 10_000_000
    return f"{MASTER_WAYBILL_PREFIX}-{serial:07d}{serial % 7}"


# -- the network file ------------------------------------------------------------------------------
class HubRole(StrEnum):
    ORIGIN = "origin"
    DESTINATION = "destination"
    BOTH = "both"


@dataclass(frozen=True)
class HubSpec:
    code: str
    name: str
    country: str
    city: str
    address: str
    operator: str
    role: HubRole


@dataclass(frozen=True)
class RouteSpec:
    origin_country: str
    origin_hub: str
    destination_country: str
    destination_hub: str | None
    transit_min_days: int
    transit_max_days: int


@dataclass(frozen=True)
class Network:
    source: str
    hubs: tuple[HubSpec, ...]
    routes: tuple[RouteSpec, ...]


def _country(value: Any) -> bool:
    return isinstance(value, str) and pycountry.countries.get(alpha_2=value) is not None


def network_parse(
    data: dict[str, Any], *, corridors: Iterable[tuple[str, str]], file: str = "network"
) -> Network:
    """Validate the network file's content; every problem is listed in one 422 error.

    ``corridors`` are the checkout's shipping-rate corridors (origin, destination): a route
    without one could never have been sold, so it is refused."""
    problems: list[str] = []
    known_corridors = set(corridors)
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append("top level: source (where these figures come from) is required")
    hubs: dict[str, HubSpec] = {}
    for code, body in (data.get("hubs") or {}).items():
        where = f"hubs.{code}"
        if not (isinstance(code, str) and len(code) == 3 and code.isalpha() and code.isupper()):
            problems.append(f"{where}: a hub code is three capital letters")
            continue
        if not isinstance(body, dict):
            problems.append(f"{where}: must be a table")
            continue
        missing = [
            k
            for k in ("name", "country", "city", "address", "operator", "role")
            if not isinstance(body.get(k), str) or not body.get(k, "").strip()
        ]
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
            continue
        if not _country(body["country"]):
            problems.append(f"{where}: country {body['country']!r} is not an ISO 3166 code")
            continue
        if body["role"] not in {r.value for r in HubRole}:
            problems.append(f"{where}: role must be origin, destination or both")
            continue
        hubs[code] = HubSpec(
            code=code,
            name=body["name"].strip(),
            country=body["country"],
            city=body["city"].strip(),
            address=body["address"].strip(),
            operator=body["operator"].strip(),
            role=HubRole(body["role"]),
        )
    if not hubs and not any(p.startswith("hubs.") for p in problems):
        problems.append("hubs: at least one hub is required")
    destination_hubs: dict[str, str] = {}
    for country, code in (data.get("destination_hubs") or {}).items():
        where = f"destination_hubs.{country}"
        if not _country(country):
            problems.append(f"{where}: not an ISO 3166 country code")
        elif code not in hubs:
            problems.append(f"{where}: no hub {code!r}")
        elif hubs[code].role is HubRole.ORIGIN:
            problems.append(f"{where}: hub {code} is an origin-only hub")
        else:
            destination_hubs[country] = code
    routes: dict[tuple[str, str], RouteSpec] = {}
    for index, body in enumerate(data.get("routes") or []):
        where = f"routes[{index}]"
        if not isinstance(body, dict):
            problems.append(f"{where}: must be a table")
            continue
        hub = body.get("hub")
        if hub not in hubs:
            problems.append(f"{where}: no hub {hub!r}")
            continue
        if hubs[hub].role is HubRole.DESTINATION:
            problems.append(f"{where}: hub {hub} is a destination-only hub")
            continue
        origins = body.get("from")
        if not isinstance(origins, list) or not origins:
            problems.append(f"{where}: from is a list of seller countries")
            continue
        destinations = body.get("to")
        if not isinstance(destinations, dict) or not destinations:
            problems.append(f"{where}: to is a table destination = [min days, max days]")
            continue
        for origin in origins:
            if not _country(origin):
                problems.append(f"{where}: from {origin!r} is not an ISO 3166 country code")
                continue
            for destination, days in destinations.items():
                at = f"{where}: {origin}→{destination}"
                if destination == origin:
                    continue  # a shared table for several origins: domestic pairs are skipped
                if not _country(destination):
                    problems.append(f"{at}: the destination is not an ISO 3166 country code")
                    continue
                if (
                    not isinstance(days, list)
                    or len(days) != 2
                    or not all(isinstance(d, int) and not isinstance(d, bool) for d in days)
                    or not 1 <= days[0] <= days[1] <= 90
                ):
                    problems.append(f"{at}: transit days are [min, max] with 1 <= min <= max <= 90")
                    continue
                if (origin, destination) not in known_corridors:
                    problems.append(f"{at}: checkout has no shipping-rate corridor for it")
                    continue
                if (origin, destination) in routes:
                    problems.append(f"{at}: a second route for the same corridor")
                    continue
                routes[(origin, destination)] = RouteSpec(
                    origin_country=origin,
                    origin_hub=hub,
                    destination_country=destination,
                    destination_hub=destination_hubs.get(destination),
                    transit_min_days=days[0],
                    transit_max_days=days[1],
                )
    if problems:
        raise DomainError(
            LogisticsErrorCode.NETWORK_INVALID,
            f"{file}: {problems[0]}" + (f" (and {len(problems) - 1} more)" if problems[1:] else ""),
            {"problems": problems},
            status=422,
        )
    return Network(
        source=str(source).strip(),
        hubs=tuple(hubs.values()),
        routes=tuple(routes[key] for key in sorted(routes)),
    )
