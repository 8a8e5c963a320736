"""Trade documents over HTTP: who may fetch what, content types, the error shape; manifests."""

from __future__ import annotations

import json
import shutil

import pytest
from django.test import Client

from ehub.accounts.models import Role
from ehub.accounts.tests.factories import UserFactory
from ehub.core.money import Money
from ehub.documents.services import document_data, manifest_data, manifest_pdf
from ehub.documents.tests.helpers import pdf_text
from ehub.orders.services import order_place
from ehub.orders.tests.helpers import cn_quote, signed_in, variant, world
from ehub.sellers.services import seller_api_key_create
from ehub.sellers.tests.factories import SellerFactory, SellerStaffFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils"),
]

API = "/api/v1"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def placed():
    """A CN order of a Malaysian seller's goods, with the buyer, and a second seller."""
    w = world()
    order = order_place(buyer=w.buyer, quote_id=cn_quote(w.buyer, [(w.variant, 2)]).public_id)
    return {
        "buyer": w.buyer,
        "order": order,
        "parcel": order.parcels.get(),
        "seller": w.variant.product.seller,
        "other_seller": SellerFactory(),
    }


def doc_url(code: str, kind: str, ext: str) -> str:
    return f"{API}/seller/parcels/{code}/documents/{kind}.{ext}"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == code
    return body


# -- the parcel's seller ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["label", "commercial_invoice", "packing_list", "cn23"])
def test_the_sellers_staff_fetch_each_document_as_pdf_and_json(placed, kind):
    parcel = placed["parcel"]
    client = signed_in(SellerStaffFactory(seller=placed["seller"]))

    pdf = client.get(doc_url(parcel.code, kind, "pdf"))
    data = client.get(doc_url(parcel.code, kind, "json"))

    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'inline; filename="{parcel.code}-{kind}.pdf"'
    assert parcel.code in pdf_text(pdf.content)
    assert data.status_code == 200
    assert data.json() == json.loads(json.dumps(document_data(kind=kind, parcel=parcel)))
    assert "张三" in data.content.decode()  # not \u-escaped


def test_the_sellers_api_key_works_too(placed):
    _, raw_key = seller_api_key_create(seller=placed["seller"], name="erp", actor=None)

    response = Client().get(
        doc_url(placed["parcel"].code, "label", "pdf"),
        headers={"Authorization": f"Bearer {raw_key}"},
    )

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


def test_another_sellers_staff_and_key_get_404_as_if_the_parcel_did_not_exist(placed):
    other = placed["other_seller"]
    _, raw_key = seller_api_key_create(seller=other, name="erp", actor=None)
    code = placed["parcel"].code

    for client, headers in (
        (signed_in(SellerStaffFactory(seller=other)), {}),
        (Client(), {"X-API-Key": raw_key}),
    ):
        for ext in ("pdf", "json"):
            response = client.get(doc_url(code, "commercial_invoice", ext), headers=headers)
            body = assert_error(response, 404, "parcel_not_found")
            assert body["message"] == f"no parcel {code}"


def test_an_unknown_kind_is_a_404_in_the_error_shape(placed):
    client = signed_in(SellerStaffFactory(seller=placed["seller"]))

    body = assert_error(
        client.get(doc_url(placed["parcel"].code, "proforma", "pdf")), 404, "unknown_document_kind"
    )

    assert body["detail"] == {"kinds": ["label", "commercial_invoice", "packing_list", "cn23"]}


def test_a_malformed_or_unknown_code_is_422_or_404(placed):
    client = signed_in(SellerStaffFactory(seller=placed["seller"]))

    assert_error(client.get(doc_url("NOT-A-CODE", "label", "pdf")), 422, "invalid_parcel_code")
    assert_error(client.get(doc_url("EHP999999901", "label", "pdf")), 404, "parcel_not_found")


def test_a_buyer_gets_403_and_anonymous_401(placed):
    code = placed["parcel"].code

    assert_error(
        signed_in(placed["buyer"]).get(doc_url(code, "label", "pdf")), 403, "not_seller_staff"
    )
    assert_error(Client().get(doc_url(code, "label", "pdf")), 401, "not_authenticated")


@pytest.mark.parametrize("role", [Role.HUB_OPERATOR, Role.PLATFORM_ADMIN])
def test_hub_operators_and_platform_admins_fetch_any_parcels_documents(placed, role):
    client = signed_in(UserFactory(role=role))

    response = client.get(doc_url(placed["parcel"].code, "cn23", "pdf"))

    assert response.status_code == 200
    assert "CN 23" in pdf_text(response.content)


