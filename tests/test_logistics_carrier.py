"""The sandbox carrier and carrier webhooks: signatures, replays, malformed bodies, unknown
waybills, duplicates and out-of-order events (idempotent, never backwards), the outbox retried
by ``ehub logistics deliver-events``, and the Protocol."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from ehub.core import clock
from ehub.logistics.carriers import Carrier, carrier_names, get_carrier
from ehub.logistics.domain import ParcelStatus
from ehub.logistics.models import (
    CarrierBooking,
    CarrierWebhook,
    Parcel,
    SandboxCarrierEvent,
    TrackingEvent,
)
from ehub.logistics.sandbox_carrier import (
    SandboxCarrier,
    sandbox_carrier_advance,
    sandbox_signed_headers,
)
from ehub.logistics.services import carrier_book
from ehub.logistics.tests.helpers import post_webhook, shipment
from ehub.payments.domain import signature_header

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(django_capture_on_commit_callbacks):
    """A parcel customs cleared (set directly: customs is tested elsewhere), booked with the
    sandbox carrier; its first event (accepted) delivered."""
    s = shipment()
    Parcel.objects.filter(pk=s.parcel.pk).update(status=ParcelStatus.CLEARED)
    parcel = Parcel.objects.get(pk=s.parcel.pk)
    with django_capture_on_commit_callbacks(execute=True):
        carrier_book(parcel=parcel)
    return Parcel.objects.get(pk=s.parcel.pk)


def event_body(parcel: Parcel, step: int) -> bytes:
    return (
        SandboxCarrierEvent.objects.filter(waybill=parcel.carrier_waybill, step=step)
        .first()
        .body.encode()
    )


def statuses(parcel: Parcel) -> list[str]:
    return list(
        TrackingEvent.objects.filter(parcel=parcel, source="sandbox").values_list(
            "status", flat=True
        )
    )


def test_the_sandbox_is_a_carrier_and_booking_schedules_the_journey(booked):
    assert isinstance(SandboxCarrier(), Carrier)
    assert "sandbox" in carrier_names()
    rows = list(SandboxCarrierEvent.objects.filter(waybill=booked.carrier_waybill))
    assert [r.event_type for r in rows] == [
        "accepted",
        "in_transit",
        "arrived_at_destination",
        "out_for_delivery",
        "delivered",
    ]
    assert [r.status for r in rows] == ["delivered"] + ["scheduled"] * 4
    assert CarrierBooking.objects.get().waybill == booked.carrier_waybill
    assert statuses(booked) == ["accepted"]
    tracked = get_carrier("sandbox").track(waybill=booked.carrier_waybill)
    assert [e.event_type for e in tracked] == ["accepted"]


def test_an_unknown_carrier_is_a_404_and_recorded(client):
    response = post_webhook(client, b"{}")
    other = client.post(
        "/api/v1/logistics/carriers/nope/webhook", data=b"{}", content_type="application/json"
    )

    assert response.status_code == 400  # signed, but not an event
    assert other.status_code == 404
    assert other.json()["code"] == "logistics_unknown_carrier"
    assert sorted(CarrierWebhook.objects.values_list("verdict", flat=True)) == [
        "malformed",
        "rejected",
    ]


@pytest.mark.parametrize(
    ("headers", "verdict", "code"),
    [
        ({}, "bad_signature", "logistics_bad_signature"),
        ({"Ehub-Signature": "t=1,v1=deadbeef"}, "bad_signature", "logistics_bad_signature"),
        ("wrong-secret", "bad_signature", "logistics_bad_signature"),
        ("stale", "replayed", "logistics_replayed"),
    ],
)
def test_a_badly_signed_or_replayed_webhook_is_refused_recorded_and_changes_nothing(
    booked, client, headers, verdict, code
):
    body = event_body(booked, 5)  # delivered
    now = int(clock.now().timestamp())
    if headers == "wrong-secret":
        headers = {"Ehub-Signature": signature_header(secret="guess", timestamp=now, body=body)}
    elif headers == "stale":
        headers = sandbox_signed_headers(body=body, timestamp=now - 301)

    response = post_webhook(client, body, headers)

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert CarrierWebhook.objects.filter(verdict=verdict).count() == 1
    assert Parcel.objects.get(pk=booked.pk).status == ParcelStatus.CLEARED
    assert statuses(booked) == ["accepted"]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"id":"e1","type":"teleported","data":{"waybill":"X"}}',
        b'{"id":"e1","type":"delivered","data":{"waybill":"X","occurred_at":"yesterday"}}',
    ],
)
def test_a_signed_but_malformed_webhook_is_a_400(client, body):
    response = post_webhook(client, body)

    assert response.status_code == 400
    assert response.json()["code"] == "logistics_malformed_webhook"
    assert CarrierWebhook.objects.get().verdict == "malformed"


def test_a_webhook_for_an_unknown_waybill_is_a_404(booked, client):
    event = json.loads(event_body(booked, 5))
    event["data"]["waybill"] = "LX999999995SG"
    body = json.dumps(event).encode()

    response = post_webhook(client, body)

    assert response.status_code == 404
    assert response.json()["code"] == "logistics_unknown_waybill"
    assert CarrierWebhook.objects.filter(verdict="rejected").count() == 1


def test_the_same_event_twice_is_a_duplicate_that_changes_nothing(booked, client):
    body = event_body(booked, 4)  # out for delivery

    first = post_webhook(client, body)
    second = post_webhook(client, body)

    assert (first.json(), second.json()) == ({"verdict": "accepted"}, {"verdict": "duplicate"})
    assert Parcel.objects.get(pk=booked.pk).status == ParcelStatus.OUT_FOR_DELIVERY
    assert statuses(booked) == ["accepted", "out_for_delivery"]
    assert CarrierWebhook.objects.filter(verdict="duplicate").count() == 1


def test_delivered_before_out_for_delivery_ends_delivered_and_the_late_one_only_joins_the_timeline(
    booked, client
):
    delivered = post_webhook(client, event_body(booked, 5))
    late = post_webhook(client, event_body(booked, 4))

    assert (delivered.status_code, late.status_code) == (200, 200)
    parcel = Parcel.objects.get(pk=booked.pk)
    assert parcel.status == ParcelStatus.DELIVERED
    timeline = list(
        TrackingEvent.objects.filter(parcel=parcel, source="sandbox").order_by("occurred_at")
    )
    assert [e.status for e in timeline] == ["accepted", "out_for_delivery", "delivered"]
    from ehub.core.models import AuditEvent

    tags = list(
        AuditEvent.objects.filter(subject_type="parcel", subject_id=str(parcel.pk))
        .order_by("id")
        .values_list("tag", flat=True)
    )
    assert tags[-2:] == ["parcel:status:out_for_delivery", "parcel:status:delivered"]


def test_a_misbehaving_sandbox_duplicates_and_reorders_and_the_parcel_still_ends_delivered(
    settings, django_capture_on_commit_callbacks
):
    settings.EHUB_LOGISTICS_SANDBOX_DUPLICATES = True
    settings.EHUB_LOGISTICS_SANDBOX_OUT_OF_ORDER = True
    s = shipment()
    Parcel.objects.filter(pk=s.parcel.pk).update(status=ParcelStatus.CLEARED)
    with django_capture_on_commit_callbacks(execute=True):
        carrier_book(parcel=Parcel.objects.get(pk=s.parcel.pk))
        sandbox_carrier_advance(steps=4)  # four steps released together: newest first

    parcel = Parcel.objects.get(pk=s.parcel.pk)
    assert parcel.status == ParcelStatus.DELIVERED
    delivered_order = list(
        SandboxCarrierEvent.objects.filter(waybill=parcel.carrier_waybill)
        .exclude(step=1)
        .order_by("release_order")
        .values_list("event_type", flat=True)
    )
    assert delivered_order[0] == "delivered"  # it really did arrive first
    assert SandboxCarrierEvent.objects.filter(status="delivered").count() == 10
    assert statuses(parcel) == [
        "accepted",
        "in_transit",
        "arrived_at_destination",
        "out_for_delivery",
        "delivered",
    ]
    verdicts = list(CarrierWebhook.objects.values_list("verdict", flat=True))
    assert (verdicts.count("accepted"), verdicts.count("duplicate")) == (5, 5)


def test_undelivered_events_stay_pending_and_the_command_delivers_them(
    settings, django_capture_on_commit_callbacks, booked
):
    settings.EHUB_LOGISTICS_SANDBOX_ENABLED = False  # ehub refuses: the carrier must retry
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_carrier_advance(steps=4)
    assert SandboxCarrierEvent.objects.filter(status="pending").count() == 4
    assert Parcel.objects.get(pk=booked.pk).status == ParcelStatus.CLEARED
    settings.EHUB_LOGISTICS_SANDBOX_ENABLED = True
    out = io.StringIO()

    call_command("logistics", "deliver-events", stdout=out)

    assert "4 event(s) attempted" in out.getvalue()
    assert Parcel.objects.get(pk=booked.pk).status == ParcelStatus.DELIVERED
    assert not SandboxCarrierEvent.objects.filter(status="pending").exists()


def test_advancing_from_the_command_line_runs_every_journey_to_its_end(
    booked, django_capture_on_commit_callbacks
):
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("logistics", "advance-sandbox", "--all", stdout=out)

    assert "4 event(s) released" in out.getvalue()
    assert Parcel.objects.get(pk=booked.pk).status == ParcelStatus.DELIVERED


def test_a_bad_advance_is_exit_status_2():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as caught:
        call_command("logistics", "advance-sandbox", "--steps", "0")

    assert caught.value.returncode == 2
    assert "steps must be at least 1" in str(caught.value)


def test_the_webhook_endpoint_needs_no_session(booked):
    response = post_webhook(Client(), event_body(booked, 2))

    assert response.status_code == 200
    assert response.json() == {"verdict": "accepted"}
