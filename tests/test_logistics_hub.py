"""Parcels at the hub: handover, scan and weigh (tolerance at, below and above), exceptions,
manifests (rules, close, export, depart), and who may do it (hub operators only)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from ehub.accounts.models import Role
from ehub.accounts.tests.factories import UserFactory
from ehub.core.errors import Conflict, DomainError
from ehub.core.models import AuditEvent
from ehub.logistics.domain import ParcelStatus
from ehub.logistics.models import Manifest, Parcel, TrackingEvent
from ehub.logistics.services import (
    manifest_add_parcels,
    manifest_close,
    manifest_create,
    manifest_depart,
    parcel_hand_over,
    parcel_scan_in,
)
from ehub.logistics.tests.helpers import hub_client, seller_client, shipment
from ehub.orders.models import Order
from ehub.orders.tests.helpers import signed_in

pytestmark = pytest.mark.django_db

JSON = "application/json"


def scan(client: Client, code: str, grams: int, **extra):
    return client.post(
        "/api/v1/hub/parcels/scan",
        {"code": code, "weight_grams": grams, **extra},
        content_type=JSON,
    )


def handed_over(**kwargs):
    s = shipment(**kwargs)
    parcel_hand_over(seller=s.seller, code=s.code)
    return s


# -- handover --------------------------------------------------------------------------------------
def test_the_first_handover_moves_the_order_to_in_fulfilment():
    s = shipment()
    assert Order.objects.get(pk=s.order.pk).status == "paid"

    response = seller_client(s.seller).post(f"/api/v1/seller/parcels/{s.code}/handover")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "handed_over"
    assert response.json()["origin_hub"] == "KUL"
    assert Order.objects.get(pk=s.order.pk).status == "in_fulfilment"
    assert AuditEvent.objects.filter(tag="parcel:status:handed_over").count() == 1


def test_handing_over_twice_is_a_409_and_records_nothing_more():
    s = handed_over()

    again = seller_client(s.seller).post(f"/api/v1/seller/parcels/{s.code}/handover")

    assert again.status_code == 409
    assert again.json()["code"] == "logistics_illegal_transition"
    assert AuditEvent.objects.filter(tag="parcel:status:handed_over").count() == 1
    assert TrackingEvent.objects.filter(status="handed_over").count() == 1


def test_a_seller_lists_its_parcels():
    s = shipment()

    response = seller_client(s.seller).get("/api/v1/seller/parcels")

    assert response.status_code == 200
    assert [p["code"] for p in response.json()] == [s.code]
    assert response.json()[0]["declared_weight_grams"] == 500


# -- scanning and weighing -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("measured", "check"),
    [(550, "ok"), (450, "ok"), (551, "flagged"), (449, "flagged"), (500, "ok")],
    ids=["at+", "at-", "above", "below", "exact"],
)
def test_a_scan_weighs_the_parcel_against_the_tolerance(measured, check):
    # 500 g declared: 10 % is 50 g, the floor is 50 g, so 450-550 g is within.
    s = handed_over(weight_grams=500)

    response = scan(hub_client(), s.code, measured)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "received_at_hub"
    assert body["measured_weight_grams"] == measured
    assert body["weight_check"] == check
    flagged = AuditEvent.objects.filter(tag="parcel:weight:flagged").count()
    assert flagged == (1 if check == "flagged" else 0)


def test_the_tolerance_is_a_setting(settings):
    settings.EHUB_LOGISTICS_WEIGHT_TOLERANCE_PERCENT = 20
    settings.EHUB_LOGISTICS_WEIGHT_TOLERANCE_MIN_GRAMS = 0
    s = handed_over(weight_grams=1000)

    body = scan(hub_client(), s.code, 1200).json()

    assert body["weight_check"] == "ok"


def test_a_flagged_parcel_is_an_exception_until_an_operator_accepts_its_weight():
    s = handed_over()
    hub = hub_client()
    scan(hub, s.code, 900)
    manifest = manifest_create(hub_code="KUL", destination_country="SG")

    listed = hub.get("/api/v1/hub/exceptions").json()
    refused = hub.post(
        f"/api/v1/hub/manifests/{manifest.pk}/parcels", {"codes": [s.code]}, content_type=JSON
    )
    accepted = hub.post(
        f"/api/v1/hub/parcels/{s.code}/accept-weight",
        {"note": "two jars, not one: checked"},
        content_type=JSON,
    )

    assert [p["code"] for p in listed] == [s.code]
    assert "900 g" in listed[0]["weight_note"]
    assert refused.status_code == 422
    assert refused.json()["detail"]["problems"] == [
        f"{s.code}'s weight is flagged: accept it first"
    ]
    assert accepted.status_code == 200
    assert accepted.json()["weight_check"] == "accepted"
    assert hub.get("/api/v1/hub/exceptions").json() == []
    added = hub.post(
        f"/api/v1/hub/manifests/{manifest.pk}/parcels", {"codes": [s.code]}, content_type=JSON
    )
    assert added.status_code == 200


def test_a_parcel_not_handed_over_cannot_be_scanned():
    s = shipment()

    response = scan(hub_client(), s.code, 500)

    assert response.status_code == 409
    assert response.json()["code"] == "logistics_illegal_transition"
    assert Parcel.objects.get(pk=s.parcel.pk).measured_weight_grams is None


def test_a_second_scan_is_refused_and_keeps_the_first_weight():
    s = handed_over()
    hub = hub_client()
    scan(hub, s.code, 510)

    again = scan(hub, s.code, 800)

    assert again.status_code == 409
    parcel = Parcel.objects.get(pk=s.parcel.pk)
    assert (parcel.measured_weight_grams, parcel.weight_check) == (510, "ok")
    assert AuditEvent.objects.filter(tag="parcel:status:received_at_hub").count() == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"code": "EHP-nope", "weight_grams": 500}, 422, "invalid_parcel_code"),
        ({"code": "EHP999999901", "weight_grams": 500}, 404, "logistics_parcel_not_found"),
        ({"code": "{code}", "weight_grams": 0}, 422, "logistics_invalid_weight"),
        ({"code": "{code}", "weight_grams": 90_000}, 422, "logistics_invalid_weight"),
        ({"code": "{code}", "weight_grams": 500, "hub": "LGG"}, 409, "logistics_wrong_hub"),
        ({"code": "{code}", "weight_grams": 500, "hub": "ZZZ"}, 404, "logistics_unknown_hub"),
        ({"code": "{code}"}, 422, "invalid_input"),
    ],
)
def test_bad_scans_are_clear_4xx_and_change_nothing(body, status, code):
    s = handed_over()
    body = {k: (v.format(code=s.code) if isinstance(v, str) else v) for k, v in body.items()}

    response = hub_client().post("/api/v1/hub/parcels/scan", body, content_type=JSON)

    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert Parcel.objects.get(pk=s.parcel.pk).status == "handed_over"


def test_a_typed_code_with_spaces_and_lower_case_is_forgiven():
    s = handed_over()

    response = scan(hub_client(), " " + s.code.lower()[:6] + " " + s.code[6:], 500)

    assert response.status_code == 200, response.content


# -- who may ---------------------------------------------------------------------------------------
HUB_CALLS = [
    ("post", "/api/v1/hub/parcels/scan", {"code": "{code}", "weight_grams": 500}),
    ("get", "/api/v1/hub/parcels/{code}", None),
    ("post", "/api/v1/hub/parcels/{code}/accept-weight", {"note": "x"}),
    ("post", "/api/v1/hub/parcels/{code}/redeliver", None),
    ("post", "/api/v1/hub/parcels/{code}/return", {"reason": "x"}),
    ("post", "/api/v1/hub/parcels/{code}/declare-again", None),
    ("get", "/api/v1/hub/exceptions", None),
    ("get", "/api/v1/hub/manifests", None),
    ("post", "/api/v1/hub/manifests", {"hub": "KUL", "destination_country": "SG"}),
    ("get", "/api/v1/hub/manifests/{manifest}", None),
    ("post", "/api/v1/hub/manifests/{manifest}/parcels", {"codes": ["{code}"]}),
    ("delete", "/api/v1/hub/manifests/{manifest}/parcels/{code}", None),
    ("post", "/api/v1/hub/manifests/{manifest}/close", None),
    ("post", "/api/v1/hub/manifests/{manifest}/depart", None),
    ("get", "/api/v1/hub/manifests/{manifest}/export", None),
]


def test_every_logistics_hub_endpoint_is_listed_here(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = {
        (method, path.replace("{manifest_id}", "{manifest}"))
        for path, methods in schema["paths"].items()
        if path.startswith("/api/v1/hub/")
        for method, operation in methods.items()
        if "hub operations" in operation.get("tags", [])  # logistics' (documents has its own)
    }

    assert operations == {(m, p) for m, p, _ in HUB_CALLS}


@pytest.mark.parametrize("role", [Role.BUYER, Role.SELLER_STAFF, Role.PLATFORM_ADMIN])
@pytest.mark.parametrize(("method", "path", "body"), HUB_CALLS, ids=lambda v: str(v))
def test_hub_endpoints_are_for_hub_operators_only(role, method, path, body):
    s = handed_over()
    manifest = manifest_create(hub_code="KUL", destination_country="SG")
    before = (
        list(Parcel.objects.values_list("status", "weight_check", "manifest_id")),
        Manifest.objects.count(),
        AuditEvent.objects.count(),
    )
    url = path.format(code=s.code, manifest=manifest.pk)
    payload = None
    if body is not None:
        payload = {
            k: (
                [x.format(code=s.code) for x in v]
                if isinstance(v, list)
                else v.format(code=s.code)
                if isinstance(v, str)
                else v
            )
            for k, v in body.items()
        }
    kwargs = {"data": payload, "content_type": JSON} if payload is not None else {}

    response = getattr(signed_in(UserFactory(role=role)), method)(url, **kwargs)
    anonymous = getattr(Client(), method)(url, **kwargs)

    assert response.status_code == 403, response.content
    assert response.json()["code"] == "logistics_not_hub_operator"
    assert anonymous.status_code == 401
    after = (
        list(Parcel.objects.values_list("status", "weight_check", "manifest_id")),
        Manifest.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before


# -- manifests -------------------------------------------------------------------------------------
def received(**kwargs):
    s = handed_over(**kwargs)
    parcel_scan_in(code=s.code, weight_grams=500)
    return s


def test_a_manifest_gets_a_master_waybill_and_only_takes_parcels_for_its_hub_and_destination():
    s = received()
    other = manifest_create(hub_code="KUL", destination_country="CN")
    manifest = manifest_create(hub_code="KUL", destination_country="SG")

    with pytest.raises(DomainError) as wrong_destination:
        manifest_add_parcels(manifest=other, codes=[s.code])
    manifest_add_parcels(manifest=manifest, codes=[s.code])

    assert manifest.waybill.startswith("999-")
    assert len(manifest.waybill) == 12
    assert int(manifest.waybill[4:11]) % 7 == int(manifest.waybill[-1])
    assert wrong_destination.value.detail["problems"] == [
        f"{s.code} goes to SG, the manifest to CN"
    ]
    parcel = Parcel.objects.get(pk=s.parcel.pk)
    assert (parcel.status, parcel.manifest_id) == ("manifested", manifest.pk)


def test_adding_is_all_or_nothing():
    good = received()
    not_received = shipment()
    manifest = manifest_create(hub_code="KUL", destination_country="SG")

    with pytest.raises(DomainError) as caught:
        manifest_add_parcels(manifest=manifest, codes=[good.code, not_received.code])

    assert caught.value.detail["problems"] == [
        f"{not_received.code} is awaiting_handover, not received_at_hub"
    ]
    assert Parcel.objects.get(pk=good.parcel.pk).status == "received_at_hub"
    assert not Manifest.objects.get(pk=manifest.pk).parcels.exists()


def test_a_manifest_needs_a_route_from_its_hub():
    received()
    with pytest.raises(DomainError) as caught:
        manifest_create(hub_code="KUL", destination_country="KR")

    assert caught.value.code == "logistics_no_route"


def test_an_empty_manifest_cannot_be_closed_and_a_closed_one_takes_no_more_parcels():
    s = received()
    manifest = manifest_create(hub_code="KUL", destination_country="SG")
    with pytest.raises(DomainError) as empty:
        manifest_close(manifest=manifest)
    manifest_add_parcels(manifest=manifest, codes=[s.code])
    manifest_close(manifest=manifest)
    late = received()

    with pytest.raises(Conflict) as closed:
        manifest_add_parcels(manifest=manifest, codes=[late.code])
    with pytest.raises(Conflict) as twice:
        manifest_close(manifest=manifest)

    assert empty.value.code == "logistics_manifest_empty"
    assert closed.value.code == "logistics_manifest_not_open"
    assert twice.value.code == "logistics_manifest_illegal_transition"


def test_an_open_manifest_cannot_depart():
    s = received()
    manifest = manifest_create(hub_code="KUL", destination_country="SG")
    manifest_add_parcels(manifest=manifest, codes=[s.code])

    with pytest.raises(Conflict):
        manifest_depart(manifest=manifest)

    assert Parcel.objects.get(pk=s.parcel.pk).status == "manifested"


def test_a_parcel_taken_off_an_open_manifest_is_back_on_the_floor():
    s = received()
    hub = hub_client()
    manifest = manifest_create(hub_code="KUL", destination_country="SG")
    manifest_add_parcels(manifest=manifest, codes=[s.code])

    response = hub.delete(f"/api/v1/hub/manifests/{manifest.pk}/parcels/{s.code}")

    assert response.status_code == 200
    assert response.json()["parcels"] == []
    parcel = Parcel.objects.get(pk=s.parcel.pk)
    assert (parcel.status, parcel.manifest_id) == ("received_at_hub", None)


def test_a_manifest_exports_as_csv_and_json():
    s = received()
    hub = hub_client()
    manifest = manifest_create(hub_code="KUL", destination_country="SG")
    manifest_add_parcels(manifest=manifest, codes=[s.code])
    manifest_close(manifest=manifest)

    as_csv = hub.get(f"/api/v1/hub/manifests/{manifest.pk}/export")
    as_json = hub.get(f"/api/v1/hub/manifests/{manifest.pk}/export?format=json")
    bad = hub.get(f"/api/v1/hub/manifests/{manifest.pk}/export?format=xml")

    assert as_csv.status_code == 200
    assert as_csv["Content-Type"].startswith("text/csv")
    assert manifest.waybill in as_csv["Content-Disposition"]
    [row] = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
    assert row["master_waybill"] == manifest.waybill
    assert row["parcel"] == s.code
    assert row["order"] == s.order.reference
    assert row["measured_weight_grams"] == "500"
    goods = s.parcel.order_parcel.goods_minor
    assert row["goods_value"] == f"{goods // 100}.{goods % 100:02d}"  # SGD, 2 decimals
    assert row["recipient"] == "Tan Mei Ling"
    body = as_json.json()
    assert body["master_waybill"] == manifest.waybill
    assert [p["parcel"] for p in body["parcels"]] == [s.code]
    assert bad.status_code == 422


def test_departing_holds_a_parcel_whose_declaration_cannot_be_prepared(
    django_capture_on_commit_callbacks,
):
    s = received()  # the factory seller has no street address: customs refuses to prepare
    manifest = manifest_create(hub_code="KUL", destination_country="SG")
    manifest_add_parcels(manifest=manifest, codes=[s.code])
    manifest_close(manifest=manifest)
    from ehub.sellers.models import Seller

    Seller.objects.filter(pk=s.seller.pk).update(address_line1="")

    with django_capture_on_commit_callbacks(execute=True):
        manifest_depart(manifest=manifest)

    parcel = Parcel.objects.get(pk=s.parcel.pk)
    assert Manifest.objects.get(pk=manifest.pk).status == "departed"
    assert parcel.status == ParcelStatus.HELD
    assert "address" in parcel.hold_reason
    assert [p["code"] for p in hub_client().get("/api/v1/hub/exceptions").json()] == [s.code]


# -- parcels come into being ----------------------------------------------------------------------
def test_paying_an_order_creates_its_parcels_through_the_capture_listener():
    from ehub.logistics.tests.helpers import network
    from ehub.orders.tests.helpers import my_quote, paid_order, world

    network()
    w = world()

    order = paid_order(w.buyer, my_quote(w.buyer, [(w.variant, 1)]))

    parcel = Parcel.objects.get(order_parcel__order=order)
    assert parcel.status == ParcelStatus.AWAITING_HANDOVER
    assert parcel.code == order.parcels.get().code
    assert parcel.origin_hub.code == "KUL"
    assert parcel.declared_weight_grams == order.parcels.get().weight_grams


def test_an_unpaid_parcel_cannot_be_handed_over():
    from ehub.logistics.tests.helpers import network
    from ehub.orders.services import order_place
    from ehub.orders.tests.helpers import my_quote, world

    network()
    w = world()
    order = order_place(buyer=w.buyer, quote_id=my_quote(w.buyer, [(w.variant, 1)]).public_id)
    order_parcel = order.parcels.get()

    response = seller_client(order_parcel.seller).post(
        f"/api/v1/seller/parcels/{order_parcel.code}/handover"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "logistics_parcel_not_paid"
    assert not Parcel.objects.exists()


def test_the_hub_sends_an_undeliverable_parcel_back_and_the_buyer_is_refunded(
    django_capture_on_commit_callbacks,
):
    s = shipment()
    Parcel.objects.filter(pk=s.parcel.pk).update(status=ParcelStatus.DELIVERY_FAILED)
    Order.objects.filter(pk=s.order.pk).update(status="in_fulfilment")
    hub = hub_client()

    no_reason = hub.post(f"/api/v1/hub/parcels/{s.code}/return", {"reason": " "}, content_type=JSON)
    response = hub.post(
        f"/api/v1/hub/parcels/{s.code}/return",
        {"reason": "refused by the recipient"},
        content_type=JSON,
    )
    again = hub.post(f"/api/v1/hub/parcels/{s.code}/return", {"reason": "again"}, content_type=JSON)

    assert no_reason.status_code == 422
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "returning"
    assert Parcel.objects.get(pk=s.parcel.pk).refunded_at is not None
    assert Order.objects.get(pk=s.order.pk).status == "refunded"
    assert again.status_code == 409