# -- the buyer's invoice ---------------------------------------------------------------------------
def test_the_buyer_fetches_the_commercial_invoice_of_their_own_order(placed):
    order, parcel = placed["order"], placed["parcel"]
    invoice = document_data(kind="commercial_invoice", parcel=parcel)

    response = signed_in(placed["buyer"]).get(
        f"{API}/orders/{order.pk}/parcels/{parcel.number}/invoice.pdf"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert invoice["invoice_number"] in text
    assert f"{invoice['total']['amount']} CNY" in text


def test_another_buyer_gets_404_for_someone_elses_invoice(placed):
    order = placed["order"]
    url = f"{API}/orders/{order.pk}/parcels/1/invoice.pdf"

    assert_error(signed_in(UserFactory()).get(url), 404, "parcel_not_found")
    assert_error(signed_in(placed["buyer"]).get(f"{API}/orders/{order.pk}/parcels/9/invoice.pdf"),
                 404, "parcel_not_found")  # fmt: skip
    assert_error(Client().get(url), 401, "not_authenticated")


# -- manifests -------------------------------------------------------------------------------------
@pytest.fixture
def manifest(placed):
    from ehub.logistics.models import Hub, Manifest, Parcel

    hub = Hub.objects.create(code="KUL", name="Kuala Lumpur hub", country="MY", city="Sepang",
                             address="KLIA Cargo", operator="ehub", role="origin")  # fmt: skip
    manifest = Manifest.objects.create(waybill="MWB-KUL-CN-0001", origin_hub=hub,
                                       destination_country="CN")  # fmt: skip
    first = placed["parcel"]
    buyer = placed["buyer"]
    second_variant = variant(price_minor=4000, weight_grams=800, hs_code="200799")
    second_order = order_place(
        buyer=buyer, quote_id=cn_quote(buyer, [(second_variant, 1)]).public_id
    )
    second = second_order.parcels.get()
    for order_parcel, measured in ((first, 1040), (second, None)):
        Parcel.objects.create(
            order_parcel=order_parcel,
            code=order_parcel.code,
            destination_country="CN",
            declared_weight_grams=order_parcel.weight_grams,
            measured_weight_grams=measured,
            manifest=manifest,
        )
    return {"manifest": manifest, "parcels": [first, second]}


def test_the_manifest_lists_every_parcel_with_totals(manifest):
    first, second = manifest["parcels"]

    data = manifest_data(manifest=manifest["manifest"])
    text = pdf_text(manifest_pdf(manifest=manifest["manifest"]))

    assert data["master_waybill"] == "MWB-KUL-CN-0001"
    assert data["origin_hub"]["code"] == "KUL"
    assert [row["parcel_code"] for row in data["parcels"]] == sorted([first.code, second.code])
    assert [row["weight_grams"] for row in data["parcels"]] == [1040, second.weight_grams]
    assert data["total_weight_grams"] == 1040 + second.weight_grams
    assert data["parcel_count"] == 2
    assert data["total_declared_value"] == [
        {
            "amount": str(
                Money.from_minor_units(first.goods_minor + second.goods_minor, "CNY").amount
            ),
            "currency": "CNY",
        }
    ]
    for expected in (
        "MWB-KUL-CN-0001",
        "KUL",
        first.code,
        second.code,
        "张三",
        f"{data['total_weight_kg']} kg",
        f"{data['total_declared_value'][0]['amount']} CNY",
        *(f"{row['declared_value']['amount']} CNY" for row in data["parcels"]),
        "200799",
    ):
        assert expected in text, expected


def test_hub_operators_fetch_the_manifest_pdf_and_json_sellers_and_buyers_cannot(manifest, placed):
    pk = manifest["manifest"].pk
    operator = signed_in(UserFactory(role=Role.HUB_OPERATOR))

    pdf = operator.get(f"{API}/hub/manifests/{pk}/documents/manifest.pdf")
    data = operator.get(f"{API}/hub/manifests/{pk}/documents/manifest.json")

    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert data.json()["master_waybill"] == "MWB-KUL-CN-0001"
    for user in (placed["buyer"], SellerStaffFactory(seller=placed["seller"])):
        assert_error(
            signed_in(user).get(f"{API}/hub/manifests/{pk}/documents/manifest.pdf"),
            403,
            "permission_denied",
        )
    assert_error(operator.get(f"{API}/hub/manifests/999999/documents/manifest.pdf"), 404,
                 "not_found")  # fmt: skip
