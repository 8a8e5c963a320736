"""The sandbox carrier: a real, local last-mile carrier for development, tests and demos.

- ``book`` issues a UPU S10-shaped waybill (``LX`` + 8 digits + check digit + destination, e.g.
  ``LX000000120MY``) and schedules the whole journey as ``SandboxCarrierEvent`` outbox rows, in
  the booking's transaction: accepted → in transit → arrived at destination → out for delivery →
  delivered, or ``delivery_failed`` instead of delivered when the recipient's name contains
  ``EHUB_LOGISTICS_SANDBOX_FAIL_MARKER`` (default ``[not home]``) or the postal code is in
  ``EHUB_LOGISTICS_SANDBOX_FAIL_POSTAL_CODES``, for the first
  ``EHUB_LOGISTICS_SANDBOX_FAILED_ATTEMPTS`` attempts (default 1; a redelivery then succeeds).
  A redelivery attempt schedules out for delivery → delivered (or failed).
- Nothing depends on the wall clock: the first event (accepted) is released at booking; every
  later one is released by **advancing** the sandbox (``sandbox_carrier_advance``, ``ehub
  logistics advance-sandbox``). Each event carries its own realistic time (hours after booking).
- Released rows are delivered after commit: signed ``Ehub-Signature: t=<unix>,v1=<hmac>`` and
  handed, as headers and raw body, to ``carrier_handle_webhook``, the service the HTTP endpoint
  ``POST /api/v1/logistics/carriers/sandbox/webhook`` calls. Undelivered rows are retried by
  ``ehub logistics deliver-events``.
- On purpose, when configured: ``EHUB_LOGISTICS_SANDBOX_DUPLICATES`` delivers every event twice;
  ``EHUB_LOGISTICS_SANDBOX_OUT_OF_ORDER`` delivers events released together newest first.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import uuid
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from ehub.core import clock
from ehub.core.errors import DomainError
from ehub.core.outbox import outbox_attempt
from ehub.logistics.carriers import (
    CarrierBookingResult,
    CarrierEvent,
    WebhookRefused,
    WebhookVerdict,
)
from ehub.logistics.domain import CarrierEventType, s10_waybill
from ehub.logistics.errors import LogisticsErrorCode
from ehub.logistics.models import Parcel, SandboxCarrierEvent, SandboxCarrierEventStatus
from ehub.payments.domain import (
    SIGNATURE_HEADER,
    CallbackRefused,
    CallbackVerdict,
    header_get,
    signature_header,
    signature_verify,
)

logger = logging.getLogger(__name__)

SANDBOX = "sandbox"
USER_AGENT = "ehub-sandbox-carrier/1"
E = CarrierEventType

# (event, hours after booking, what the carrier says); the last step is delivered or failed.
FIRST_ATTEMPT: tuple[tuple[CarrierEventType, int, str], ...] = (
    (E.ACCEPTED, 2, "Accepted by the carrier at the destination hub"),
    (E.IN_TRANSIT, 10, "In transit to the delivery depot"),
    (E.ARRIVED_AT_DESTINATION, 20, "Arrived at the delivery depot"),
    (E.OUT_FOR_DELIVERY, 26, "Out for delivery"),
)
REDELIVERY: tuple[tuple[CarrierEventType, int, str], ...] = (
    (E.OUT_FOR_DELIVERY, 18, "Out for delivery again"),
)
# The last step, 4 hours after out for delivery.
DELIVERED = (E.DELIVERED, "Delivered")
FAILED = (E.DELIVERY_FAILED, "Delivery failed: nobody at the address; a card was left")

_VERDICTS = {
    CallbackVerdict.BAD_SIGNATURE: (WebhookVerdict.BAD_SIGNATURE, LogisticsErrorCode.BAD_SIGNATURE),
    CallbackVerdict.REPLAYED: (WebhookVerdict.REPLAYED, LogisticsErrorCode.REPLAYED),
}


def _malformed(message: str) -> WebhookRefused:
    return WebhookRefused(LogisticsErrorCode.MALFORMED_WEBHOOK, message, WebhookVerdict.MALFORMED)


def delivery_fails(*, recipient_name: str, postal_code: str, attempt: int) -> bool:
    """The sandbox's documented failure rule (see the module docstring)."""
    if attempt > settings.EHUB_LOGISTICS_SANDBOX_FAILED_ATTEMPTS:
        return False
    marker = settings.EHUB_LOGISTICS_SANDBOX_FAIL_MARKER.strip().lower()
    marked = bool(marker) and marker in (recipient_name or "").lower()
    return marked or (postal_code or "") in settings.EHUB_LOGISTICS_SANDBOX_FAIL_POSTAL_CODES


