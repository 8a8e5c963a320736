"""Logistics with the real customs clearance and its sandbox authority: a declaration that
cannot be prepared holds the parcel until the data is fixed and it is declared again; a hold
decided by customs is resolved through customs and the parcel goes on to delivery; a hold that
ends in return refunds the buyer; China's channel travels too."""

from __future__ import annotations

import pytest

from ehub.customs.clearance import declaration_hold_resolve, declaration_return_to_seller
from ehub.customs.models import CustomsDeclaration
from ehub.logistics.domain import ParcelStatus
from ehub.logistics.models import Parcel
from ehub.logistics.sandbox_carrier import sandbox_carrier_advance
from ehub.logistics.services import (
    manifest_add_parcels,
    manifest_close,
    manifest_create,
    manifest_depart,
    parcel_hand_over,
    parcel_scan_in,
)
from ehub.logistics.tests.helpers import hub_client, shipment
from ehub.orders.models import Order
from ehub.sellers.models import Seller

pytestmark = pytest.mark.django_db


def depart(s, capture) -> Parcel:
    parcel_hand_over(seller=s.seller, code=s.code)
    parcel_scan_in(code=s.code, weight_grams=500)
    manifest = manifest_create(hub_code="KUL", destination_country=s.order.country)
    manifest_add_parcels(manifest=manifest, codes=[s.code])
    manifest_close(manifest=manifest)
    with capture(execute=True):
        manifest_depart(manifest=manifest)
    return Parcel.objects.get(pk=s.parcel.pk)


def test_an_incomplete_declaration_holds_the_parcel_until_it_is_declared_again(
    django_capture_on_commit_callbacks,
):
    s = shipment()
    Seller.objects.filter(pk=s.seller.pk).update(address_line1="")
    parcel = depart(s, django_capture_on_commit_callbacks)
    assert parcel.status == ParcelStatus.HELD
    assert not CustomsDeclaration.objects.exists()
    hub = hub_client()

    still_missing = hub.post(f"/api/v1/hub/parcels/{s.code}/declare-again")
    reason_then = Parcel.objects.get(pk=parcel.pk).hold_reason
    Seller.objects.filter(pk=s.seller.pk).update(address_line1="12 Lebuh Armenian")
    with django_capture_on_commit_callbacks(execute=True):
        fixed = hub.post(f"/api/v1/hub/parcels/{s.code}/declare-again")

    assert still_missing.status_code == 422
    assert still_missing.json()["code"] == "declaration_invalid"
    assert "address" in reason_then
    assert fixed.status_code == 200, fixed.content
    parcel.refresh_from_db()
    assert parcel.status == ParcelStatus.CLEARED
    assert parcel.hold_reason == ""
    assert parcel.carrier_waybill


def test_a_customs_hold_is_resolved_through_customs_and_the_parcel_is_delivered(
    django_capture_on_commit_callbacks,
):
    s = shipment(market="CN", hs_code="330499")  # cosmetics to China: the filing certificate
    parcel = depart(s, django_capture_on_commit_callbacks)
    assert parcel.status == ParcelStatus.HELD, parcel.hold_reason
    declaration = CustomsDeclaration.objects.get(order_parcel=parcel.order_parcel)
    assert declaration.status == "held"
    hub = hub_client()
    assert [p["code"] for p in hub.get("/api/v1/hub/exceptions").json()] == [s.code]
    declare_again = hub.post(f"/api/v1/hub/parcels/{s.code}/declare-again")
    assert declare_again.status_code == 409  # customs holds it: resolved through customs

    with django_capture_on_commit_callbacks(execute=True):
        declaration_hold_resolve(
            declaration=declaration, documents=["cosmetics filing certificate"], actor=None
        )
    assert Parcel.objects.get(pk=parcel.pk).status == ParcelStatus.CLEARED
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_carrier_advance(steps=10)

    assert Parcel.objects.get(pk=parcel.pk).status == ParcelStatus.DELIVERED
    assert Order.objects.get(pk=s.order.pk).status == "delivered"
    assert hub.get("/api/v1/hub/exceptions").json() == []


def test_a_hold_that_ends_in_return_refunds_the_buyer(django_capture_on_commit_callbacks):
    s = shipment(market="CN", hs_code="330499")
    parcel = depart(s, django_capture_on_commit_callbacks)
    declaration = CustomsDeclaration.objects.get(order_parcel=parcel.order_parcel)

    with django_capture_on_commit_callbacks(execute=True):
        declaration_return_to_seller(
            declaration=declaration, reason="no filing certificate", actor=None
        )

    parcel.refresh_from_db()
    assert parcel.status == ParcelStatus.RETURNING
    assert "no filing certificate" in parcel.hold_reason
    assert parcel.refunded_at is not None
    assert parcel.order_parcel.refunded_at is not None
    assert Order.objects.get(pk=s.order.pk).status == "refunded"


def test_a_china_parcel_that_matches_its_records_is_cleared(django_capture_on_commit_callbacks):
    s = shipment(market="CN")

    parcel = depart(s, django_capture_on_commit_callbacks)

    assert parcel.status == ParcelStatus.CLEARED, parcel.hold_reason
    assert parcel.carrier_waybill.endswith("CN")


def test_without_customs_a_departed_parcel_waits_and_the_command_declares_it_later(
    django_capture_on_commit_callbacks, monkeypatch
):
    import io
    import sys

    from django.core.management import call_command

    s = shipment()
    with monkeypatch.context() as patched:
        patched.setitem(sys.modules, "ehub.customs.clearance", None)  # not installed
        parcel = depart(s, django_capture_on_commit_callbacks)
    assert parcel.status == ParcelStatus.DEPARTED
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("logistics", "submit-customs", stdout=out)

    assert f"{s.code}: " in out.getvalue()
    assert Parcel.objects.get(pk=parcel.pk).status == ParcelStatus.CLEARED
