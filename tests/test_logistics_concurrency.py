"""Hub operations under real concurrency (PostgreSQL): threads, each with its own connection,
released together. SQLite serialises writers, so these only mean something on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

from ehub.core.errors import Conflict
from ehub.core.models import AuditEvent
from ehub.core.tests.concurrency import race
from ehub.logistics.carriers import WebhookVerdict
from ehub.logistics.domain import ParcelStatus
from ehub.logistics.models import Parcel, SandboxCarrierEvent, TrackingEvent
from ehub.logistics.sandbox_carrier import sandbox_signed_headers
from ehub.logistics.services import (
    carrier_book,
    carrier_handle_webhook,
    parcel_hand_over,
    parcel_scan_in,
)
from ehub.logistics.tests.helpers import shipment

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrency needs PostgreSQL: SQLite serialises writers and ignores "
        "select_for_update (run with DATABASE_URL=postgres://...)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_concurrent_scans_of_the_same_parcel_move_it_once():
    s = shipment()
    parcel_hand_over(seller=s.seller, code=s.code)

    results = race(lambda i: parcel_scan_in(code=s.code, weight_grams=500 + i * 300), threads=2)

    moved = [r for r in results if isinstance(r, Parcel)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(moved) == 1, results
    assert len(refused) == 1, refused
    assert isinstance(refused[0], Conflict), refused
    parcel = Parcel.objects.get(pk=s.parcel.pk)
    assert parcel.status == ParcelStatus.RECEIVED_AT_HUB
    assert parcel.measured_weight_grams == moved[0].measured_weight_grams
    assert AuditEvent.objects.filter(tag="parcel:status:received_at_hub").count() == 1
    assert TrackingEvent.objects.filter(parcel=parcel, status="received_at_hub").count() == 1


def test_the_same_carrier_event_delivered_ten_times_at_once_is_recorded_once():
    s = shipment()
    Parcel.objects.filter(pk=s.parcel.pk).update(status=ParcelStatus.CLEARED)
    carrier_book(parcel=Parcel.objects.get(pk=s.parcel.pk))
    parcel = Parcel.objects.get(pk=s.parcel.pk)
    body = SandboxCarrierEvent.objects.get(
        waybill=parcel.carrier_waybill, step=5
    ).body.encode()  # delivered

    results = race(
        lambda i: carrier_handle_webhook(
            carrier="sandbox", headers=sandbox_signed_headers(body=body), body=body
        ),
        threads=10,
    )

    assert sorted(map(str, results)) == ["accepted"] + ["duplicate"] * 9, results
    assert results.count(WebhookVerdict.ACCEPTED) == 1
    assert Parcel.objects.get(pk=parcel.pk).status == ParcelStatus.DELIVERED
    assert TrackingEvent.objects.filter(parcel=parcel, status="delivered").count() == 1
    assert AuditEvent.objects.filter(tag="parcel:status:delivered").count() == 1
