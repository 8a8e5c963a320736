"""Seller A's staff (session) and API keys can never read or move seller B's parcels: one check
per logistics seller endpoint, with a meta-test that every ``/seller/parcels`` operation has one.

``LOGISTICS_ISOLATION_CHECKS`` has the same shape as ``ISOLATION_CHECKS`` in
``test_seller_isolation.py`` (a check takes a world with ``seller_a``, ``seller_b``,
``staff_a_client`` and ``raw_key_a``, and a caller name) and leaves seller B's catalog untouched,
so that module can merge it into its own table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from ehub.core.models import AuditEvent
from ehub.logistics.domain import ParcelStatus
from ehub.logistics.models import Parcel
from ehub.logistics.tests.helpers import bare_paid_parcel
from ehub.orders.models import Order
from ehub.sellers.services import seller_api_key_create
from ehub.sellers.tests.factories import SellerFactory, SellerStaffFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"
PREFIX = "/api/v1"


@dataclass
class World:
    seller_a: Any
    seller_b: Any
    raw_key_a: str
    staff_a_client: Client


@pytest.fixture
def world() -> World:
    seller_a = SellerFactory(slug="a-coffee", country="MY")
    seller_b = SellerFactory(slug="b-batik", country="MY")
    _, raw_key_a = seller_api_key_create(seller=seller_a, name="a-erp", actor=None)
    staff_a_client = Client()
    staff_a_client.force_login(SellerStaffFactory(seller=seller_a))
    return World(
        seller_a=seller_a, seller_b=seller_b, raw_key_a=raw_key_a, staff_a_client=staff_a_client
    )


def _call(world: Any, caller: str, method: str, path: str, body: Any = None):
    if caller == "staff_session":
        client, headers = world.staff_a_client, {}
    elif caller == "api_key_bearer":
        client, headers = Client(), {"Authorization": f"Bearer {world.raw_key_a}"}
    else:
        client, headers = Client(), {"X-API-Key": world.raw_key_a}
    kwargs: dict[str, Any] = {"headers": headers}
    if body is not None:
        kwargs.update(data=body, content_type=JSON)
    return getattr(client, method.lower())(PREFIX + path, **kwargs)


def _state(parcel: Parcel) -> tuple:
    fresh = Parcel.objects.get(pk=parcel.pk)
    return (
        fresh.status,
        fresh.restocked,
        fresh.updated_at,
        Order.objects.get(pk=fresh.order_parcel.order_id).status,
        AuditEvent.objects.filter(subject_type="parcel", subject_id=str(parcel.pk)).count(),
    )


def _assert_not_found(response, code: str) -> None:
    assert response.status_code == 404, response.content
    assert response.json() == {
        "code": "logistics_parcel_not_found",
        "message": f"no parcel {code}",
        "detail": {"parcel": code},
    }


def check_list_parcels(world: Any, caller: str) -> None:
    mine = bare_paid_parcel(world.seller_a)
    theirs = bare_paid_parcel(world.seller_b)

    response = _call(world, caller, "GET", "/seller/parcels")

    assert response.status_code == 200
    assert [p["code"] for p in response.json()] == [mine.code]
    assert theirs.code not in response.content.decode()


def check_get_parcel(world: Any, caller: str) -> None:
    theirs = bare_paid_parcel(world.seller_b)

    response = _call(world, caller, "GET", f"/seller/parcels/{theirs.code}")

    _assert_not_found(response, theirs.code)


def check_hand_over(world: Any, caller: str) -> None:
    theirs = bare_paid_parcel(world.seller_b)
    before = _state(theirs)

    response = _call(world, caller, "POST", f"/seller/parcels/{theirs.code}/handover")

    _assert_not_found(response, theirs.code)
    assert _state(theirs) == before
    assert before[0] == ParcelStatus.AWAITING_HANDOVER


def check_returned(world: Any, caller: str) -> None:
    theirs = bare_paid_parcel(world.seller_b)
    Parcel.objects.filter(pk=theirs.pk).update(status=ParcelStatus.RETURNING)
    before = _state(theirs)

    response = _call(
        world, caller, "POST", f"/seller/parcels/{theirs.code}/returned", {"restock": True}
    )

    _assert_not_found(response, theirs.code)
    assert _state(theirs) == before


LOGISTICS_ISOLATION_CHECKS: dict[tuple[str, str], Callable[[Any, str], None]] = {
    ("GET", "/seller/parcels"): check_list_parcels,
    ("GET", "/seller/parcels/{code}"): check_get_parcel,
    ("POST", "/seller/parcels/{code}/handover"): check_hand_over,
    ("POST", "/seller/parcels/{code}/returned"): check_returned,
}
CALLERS = ["api_key_bearer", "api_key_header", "staff_session"]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(
    "operation", sorted(LOGISTICS_ISOLATION_CHECKS), ids=lambda op: f"{op[0]} {op[1]}"
)
def test_seller_a_cannot_read_or_move_seller_b_parcels(world, caller, operation):
    LOGISTICS_ISOLATION_CHECKS[operation](world, caller)


def test_every_logistics_seller_endpoint_has_an_isolation_check(client):
    schema = client.get(f"{PREFIX}/openapi.json").json()
    operations = {
        (method.upper(), path.removeprefix(PREFIX))
        for path, methods in schema["paths"].items()
        if path.removeprefix(PREFIX).startswith("/seller/parcels")
        for method, operation in methods.items()
        if "seller parcels" in operation.get("tags", [])  # logistics' own (documents has its own)
    }

    assert operations == set(LOGISTICS_ISOLATION_CHECKS)


def test_a_seller_moves_its_own_parcel_with_its_key(world):
    mine = bare_paid_parcel(world.seller_a)

    response = _call(world, "api_key_bearer", "POST", f"/seller/parcels/{mine.code}/handover")

    assert response.status_code == 200
    assert response.json()["status"] == "handed_over"


def test_a_buyer_is_not_seller_staff(world):
    from ehub.accounts.tests.factories import UserFactory

    buyer = Client()
    buyer.force_login(UserFactory())

    assert buyer.get(f"{PREFIX}/seller/parcels").status_code == 403
    assert Client().get(f"{PREFIX}/seller/parcels").status_code == 401