class SandboxCarrier:
    """The built-in carrier. Refused (404) when ``EHUB_LOGISTICS_SANDBOX_ENABLED`` is off."""

    name = SANDBOX

    def __init__(self) -> None:
        if not settings.EHUB_LOGISTICS_SANDBOX_ENABLED:
            raise DomainError(
                LogisticsErrorCode.CARRIER_DISABLED,
                "the sandbox carrier is disabled (EHUB_LOGISTICS_SANDBOX_ENABLED=0)",
                {"carrier": SANDBOX},
                status=404,
            )

    def book(self, *, parcel: Parcel, attempt: int) -> CarrierBookingResult:
        order = parcel.order_parcel.order
        waybill = s10_waybill(
            service="LX", number=parcel.pk * 10 + attempt, country=parcel.destination_country
        )
        fails = delivery_fails(
            recipient_name=getattr(order, "recipient_name", "") or order.buyer_name,
            postal_code=order.postal_code,
            attempt=attempt,
        )
        journey = FIRST_ATTEMPT if attempt == 1 else REDELIVERY
        last_type, last_description = FAILED if fails else DELIVERED
        steps = (*journey, (last_type, journey[-1][1] + 4, last_description))
        booked_at = clock.now()
        place = ", ".join(p for p in (getattr(order, "city", ""), order.country) if p)
        copies = 2 if settings.EHUB_LOGISTICS_SANDBOX_DUPLICATES else 1
        rows = []
        for step, (event_type, hours, description) in enumerate(steps, start=1):
            event_id = f"sbxevt_{uuid.uuid4().hex}"
            body = _body(
                event_id=event_id,
                event_type=event_type,
                waybill=waybill,
                attempt=attempt,
                occurred_at=booked_at + dt.timedelta(hours=hours),
                place=place,
                description=description,
            )
            for copy in range(1, copies + 1):
                rows.append(
                    SandboxCarrierEvent(
                        parcel=parcel,
                        waybill=waybill,
                        delivery_key=f"{event_id}#{copy}",
                        event_id=event_id,
                        event_type=event_type,
                        step=step,
                        body=body,
                    )
                )
        SandboxCarrierEvent.objects.bulk_create(rows)
        _release(waybill=waybill, steps=1)  # the carrier accepts the parcel at once
        return CarrierBookingResult(waybill=waybill)

    def track(self, *, waybill: str) -> list[CarrierEvent]:
        seen: dict[str, CarrierEvent] = {}
        for row in SandboxCarrierEvent.objects.filter(
            waybill=waybill, status=SandboxCarrierEventStatus.DELIVERED
        ).order_by("step", "id"):
            seen.setdefault(row.event_id, _event_from_body(row.body.encode(), signed_at=0))
        return sorted(seen.values(), key=lambda e: e.occurred_at)

    def handle_webhook(self, *, headers: Mapping[str, str], body: bytes) -> CarrierEvent:
        try:
            signed_at = signature_verify(
                header=header_get(headers, SIGNATURE_HEADER),
                body=body,
                secret=settings.EHUB_LOGISTICS_SANDBOX_SECRET,
                now=int(clock.now().timestamp()),
                tolerance_seconds=settings.EHUB_LOGISTICS_SIGNATURE_TOLERANCE_SECONDS,
            )
        except CallbackRefused as exc:  # payments' signature check, in logistics' words
            verdict, code = _VERDICTS[exc.verdict]
            raise WebhookRefused(code, exc.message, verdict) from None
        return _event_from_body(body, signed_at=signed_at)


def _body(
    *,
    event_id: str,
    event_type: CarrierEventType,
    waybill: str,
    attempt: int,
    occurred_at: dt.datetime,
    place: str,
    description: str,
) -> str:
    return json.dumps(
        {
            "id": event_id,
            "type": str(event_type),
            "data": {
                "waybill": waybill,
                "attempt": attempt,
                "occurred_at": occurred_at.isoformat(),
                "place": place,
                "description": description,
            },
        },
        separators=(",", ":"),
        sort_keys=True,
    )


def _event_from_body(body: bytes, *, signed_at: int) -> CarrierEvent:
    try:
        event = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _malformed("the webhook body is not JSON") from None
    if not isinstance(event, dict) or not isinstance(event.get("data"), dict):
        raise _malformed("the webhook body needs an object with id, type and data")
    data: dict[str, Any] = event["data"]
    event_id, event_type = event.get("id"), event.get("type")
    if not isinstance(event_id, str) or not event_id or len(event_id) > 120:
        raise _malformed("the webhook has no event id")
    if event_type not in {t.value for t in CarrierEventType}:
        raise _malformed(f"unknown event type {event_type!r}")
    waybill = data.get("waybill")
    if not isinstance(waybill, str) or not waybill or len(waybill) > 40:
        raise _malformed("the webhook has no waybill")
    try:
        occurred_at = dt.datetime.fromisoformat(str(data.get("occurred_at")))
    except ValueError:
        raise _malformed("occurred_at must be an ISO 8601 time") from None
    if occurred_at.tzinfo is None:
        raise _malformed("occurred_at needs a UTC offset")
    return CarrierEvent(
        event_id=event_id,
        event_type=CarrierEventType(event_type),
        waybill=waybill,
        occurred_at=occurred_at,
        place=str(data.get("place") or "")[:200],
        description=str(data.get("description") or "")[:300],
        signed_at=signed_at,
    )


