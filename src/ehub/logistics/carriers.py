"""Carriers behind one Protocol, and the registry that names them (like payments' providers).

A carrier does three things: book a parcel's last mile (a waybill back), tell where a waybill is
(``track``), and read and verify its own signed webhooks (``handle_webhook``). ``services`` does
the rest (recording, dedupe, parcel moves, the order). The sandbox carrier
(``ehub.logistics.sandbox_carrier``) is the built-in, working implementation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ehub.core.errors import DomainError
from ehub.logistics.domain import CarrierEventType
from ehub.logistics.errors import LogisticsErrorCode

if TYPE_CHECKING:
    from ehub.logistics.models import Parcel


class WebhookVerdict(StrEnum):
    ACCEPTED = "accepted"  # verified and applied (timeline, maybe a parcel move)
    DUPLICATE = "duplicate"  # verified; that event id was already recorded: nothing changed
    BAD_SIGNATURE = "bad_signature"
    REPLAYED = "replayed"  # signature right, timestamp outside the tolerance
    MALFORMED = "malformed"
    REJECTED = "rejected"  # signed, but for a waybill we do not know (or a disabled carrier)


class WebhookRefused(DomainError):
    """A webhook we will not act on (400 unless said otherwise); ``verdict`` is recorded."""

    def __init__(
        self, code: str, message: str, verdict: WebhookVerdict, *, status: int = 400
    ) -> None:
        super().__init__(code, message, {"verdict": str(verdict)}, status=status)
        self.verdict = verdict


@dataclass(frozen=True)
class CarrierBookingResult:
    waybill: str


@dataclass(frozen=True)
class CarrierEvent:
    """A verified tracking event in the carrier-neutral shape ``services`` acts on."""

    event_id: str
    event_type: CarrierEventType
    waybill: str
    occurred_at: dt.datetime
    place: str
    description: str
    signed_at: int


@runtime_checkable
class Carrier(Protocol):
    name: str

    def book(self, *, parcel: Parcel, attempt: int) -> CarrierBookingResult:
        """Book ``parcel``'s last mile (delivery attempt ``attempt``); called inside the
        service's transaction, so whatever the carrier writes commits with the booking."""
        ...

    def track(self, *, waybill: str) -> list[CarrierEvent]:
        """What the carrier knows about ``waybill`` so far (events already sent), oldest first."""
        ...

    def handle_webhook(self, *, headers: Mapping[str, str], body: bytes) -> CarrierEvent:
        """Verify and parse one webhook exactly as received over HTTP; ``WebhookRefused``
        (bad_signature, replayed, malformed) for anything else."""
        ...


_factories: dict[str, Callable[[], Carrier]] = {}


def register_carrier(name: str, factory: Callable[[], Carrier]) -> None:
    _factories[name] = factory


def unregister_carrier(name: str) -> None:
    _factories.pop(name, None)


def carrier_names() -> list[str]:
    _register_builtins()
    return sorted(_factories)


def get_carrier(name: str) -> Carrier:
    """The carrier called ``name``; a 404 domain error for an unknown one."""
    _register_builtins()
    factory = _factories.get(name)
    if factory is None:
        raise DomainError(
            LogisticsErrorCode.UNKNOWN_CARRIER,
            f"no carrier called {name!r}",
            {"carrier": name, "known": sorted(_factories)},
            status=404,
        )
    return factory()


def _register_builtins() -> None:
    if "sandbox" not in _factories:
        from ehub.logistics.sandbox_carrier import SandboxCarrier

        _factories["sandbox"] = SandboxCarrier
