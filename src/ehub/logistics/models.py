"""Logistics tables: the network (hubs, routes), each order parcel's physical journey, manifests,
the tracking timeline, carrier bookings, received carrier webhooks and the sandbox carrier's
outbox.

Statuses change only through ``services`` (conditional updates on the status seen, audit events);
the admin shows these records read-only except the network, which is data loaded from a file.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from ehub.core import clock
from ehub.logistics.domain import HubRole, ManifestStatus, ParcelStatus, WeightCheck


class Hub(models.Model):
    """A warehouse where parcels are received, consolidated, cleared or handed to the last mile."""

    code = models.CharField(max_length=3, unique=True, help_text="three letters, e.g. KUL")
    name = models.CharField(max_length=120)
    country = models.CharField(max_length=2)
    city = models.CharField(max_length=100)
    address = models.CharField(max_length=300)
    operator = models.CharField(max_length=200, help_text="the company running the hub")
    role = models.CharField(max_length=12, choices=[(r.value, r.value) for r in HubRole])
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def place(self) -> str:
        return f"{self.name}, {self.city}, {self.country}"


class Route(models.Model):
    """Seller country → origin hub → destination market, with a transit estimate. Its corridor
    (origin country, destination) exists in the checkout's shipping rates."""

    origin_country = models.CharField(max_length=2)
    origin_hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="routes_out")
    destination_country = models.CharField(max_length=2)
    destination_hub = models.ForeignKey(
        Hub, null=True, blank=True, on_delete=models.PROTECT, related_name="routes_in"
    )
    transit_min_days = models.PositiveSmallIntegerField()
    transit_max_days = models.PositiveSmallIntegerField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["origin_country", "destination_country"]
        constraints = [
            models.UniqueConstraint(
                fields=["origin_country", "destination_country"], name="route_per_corridor"
            ),
            models.CheckConstraint(
                condition=Q(transit_min_days__gte=1)
                & Q(transit_max_days__gte=models.F("transit_min_days")),
                name="route_transit_days_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.origin_country} → {self.origin_hub_id} → {self.destination_country}"


class Manifest(models.Model):
    """A consolidation: parcels from one origin hub to one destination country under one
    master waybill."""

    waybill = models.CharField(max_length=20, unique=True, help_text="master waybill number")
    origin_hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="manifests")
    destination_country = models.CharField(max_length=2)
    status = models.CharField(
        max_length=12,
        choices=[(s.value, s.value) for s in ManifestStatus],
        default=ManifestStatus.OPEN,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    departed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["origin_hub", "status"])]

    def __str__(self) -> str:
        return f"manifest {self.waybill} · {self.origin_hub_id}→{self.destination_country}"


class Parcel(models.Model):
    """The physical journey of one order parcel (one per seller per order), from handover to
    delivery or return."""

    order_parcel = models.OneToOneField(
        "orders.OrderParcel", on_delete=models.PROTECT, related_name="logistics"
    )
    code = models.CharField(max_length=20, unique=True, help_text="the label's parcel id")
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.value) for s in ParcelStatus],
        default=ParcelStatus.AWAITING_HANDOVER,
    )
    origin_hub = models.ForeignKey(
        Hub, null=True, blank=True, on_delete=models.PROTECT, related_name="parcels"
    )
    destination_country = models.CharField(max_length=2)
    declared_weight_grams = models.PositiveIntegerField()
    measured_weight_grams = models.PositiveIntegerField(null=True, blank=True)
    weight_check = models.CharField(
        max_length=10,
        choices=[(w.value, w.value) for w in WeightCheck],
        default=WeightCheck.PENDING,
    )
    weight_note = models.CharField(max_length=300, blank=True)
    manifest = models.ForeignKey(
        Manifest, null=True, blank=True, on_delete=models.PROTECT, related_name="parcels"
    )
    hold_reason = models.TextField(blank=True)
    carrier = models.CharField(max_length=32, blank=True)
    carrier_waybill = models.CharField(max_length=40, blank=True, db_index=True)
    delivery_attempt = models.PositiveSmallIntegerField(default=0)
    refunded_at = models.DateTimeField(null=True, blank=True)
    restocked = models.BooleanField(null=True, blank=True, help_text="seller's choice on return")
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "origin_hub"]),
            models.Index(fields=["weight_check"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.status}"


class TrackingEvent(models.Model):
    """One line of a parcel's timeline: what happened, when (the event's own time), where.

    ``event_id`` is unique per source: a carrier event delivered twice is stored once."""

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="events")
    source = models.CharField(max_length=32, help_text="hub, seller, customs or a carrier's name")
    event_id = models.CharField(max_length=120)
    status = models.CharField(max_length=40)
    description = models.CharField(max_length=300)
    place = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(default=clock.now)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "event_id"], name="tracking_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.parcel_id} · {self.status} @ {self.occurred_at:%Y-%m-%d %H:%M}"


class CarrierBooking(models.Model):
    """A last-mile booking with a carrier: its waybill (tracking number) for one attempt."""

    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="bookings")
    carrier = models.CharField(max_length=32)
    waybill = models.CharField(max_length=40, unique=True)
    attempt = models.PositiveSmallIntegerField()
    booked_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-booked_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["parcel", "carrier", "attempt"], name="carrier_booking_per_attempt"
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.waybill} (attempt {self.attempt})"


class CarrierWebhook(models.Model):
    """Every carrier webhook that reached us, accepted or not, and what we made of it."""

    carrier = models.CharField(max_length=32)
    event_id = models.CharField(max_length=120, blank=True, db_index=True)
    event_type = models.CharField(max_length=40, blank=True)
    waybill = models.CharField(max_length=40, blank=True)
    verdict = models.CharField(max_length=20)
    reason = models.CharField(max_length=300, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body_sha256 = models.CharField(max_length=64)
    body_size = models.PositiveIntegerField()
    received_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.carrier} webhook {self.event_id or '?'} · {self.verdict}"


class SandboxCarrierEventStatus(models.TextChoices):
    SCHEDULED = "scheduled", "scheduled"  # not yet "happened": released by advancing the sandbox
    PENDING = "pending", "pending"  # released; to be delivered (after commit, or by the command)
    DELIVERED = "delivered", "delivered"


class SandboxCarrierEvent(models.Model):
    """The sandbox carrier's outbox: one tracking webhook it owes ehub. Booking schedules the
    whole journey; advancing releases the next step; delivery signs and hands the body to the
    same service the HTTP webhook endpoint calls. A duplicate delivery is a second row with the
    same body (same event id)."""

    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="+")
    waybill = models.CharField(max_length=40, db_index=True)
    delivery_key = models.CharField(max_length=140, unique=True)
    event_id = models.CharField(max_length=120, db_index=True)
    event_type = models.CharField(max_length=40)
    step = models.PositiveSmallIntegerField()
    body = models.TextField()
    status = models.CharField(
        max_length=12,
        choices=SandboxCarrierEventStatus.choices,
        default=SandboxCarrierEventStatus.SCHEDULED,
        db_index=True,
    )
    release_order = models.PositiveIntegerField(default=0, help_text="delivery order when pending")
    attempts = models.PositiveIntegerField(default=0)
    last_result = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["waybill", "step", "id"]

    def __str__(self) -> str:
        return f"sandbox carrier {self.event_id} · {self.event_type} · {self.status}"