def sandbox_signed_headers(*, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers the sandbox carrier sends with ``body``, signed now (or at ``timestamp``)."""
    signed_at = int(clock.now().timestamp()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature_header(
            secret=settings.EHUB_LOGISTICS_SANDBOX_SECRET, timestamp=signed_at, body=body
        ),
    }


# -- advancing the journey -------------------------------------------------------------------------
def _release(*, waybill: str, steps: int) -> list[int]:
    """Release the next ``steps`` scheduled steps of ``waybill`` (inside the caller's
    transaction) and queue their delivery after commit. Returns the released row ids in
    delivery order."""
    scheduled = list(
        SandboxCarrierEvent.objects.filter(
            waybill=waybill, status=SandboxCarrierEventStatus.SCHEDULED
        ).order_by("step", "id")
    )
    next_steps = sorted({row.step for row in scheduled})[:steps]
    batch = [row for row in scheduled if row.step in next_steps]
    if settings.EHUB_LOGISTICS_SANDBOX_OUT_OF_ORDER:
        batch.sort(key=lambda row: (-row.step, row.id))
    top = SandboxCarrierEvent.objects.aggregate(top=Max("release_order"))["top"] or 0
    ids = []
    for offset, row in enumerate(batch, start=1):
        SandboxCarrierEvent.objects.filter(
            pk=row.pk, status=SandboxCarrierEventStatus.SCHEDULED
        ).update(status=SandboxCarrierEventStatus.PENDING, release_order=top + offset)
        ids.append(row.pk)
    if ids:
        transaction.on_commit(functools.partial(_deliver_many, tuple(ids)))
    return ids


def _deliver_many(ids: tuple[int, ...]) -> None:
    for row_id in ids:
        sandbox_carrier_event_deliver(row_id)


def sandbox_carrier_advance(*, waybill: str | None = None, steps: int = 1) -> list[int]:
    """Let ``steps`` more steps of the journey happen, for one waybill or for every waybill with
    scheduled events; delivered after commit. Returns the released row ids."""
    if steps < 1:
        raise DomainError(
            LogisticsErrorCode.INVALID_INPUT,
            "steps must be at least 1",
            {"steps": steps},
            status=422,
        )
    with transaction.atomic():
        waybills = (
            [waybill]
            if waybill
            else list(
                SandboxCarrierEvent.objects.filter(status=SandboxCarrierEventStatus.SCHEDULED)
                .order_by("waybill")
                .values_list("waybill", flat=True)
                .distinct()
            )
        )
        released: list[int] = []
        for each in waybills:
            released += _release(waybill=each, steps=steps)
    return released


# -- delivering ------------------------------------------------------------------------------------
def sandbox_carrier_event_deliver(row_id: int) -> str:
    """Deliver one released event to ehub, in-process, exactly as the HTTP endpoint would get it.
    Returns a one-line result; never raises (it runs after commit): a failure leaves the row
    pending for ``ehub logistics deliver-events``."""
    from ehub.logistics.services import carrier_handle_webhook

    row = SandboxCarrierEvent.objects.filter(pk=row_id).first()
    if row is None or row.status != SandboxCarrierEventStatus.PENDING:
        return "nothing to deliver"
    body = row.body.encode("utf-8")
    return outbox_attempt(
        row=row,
        send=lambda: carrier_handle_webhook(
            carrier=SANDBOX, headers=sandbox_signed_headers(body=body), body=body
        ),
        delivered_status=SandboxCarrierEventStatus.DELIVERED,
        pending_status=SandboxCarrierEventStatus.PENDING,
        what=f"sandbox carrier event {row.event_id}",
    )


def sandbox_carrier_deliver_pending(*, limit: int | None = None) -> list[tuple[str, str]]:
    """(Re)deliver every released, undelivered event in release order: ``[(event id, result)]``."""
    pending = SandboxCarrierEvent.objects.filter(status=SandboxCarrierEventStatus.PENDING).order_by(
        "release_order", "id"
    )
    if limit is not None:
        pending = pending[:limit]
    return [(row.event_id, sandbox_carrier_event_deliver(row.pk)) for row in list(pending)]
