"""Customs clearance over HTTP: the authority callback endpoint, a parcel's declaration (hub
operators, platform admins, the parcel's seller only), the held list and the hub's actions."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ehub.accounts.tests.factories import UserFactory
from ehub.customs.clearance import declaration_prepare, declaration_submit
from ehub.customs.clearance_hooks import only_decision_listeners
from ehub.customs.models import AuthorityCallback, CustomsDeclaration, SandboxAuthorityMessage
from ehub.customs.sandbox_authority import sandbox_signed_headers
from ehub.customs.tests.clearance_support import WAYBILL, Told, cn_parcel, rules_file, sg_parcel
from ehub.orders.tests.helpers import signed_in
from ehub.sellers.services import seller_api_key_create
from ehub.sellers.tests.factories import SellerFactory, SellerStaffFactory

pytestmark = pytest.mark.django_db

HOLD_TEA = """
[[rule]]
name = "tea"
outcome = "held"
reason = "tea needs a certificate"
hs_prefixes = ["0902"]
documents = ["certificate"]
"""
ERROR_KEYS = {"code", "message", "detail"}


@pytest.fixture(autouse=True)
def rules(settings, tmp_path):
    settings.EHUB_CUSTOMS_SANDBOX_RULES = rules_file(tmp_path, HOLD_TEA)


@pytest.fixture
def told():
    listener = Told()
    with only_decision_listeners(listener):
        yield listener


def held(capture) -> CustomsDeclaration:
    declaration = declaration_prepare(parcel=sg_parcel(hs_code="090230"), waybill=WAYBILL)
    with capture(execute=True):
        declaration_submit(declaration=declaration)
    declaration.refresh_from_db()
    assert declaration.status == "held"
    return declaration


def url(declaration: CustomsDeclaration) -> str:
    return f"/api/v1/customs/parcels/{declaration.order_parcel.code}/declaration"


def error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == code
    return body


# -- reading a parcel's declaration -------------------------------------------------------------
@pytest.mark.parametrize("role", ["hub_operator", "platform_admin"])
def test_hub_staff_read_a_parcels_declaration(role, django_capture_on_commit_callbacks):
    declaration = held(django_capture_on_commit_callbacks)

    response = signed_in(UserFactory(role=role)).get(url(declaration))

    body = response.json()
    assert response.status_code == 200
    assert (body["id"], body["status"], body["parcel"]) == (
        declaration.pk,
        "held",
        declaration.order_parcel.code,
    )
    assert body["documents_requested"] == ["certificate"]
    assert [d["decision"] for d in body["decisions"]] == ["held"]
    assert [s["number"] for s in body["submissions"]] == [1]
    assert body["content"]["lines"][0]["hs_code"] == "090230"


def test_the_parcels_seller_reads_it_by_session_or_api_key(django_capture_on_commit_callbacks):
    declaration = held(django_capture_on_commit_callbacks)
    seller = declaration.order_parcel.seller
    _, raw_key = seller_api_key_create(seller=seller, name="erp", actor=None)

    by_session = signed_in(SellerStaffFactory(seller=seller)).get(url(declaration))
    by_key = Client().get(url(declaration), HTTP_AUTHORIZATION=f"Bearer {raw_key}")

    assert (by_session.status_code, by_key.status_code) == (200, 200)
    assert by_key.json()["id"] == declaration.pk


def test_the_buyer_identity_digest_is_never_shown(django_capture_on_commit_callbacks):
    declaration = declaration_prepare(parcel=cn_parcel(), waybill=WAYBILL)

    body = signed_in(UserFactory(role="hub_operator")).get(url(declaration)).json()

    assert body["content"]["consignee"]["identity"] == {
        "name": "张三",
        "id_masked": declaration.content["consignee"]["identity"]["id_masked"],
    }
    assert declaration.content["consignee"]["identity"]["id_digest"] not in str(body)


def test_anyone_else_gets_a_404_and_no_sign_in_a_401(django_capture_on_commit_callbacks):
    declaration = held(django_capture_on_commit_callbacks)
    buyer = declaration.order_parcel.order.buyer

    for client in (
        signed_in(buyer),
        signed_in(UserFactory()),
        signed_in(SellerStaffFactory(seller=SellerFactory())),
    ):
        error(client.get(url(declaration)), 404, "declaration_unknown")
    error(Client().get(url(declaration)), 401, "not_authenticated")


def test_a_malformed_parcel_code_is_a_422():
    response = signed_in(UserFactory(role="hub_operator")).get(
        "/api/v1/customs/parcels/NOPE/declaration"
    )

    error(response, 422, "invalid_parcel_code")


def test_hub_staff_list_held_declarations(django_capture_on_commit_callbacks):
    declaration = held(django_capture_on_commit_callbacks)

    response = signed_in(UserFactory(role="hub_operator")).get("/api/v1/customs/declarations/held")
    denied = signed_in(UserFactory()).get("/api/v1/customs/declarations/held")

    assert [d["id"] for d in response.json()] == [declaration.pk]
    error(denied, 403, "permission_denied")


# -- hub actions ----------------------------------------------------------------------------------
def test_a_hub_operator_resolves_a_hold_over_http(told, django_capture_on_commit_callbacks):
    declaration = held(django_capture_on_commit_callbacks)
    client = signed_in(UserFactory(role="hub_operator"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/customs/declarations/{declaration.pk}/resolve",
            {"documents": ["certificate"], "note": "emailed"},
            content_type="application/json",
        )

    assert response.status_code == 200
    declaration.refresh_from_db()
    assert (declaration.status, declaration.attempts) == ("cleared", 2)
    assert told.outcomes == ["held", "cleared"]


def test_a_platform_admin_returns_a_parcel_to_its_seller(told, django_capture_on_commit_callbacks):
    declaration = held(django_capture_on_commit_callbacks)
    client = signed_in(UserFactory(role="platform_admin"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/customs/declarations/{declaration.pk}/return",
            {"reason": "no certificate exists"},
            content_type="application/json",
        )

    assert (response.status_code, response.json()["status"]) == (200, "returned")
    assert told.outcomes == ["held", "returned"]


@pytest.mark.parametrize("action", ["resolve", "return"])
def test_only_hub_staff_act_on_holds(action, django_capture_on_commit_callbacks):
    declaration = held(django_capture_on_commit_callbacks)
    seller_staff = SellerStaffFactory(seller=declaration.order_parcel.seller)

    for client in (signed_in(declaration.order_parcel.order.buyer), signed_in(seller_staff)):
        response = client.post(
            f"/api/v1/customs/declarations/{declaration.pk}/{action}",
            {"documents": ["certificate"], "reason": "r"},
            content_type="application/json",
        )
        error(response, 403, "permission_denied")

    declaration.refresh_from_db()
    assert (declaration.status, declaration.attempts) == ("held", 1)


def test_resolving_without_anything_or_an_unknown_declaration_is_refused(
    django_capture_on_commit_callbacks,
):
    declaration = held(django_capture_on_commit_callbacks)
    client = signed_in(UserFactory(role="hub_operator"))

    empty = client.post(
        f"/api/v1/customs/declarations/{declaration.pk}/resolve",
        {},
        content_type="application/json",
    )
    unknown = client.post(
        "/api/v1/customs/declarations/99999/return",
        {"reason": "x"},
        content_type="application/json",
    )

    error(empty, 422, "declaration_nothing_supplied")
    error(unknown, 404, "declaration_unknown")


# -- the callback endpoint ------------------------------------------------------------------------
def post_callback(body: bytes, headers: dict[str, str], authority: str = "sandbox") -> Any:
    extra: dict[str, Any] = {
        f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items() if k != "Content-Type"
    }
    return Client(enforce_csrf_checks=True).post(
        f"/api/v1/customs/authorities/{authority}/callback",
        data=body,
        content_type="application/json",
        **extra,
    )


def test_the_callback_endpoint_applies_a_signed_decision_and_acks_a_duplicate(
    told, django_capture_on_commit_callbacks
):
    declaration = declaration_prepare(parcel=sg_parcel(), waybill=WAYBILL)
    with django_capture_on_commit_callbacks(execute=False):
        declaration_submit(declaration=declaration)
    body = SandboxAuthorityMessage.objects.get().body.encode()

    with django_capture_on_commit_callbacks(execute=True):
        first = post_callback(body, sandbox_signed_headers(body=body))
    second = post_callback(body, sandbox_signed_headers(body=body))

    assert (first.status_code, first.json()) == (200, {"received": True})
    assert (second.status_code, second.json()) == (200, {"received": True})
    declaration.refresh_from_db()
    assert declaration.status == "cleared"
    assert told.outcomes == ["cleared"]
    assert list(AuthorityCallback.objects.order_by("id").values_list("verdict", flat=True)) == [
        "accepted",
        "duplicate",
    ]


def test_the_callback_endpoint_refuses_an_unsigned_callback(django_capture_on_commit_callbacks):
    declaration = declaration_prepare(parcel=sg_parcel(), waybill=WAYBILL)
    with django_capture_on_commit_callbacks(execute=False):
        declaration_submit(declaration=declaration)
    body = SandboxAuthorityMessage.objects.get().body.encode()

    response = post_callback(body, {})

    body_json = error(response, 400, "customs_bad_signature")
    assert body_json["detail"] == {"verdict": "bad_signature"}
    declaration.refresh_from_db()
    assert declaration.status == "submitted"
    assert AuthorityCallback.objects.get().verdict == "bad_signature"
    error(post_callback(b"{}", {}, authority="atlantis"), 404, "customs_unknown_authority")
