"""From a paid order to delivered and completed: seller handover, hub scan, manifest, departure,
customs (the sandbox authority), the sandbox carrier's last mile, the buyer's timeline and
receipt; and the other endings: a customs hold, a refusal with refund and restock, a failed
delivery retried."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from ehub.catalog.models import Variant
from ehub.core.events import audit_events_for
from ehub.customs.clearance_hooks import decision_listeners
from ehub.customs.models import CustomsDeclaration
from ehub.ledger.domain import EntryKind
from ehub.ledger.models import JournalEntry
from ehub.logistics.domain import ParcelStatus
from ehub.logistics.models import Parcel, SandboxCarrierEvent
from ehub.logistics.sandbox_carrier import sandbox_carrier_advance
from ehub.logistics.services import customs_decision_received
from ehub.logistics.tests.helpers import hub_client, seller_client, shipment
from ehub.orders.models import Order
from ehub.orders.tests.helpers import signed_in

pytestmark = pytest.mark.django_db

JSON = "application/json"


def status(parcel: Parcel) -> str:
    return Parcel.objects.get(pk=parcel.pk).status


def to_departure(s, hub, capture) -> dict:
    """Handover (seller), scan (hub), manifest, close, depart: returns the departed manifest."""
    seller = seller_client(s.seller)
    assert seller.post(f"/api/v1/seller/parcels/{s.code}/handover").status_code == 200
    scanned = hub.post(
        "/api/v1/hub/parcels/scan", {"code": s.code, "weight_grams": 510}, content_type=JSON
    )
    assert scanned.status_code == 200, scanned.content
    destination = s.order.country
    manifest = hub.post(
        "/api/v1/hub/manifests",
        {"hub": "KUL", "destination_country": destination},
        content_type=JSON,
    ).json()
    added = hub.post(
        f"/api/v1/hub/manifests/{manifest['id']}/parcels", {"codes": [s.code]}, content_type=JSON
    )
    assert added.status_code == 200, added.content
    assert hub.post(f"/api/v1/hub/manifests/{manifest['id']}/close").status_code == 200
    with capture(execute=True):
        departed = hub.post(f"/api/v1/hub/manifests/{manifest['id']}/depart")
    assert departed.status_code == 200, departed.content
    return departed.json()


def test_a_paid_order_travels_to_delivered_and_the_buyer_completes_it(
    django_capture_on_commit_callbacks,
):
    assert customs_decision_received in decision_listeners()
    s = shipment(market="SG")
    hub = hub_client()

    manifest = to_departure(s, hub, django_capture_on_commit_callbacks)

    assert manifest["status"] == "departed"
    assert manifest["parcels"] == [s.code]
    assert status(s.parcel) != "held", Parcel.objects.get(pk=s.parcel.pk).hold_reason
    declaration = CustomsDeclaration.objects.get(order_parcel=s.parcel.order_parcel)
    assert declaration.waybill == manifest["waybill"]
    parcel = Parcel.objects.get(pk=s.parcel.pk)
    assert parcel.status == ParcelStatus.CLEARED, parcel.hold_reason
    assert parcel.carrier == "sandbox"
    assert parcel.carrier_waybill.startswith("LX")
    assert parcel.carrier_waybill.endswith("SG")
    assert Order.objects.get(pk=s.order.pk).status == "in_fulfilment"

    with django_capture_on_commit_callbacks(execute=True):
        sandbox_carrier_advance(steps=10)

    assert status(parcel) == ParcelStatus.DELIVERED
    order = Order.objects.get(pk=s.order.pk)
    assert order.status == "delivered"
    assert order.delivered_at is not None
    tracking = signed_in(s.buyer).get(f"/api/v1/orders/{s.order.pk}/tracking")
    assert tracking.status_code == 200
    body = tracking.json()
    statuses = [e["status"] for e in body["events"]]
    assert statuses == [
        "handed_over",
        "received_at_hub",
        "manifested",
        "departed",
        "at_customs",
        "cleared",
        "accepted",
        "in_transit",
        "arrived_at_destination",
        "out_for_delivery",
        "delivered",
    ]
    # Compared as instants: "…:28Z" (a whole second) sorts after "…:28.031Z" as text.
    times = [dt.datetime.fromisoformat(e["time"]) for e in body["events"]]
    assert times == sorted(times)
    assert all(e["place"] for e in body["events"])
    assert body["parcels"][0]["status"] == "delivered"
    moves = [e.tag for e in audit_events_for(parcel)]
    assert moves[0] == "parcel:status:awaiting_handover"
    assert moves[-1] == "parcel:status:delivered"

    confirmed = signed_in(s.buyer).post(f"/api/v1/orders/{s.order.pk}/confirm-receipt")

    assert confirmed.status_code == 200, confirmed.content
    assert Order.objects.get(pk=s.order.pk).status == "completed"
    assert JournalEntry.objects.filter(
        kind=EntryKind.ESCROW_RELEASE, reference=s.parcel.order_parcel.escrow_reference
    ).exists()

    # ... and the seller is paid, in its own currency, by the next payout run.
    from ehub.ledger.checks import ledger_check
    from ehub.ledger.services import payout_batch_lines, payouts_run

    lines = payout_batch_lines(batch=payouts_run())
    seller = s.parcel.order_parcel.seller
    paid = [line for line in lines if line.seller_id == str(seller.pk)]
    assert len(paid) == 1
    assert paid[0].amount.currency == seller.payout_currency
    assert paid[0].amount.amount > 0
    assert ledger_check().ok, ledger_check().problems


def test_the_tracking_timeline_is_the_owners_only(django_capture_on_commit_callbacks):
    s = shipment()
    from ehub.accounts.tests.factories import UserFactory

    stranger = signed_in(UserFactory()).get(f"/api/v1/orders/{s.order.pk}/tracking")
    missing = signed_in(s.buyer).get(f"/api/v1/orders/{s.order.pk + 1000}/tracking")
    anonymous = Client().get(f"/api/v1/orders/{s.order.pk}/tracking")
    own = signed_in(s.buyer).get(f"/api/v1/orders/{s.order.pk}/tracking")

    assert stranger.status_code == 404
    assert stranger.json() == missing.json() | {"message": stranger.json()["message"]}
    assert s.code not in stranger.content.decode()
    assert anonymous.status_code == 401
    assert own.status_code == 200
    assert own.json()["parcels"][0]["code"] == s.code


def test_a_customs_hold_is_on_the_exception_list_and_a_return_refunds_and_restocks(
    django_capture_on_commit_callbacks,
):
    s = shipment()
    hub = hub_client()
    to_departure(s, hub, django_capture_on_commit_callbacks)
    parcel = Parcel.objects.get(pk=s.parcel.pk)
    # Customs holds it (as the authority's listener would say after a hold decision).
    Parcel.objects.filter(pk=parcel.pk).update(status=ParcelStatus.AT_CUSTOMS)
    customs_decision_received(
        order_parcel_id=parcel.order_parcel_id,
        declaration_id=1,
        outcome="held",
        reason="documents needed",
    )
    exceptions = hub.get("/api/v1/hub/exceptions").json()
    assert [p["code"] for p in exceptions] == [s.code]
    assert exceptions[0]["hold_reason"] == "documents needed"
    stock_before = Variant.objects.get(
        pk=s.parcel.order_parcel.lines.get().variant_id
    ).stock_quantity

    customs_decision_received(
        order_parcel_id=parcel.order_parcel_id,
        declaration_id=1,
        outcome="returned",
        reason="documents never came",
    )

    parcel.refresh_from_db()
    assert parcel.status == ParcelStatus.RETURNING
    assert parcel.refunded_at is not None
    assert Order.objects.get(pk=s.order.pk).status == "refunded"
    returned = seller_client(s.seller).post(
        f"/api/v1/seller/parcels/{s.code}/returned", {"restock": True}, content_type=JSON
    )
    assert returned.status_code == 200, returned.content
    assert returned.json()["status"] == "returned"
    line = s.parcel.order_parcel.lines.get()
    assert Variant.objects.get(pk=line.variant_id).stock_quantity == stock_before + line.quantity


def test_a_failed_delivery_is_an_exception_and_a_redelivery_delivers(
    django_capture_on_commit_callbacks, settings
):
    settings.EHUB_LOGISTICS_SANDBOX_FAIL_POSTAL_CODES = ["018989"]
    s = shipment()
    hub = hub_client()
    to_departure(s, hub, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_carrier_advance(steps=10)
    assert status(s.parcel) == ParcelStatus.DELIVERY_FAILED
    assert [p["code"] for p in hub.get("/api/v1/hub/exceptions").json()] == [s.code]

    with django_capture_on_commit_callbacks(execute=True):
        again = hub.post(f"/api/v1/hub/parcels/{s.code}/redeliver")
        sandbox_carrier_advance(steps=10)

    assert again.status_code == 200
    assert again.json()["delivery_attempt"] == 2
    assert status(s.parcel) == ParcelStatus.DELIVERED
    assert Order.objects.get(pk=s.order.pk).status == "delivered"
    assert SandboxCarrierEvent.objects.filter(status="delivered").count() == 7


def two_seller_order():
    """A paid SG order with one parcel from each of two Malaysian sellers."""
    from ehub.logistics.tests.helpers import network
    from ehub.orders.tests.helpers import my_quote, paid_order, variant, world
    from ehub.sellers.models import Seller
    from ehub.sellers.tests.factories import SellerFactory

    network()
    w = world()
    other = variant(seller=SellerFactory(country="MY", payout_currency="MYR"))
    Seller.objects.update(address_line1="12 Lebuh Armenian", postal_code="10200")
    order = paid_order(w.buyer, my_quote(w.buyer, [(w.variant, 1), (other, 1)]))
    return w.buyer, order, list(Parcel.objects.filter(order_parcel__order=order).order_by("code"))


def test_an_order_is_delivered_when_every_parcel_not_returned_is_delivered(
    django_capture_on_commit_callbacks,
):
    from ehub.logistics.services import parcel_hand_over, parcel_start_return

    _buyer, order, (first, second) = two_seller_order()
    for parcel in (first, second):
        parcel_hand_over(seller=parcel.order_parcel.seller, code=parcel.code)
    assert Order.objects.get(pk=order.pk).status == "in_fulfilment"
    # The first parcel cannot be delivered: back to its seller, its share refunded.
    Parcel.objects.filter(pk=first.pk).update(status=ParcelStatus.DELIVERY_FAILED)
    parcel_start_return(parcel=Parcel.objects.get(pk=first.pk), reason="address unknown")
    assert Order.objects.get(pk=order.pk).status == "in_fulfilment"  # the second is on its way
    Parcel.objects.filter(pk=second.pk).update(status=ParcelStatus.CLEARED)
    from ehub.logistics.services import carrier_book

    with django_capture_on_commit_callbacks(execute=True):
        carrier_book(parcel=Parcel.objects.get(pk=second.pk))
        sandbox_carrier_advance(steps=10)

    order = Order.objects.get(pk=order.pk)
    assert order.status == "delivered"
    assert order.delivered_at is not None
    assert Parcel.objects.get(pk=first.pk).refunded_at is not None


def test_a_cancelled_orders_parcel_is_not_handed_over_or_scanned():
    from ehub.orders.services import order_cancel

    s = shipment()
    order_cancel(order=Order.objects.get(pk=s.order.pk), actor=s.buyer, reason="changed my mind")

    response = seller_client(s.seller).post(f"/api/v1/seller/parcels/{s.code}/handover")
    Parcel.objects.filter(pk=s.parcel.pk).update(status=ParcelStatus.HANDED_OVER)
    scanned = hub_client().post(
        "/api/v1/hub/parcels/scan", {"code": s.code, "weight_grams": 500}, content_type=JSON
    )

    assert response.status_code == 409
    assert response.json()["code"] == "logistics_parcel_not_shippable"
    assert scanned.status_code == 409
    assert scanned.json()["code"] == "logistics_parcel_not_shippable"
    assert Parcel.objects.get(pk=s.parcel.pk).measured_weight_grams is None
