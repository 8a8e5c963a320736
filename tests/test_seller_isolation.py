"""Staff of one seller can never read or change another seller's data: every seller endpoint.

Seller A attacks seller B, as A's staff (session) and with A's API key. Every operation under
``/seller`` in the OpenAPI schema must have an entry in ``ISOLATION_CHECKS``;
``test_every_seller_endpoint_has_an_isolation_check`` fails when a new one does not, so a new
seller endpoint cannot ship without an isolation test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from ehub.accounts.models import Role
from ehub.accounts.tests.factories import UserFactory
from ehub.catalog.models import Product, ProductTranslation, Variant
from ehub.catalog.tests.factories import CategoryFactory, ProductFactory, VariantFactory
from ehub.core.models import AuditEvent
from ehub.sellers.models import Seller, SellerApiKey, SellerMembership
from ehub.sellers.selectors import seller_from_api_key
from ehub.sellers.services import seller_api_key_create
from ehub.sellers.tests.factories import SellerFactory, SellerStaffFactory
from test_logistics_isolation import LOGISTICS_ISOLATION_CHECKS

pytestmark = pytest.mark.django_db

JSON = "application/json"
PREFIX = "/api/v1"


@dataclass
class World:
    seller_a: Seller
    seller_b: Seller
    product_a: Product
    product_b: Product
    key_a: SellerApiKey
    raw_key_a: str
    key_b: SellerApiKey
    raw_key_b: str
    staff_a_client: Client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world() -> World:
    CategoryFactory(slug="pantry")
    seller_a = SellerFactory(slug="a-coffee", display_name="A Coffee", city="Ipoh")
    seller_b = SellerFactory(slug="b-batik", display_name="B Batik", city="George Town")
    product_a = ProductFactory(seller=seller_a, handle="a-white-coffee", translations={"en": "A"})
    product_b = ProductFactory(seller=seller_b, handle="b-batik-scarf", translations={"en": "B"})
    VariantFactory(product=product_a, sku="A-1", price_minor=1000)
    VariantFactory(product=product_b, sku="B-1", price_minor=9900)
    key_a, raw_key_a = seller_api_key_create(seller=seller_a, name="a-erp", actor=None)
    key_b, raw_key_b = seller_api_key_create(seller=seller_b, name="b-erp", actor=None)
    staff_a_client = Client()
    staff_a_client.force_login(SellerStaffFactory(seller=seller_a))
    SellerStaffFactory(seller=seller_b)
    return World(
        seller_a=seller_a,
        seller_b=seller_b,
        product_a=product_a,
        product_b=product_b,
        key_a=key_a,
        raw_key_a=raw_key_a,
        key_b=key_b,
        raw_key_b=raw_key_b,
        staff_a_client=staff_a_client,
    )


def seller_b_state(world: World) -> dict[str, Any]:
    """Everything of seller B any endpoint could read or change."""
    seller = Seller.objects.get(pk=world.seller_b.pk)
    products = Product.objects.filter(seller=seller).order_by("pk")
    return {
        "seller": {f.attname: getattr(seller, f.attname) for f in Seller._meta.concrete_fields},
        "members": sorted(
            SellerMembership.objects.filter(seller=seller).values_list("user_id", "role")
        ),
        "products": [
            {f.attname: getattr(p, f.attname) for f in Product._meta.concrete_fields}
            for p in products
        ],
        "translations": sorted(
            ProductTranslation.objects.filter(product__seller=seller).values_list(
                "product_id", "language", "title", "description"
            )
        ),
        "variants": sorted(
            Variant.objects.filter(seller=seller).values_list(
                "id", "product_id", "sku", "price_minor", "stock_quantity", "weight_grams"
            )
        ),
        "keys": sorted(
            SellerApiKey.objects.filter(seller=seller).values_list(
                "id", "name", "prefix", "key_digest", "revoked_at"
            )
        ),
        "events": AuditEvent.objects.filter(subject_type="seller", subject_id=str(seller.pk))
        .exclude(tag="seller:updated")
        .count(),
    }


# -- callers ----------------------------------------------------------------------------------
def as_staff(world: World) -> tuple[Client, dict[str, str]]:
    return world.staff_a_client, {}


def as_key(world: World) -> tuple[Client, dict[str, str]]:
    return Client(), {"Authorization": f"Bearer {world.raw_key_a}"}


def as_key_header(world: World) -> tuple[Client, dict[str, str]]:
    return Client(), {"X-API-Key": world.raw_key_a}


CALLERS = {"staff_session": as_staff, "api_key_bearer": as_key, "api_key_header": as_key_header}


def call(world: World, caller: str, method: str, path: str, body: Any = None):
    client, headers = CALLERS[caller](world)
    kwargs: dict[str, Any] = {"headers": headers}
    if body is not None:
        kwargs.update(data=body, content_type=JSON)
    return getattr(client, method.lower())(PREFIX + path, **kwargs)


def product_payload(handle: str, sku: str) -> dict[str, Any]:
    return {
        "handle": handle,
        "hs_code": "090121",
        "translations": {"en": {"title": "Hijacked"}},
        "variants": [{"sku": sku, "price": "0.01", "weight_grams": 1, "stock_quantity": 0}],
    }


NOT_FOUND_PRODUCT = {"code": "product_not_found", "message": "no such product", "detail": None}


def assert_session_only_refused(response) -> None:
    """A key never manages keys or signs businesses up: 401, as if anonymous."""
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


# -- one check per seller endpoint ------------------------------------------------------------
def check_get_seller(world: World, caller: str) -> None:
    response = call(world, caller, "GET", "/seller")

    assert response.status_code == 200
    assert response.json()["id"] == world.seller_a.pk
    assert response.json()["slug"] == "a-coffee"
    assert "b-batik" not in response.content.decode()


def check_patch_seller(world: World, caller: str) -> None:
    response = call(
        world,
        caller,
        "PATCH",
        "/seller",
        {"id": world.seller_b.pk, "slug": "b-batik", "city": "Kuala Lumpur"},
    )

    assert response.status_code == 200
    assert response.json()["id"] == world.seller_a.pk
    assert Seller.objects.get(pk=world.seller_a.pk).city == "Kuala Lumpur"
    assert Seller.objects.get(pk=world.seller_b.pk).city == "George Town"


def check_list_api_keys(world: World, caller: str) -> None:
    response = call(world, caller, "GET", "/seller/api-keys")

    if caller != "staff_session":
        assert_session_only_refused(response)
        return
    assert response.status_code == 200
    assert [k["id"] for k in response.json()] == [world.key_a.pk]
    assert world.key_b.prefix not in response.content.decode()


def check_create_api_key(world: World, caller: str) -> None:
    keys_before = SellerApiKey.objects.count()

    response = call(
        world, caller, "POST", "/seller/api-keys", {"name": "x", "seller": world.seller_b.pk}
    )

    if caller != "staff_session":
        assert_session_only_refused(response)
        assert SellerApiKey.objects.count() == keys_before
        return
    assert response.status_code == 201
    created = SellerApiKey.objects.get(pk=response.json()["id"])
    assert created.seller == world.seller_a
    assert seller_from_api_key(raw_key=response.json()["key"]) == world.seller_a


def check_revoke_api_key(world: World, caller: str) -> None:
    response = call(world, caller, "DELETE", f"/seller/api-keys/{world.key_b.pk}")

    if caller != "staff_session":
        assert_session_only_refused(response)
    else:
        assert response.status_code == 404
        assert response.json()["code"] == "api_key_not_found"
    assert SellerApiKey.objects.get(pk=world.key_b.pk).revoked_at is None
    assert seller_from_api_key(raw_key=world.raw_key_b) == world.seller_b


def check_list_products(world: World, caller: str) -> None:
    response = call(world, caller, "GET", "/seller/products")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert [p["id"] for p in response.json()["items"]] == [world.product_a.pk]
    assert "b-batik-scarf" not in response.content.decode()


def check_create_product(world: World, caller: str) -> None:
    # B's handle and SKU, and B's id smuggled in: the product is A's, and B is untouched.
    body = {**product_payload("b-batik-scarf", "B-1"), "seller": world.seller_b.pk}

    response = call(world, caller, "POST", "/seller/products", body)

    assert response.status_code == 201
    created = Product.objects.get(pk=response.json()["id"])
    assert created.seller == world.seller_a
    assert Variant.objects.get(product=created).seller == world.seller_a


def check_get_product(world: World, caller: str) -> None:
    response = call(world, caller, "GET", f"/seller/products/{world.product_b.pk}")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND_PRODUCT


def check_replace_product(world: World, caller: str) -> None:
    response = call(
        world,
        caller,
        "PUT",
        f"/seller/products/{world.product_b.pk}",
        product_payload("stolen", "B-1"),
    )

    assert response.status_code == 404
    assert response.json() == NOT_FOUND_PRODUCT


def check_patch_product(world: World, caller: str) -> None:
    response = call(
        world,
        caller,
        "PATCH",
        f"/seller/products/{world.product_b.pk}",
        {"status": "draft", "variants": [{"sku": "B-1", "price": "0.01", "stock_quantity": 0}]},
    )

    assert response.status_code == 404
    assert response.json() == NOT_FOUND_PRODUCT


def check_archive_product(world: World, caller: str) -> None:
    response = call(world, caller, "DELETE", f"/seller/products/{world.product_b.pk}")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND_PRODUCT
    assert Product.objects.get(pk=world.product_b.pk).status == "active"


def check_seller_sign_up(world: World, caller: str) -> None:
    # Signing up a business with B's registration: A's staff already work for a seller.
    sellers_before = Seller.objects.count()
    body = {
        "legal_name": "B Batik Sdn Bhd",
        "country": "MY",
        "registration_number": world.seller_b.registration_number,
        "contact_email": "x@example.test",
        "payout_currency": "MYR",
    }

    response = call(world, caller, "POST", "/sellers", body)

    if caller != "staff_session":
        assert_session_only_refused(response)
    else:
        assert response.status_code == 409
        assert response.json()["code"] == "already_seller_staff"
    assert Seller.objects.count() == sellers_before


def check_seller_statement(world: World, caller: str) -> None:
    from decimal import Decimal

    from ehub.core.money import Money
    from ehub.ledger.domain import ReleaseBreakdown
    from ehub.ledger.services import escrow_fund, escrow_release

    for ref, seller, amount in (
        ("ORD-A", world.seller_a, "10.00"),
        ("ORD-B", world.seller_b, "99.00"),
    ):
        escrow_fund(order_ref=ref, amount=Money(amount, "MYR"), provider="sandbox",
                    idempotency_key=f"pay-{ref}")  # fmt: skip
        escrow_release(
            order_ref=ref,
            breakdown=ReleaseBreakdown(goods=Money(amount, "MYR"), shipping=Money("0.00", "MYR")),
            seller=seller,
            rate=Decimal("1"),
        )

    response = call(world, caller, "GET", "/seller/statement?currency=MYR")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["seller_id"] == world.seller_a.pk
    assert [line["reference"] for line in body["lines"]] == ["ORD-A"]
    assert body["balance"]["amount"] == "9.50"  # 10.00 less the default 5% commission
    assert "ORD-B" not in response.content.decode()


def _parcel_now_seller_bs(world: World, caller: str) -> str:
    """A placed order's parcel: A's first (A may fetch its documents), then handed to seller B
    (the order is placed on a product of A's, so B's catalog and stock stay as snapshotted).
    Returns the parcel code."""
    from ehub.orders.models import OrderParcel
    from ehub.orders.services import order_place
    from ehub.orders.tests.helpers import cn_quote, fx_rates, markets, variant

    markets()
    fx_rates()
    buyer = UserFactory()
    goods = variant(seller=world.seller_a)
    order = order_place(buyer=buyer, quote_id=cn_quote(buyer, [(goods, 1)]).public_id)
    parcel = order.parcels.get()
    own = call(world, caller, "GET", f"/seller/parcels/{parcel.code}/documents/label.json")
    assert own.status_code == 200, own.content
    assert own.json()["parcel_code"] == parcel.code
    OrderParcel.objects.filter(pk=parcel.pk).update(seller=world.seller_b)
    return parcel.code


def check_parcel_document_pdf(world: World, caller: str) -> None:
    code = _parcel_now_seller_bs(world, caller)

    response = call(world, caller, "GET", f"/seller/parcels/{code}/documents/label.pdf")

    assert response.status_code == 404
    assert response.json() == {
        "code": "parcel_not_found",
        "message": f"no parcel {code}",
        "detail": None,
    }


def check_parcel_document_json(world: World, caller: str) -> None:
    code = _parcel_now_seller_bs(world, caller)

    response = call(world, caller, "GET", f"/seller/parcels/{code}/documents/cn23.json")

    assert response.status_code == 404
    assert response.json()["code"] == "parcel_not_found"
    assert world.seller_b.legal_name not in response.content.decode()


ISOLATION_CHECKS: dict[tuple[str, str], Callable[[World, str], None]] = {
    ("GET", "/seller"): check_get_seller,
    ("PATCH", "/seller"): check_patch_seller,
    ("GET", "/seller/api-keys"): check_list_api_keys,
    ("POST", "/seller/api-keys"): check_create_api_key,
    ("DELETE", "/seller/api-keys/{key_id}"): check_revoke_api_key,
    ("GET", "/seller/products"): check_list_products,
    ("POST", "/seller/products"): check_create_product,
    ("GET", "/seller/products/{product_id}"): check_get_product,
    ("PUT", "/seller/products/{product_id}"): check_replace_product,
    ("PATCH", "/seller/products/{product_id}"): check_patch_product,
    ("DELETE", "/seller/products/{product_id}"): check_archive_product,
    ("POST", "/sellers"): check_seller_sign_up,
    ("GET", "/seller/statement"): check_seller_statement,
    ("GET", "/seller/parcels/{code}/documents/{kind}.pdf"): check_parcel_document_pdf,
    ("GET", "/seller/parcels/{code}/documents/{kind}.json"): check_parcel_document_json,
}
# Logistics' /seller/parcels endpoints, checked against this module's world (their checks live
# next to the logistics tests).
ISOLATION_CHECKS.update(LOGISTICS_ISOLATION_CHECKS)

COVERED = set(ISOLATION_CHECKS)


@pytest.mark.parametrize("caller", sorted(CALLERS))
@pytest.mark.parametrize("operation", sorted(ISOLATION_CHECKS), ids=lambda op: f"{op[0]} {op[1]}")
def test_seller_a_cannot_read_or_change_seller_b(world, caller, operation):
    before = seller_b_state(world)

    ISOLATION_CHECKS[operation](world, caller)

    assert seller_b_state(world) == before


# -- the meta-test ----------------------------------------------------------------------------
def seller_operations(client: Client) -> set[tuple[str, str]]:
    schema = client.get(f"{PREFIX}/openapi.json").json()
    operations = set()
    for full_path, methods in schema["paths"].items():
        path = full_path.removeprefix(PREFIX)
        if not path.startswith("/seller"):
            continue
        for method in methods:
            if method.lower() in {"get", "post", "put", "patch", "delete"}:
                operations.add((method.upper(), path))
    return operations


def test_every_seller_endpoint_has_an_isolation_check(client):
    operations = seller_operations(client)

    missing = sorted(operations - COVERED)
    stale = sorted(COVERED - operations)
    assert not missing, f"seller endpoints without an isolation check: {missing}"
    assert not stale, f"isolation checks for endpoints that no longer exist: {stale}"
    assert len(operations) >= 11


# -- callers who are not seller staff ---------------------------------------------------------
def concrete(path: str, world: World) -> str:
    return path.replace("{product_id}", str(world.product_b.pk)).replace(
        "{key_id}", str(world.key_b.pk)
    )


def all_state(world: World) -> dict[str, Any]:
    return {
        "b": seller_b_state(world),
        "a_products": sorted(
            Product.objects.filter(seller=world.seller_a).values_list("id", "status")
        ),
        "sellers": sorted(Seller.objects.values_list("id", "city", "verification_status")),
        "keys": sorted(SellerApiKey.objects.values_list("id", "revoked_at")),
        "products": Product.objects.count(),
    }


# Valid bodies, so that the answer is about who calls, not about what was sent.
VALID_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/seller/api-keys"): {"name": "x"},
    ("POST", "/seller/products"): product_payload("x", "X-1"),
    ("PUT", "/seller/products/{product_id}"): product_payload("x", "X-1"),
}


@pytest.mark.parametrize(
    "operation",
    sorted(op for op in ISOLATION_CHECKS if op != ("POST", "/sellers")),
    ids=lambda op: f"{op[0]} {op[1]}",
)
def test_a_buyer_without_a_seller_gets_403_not_seller_staff(world, operation):
    method, path = operation
    buyer = Client()
    buyer.force_login(UserFactory(role=Role.BUYER))
    before = all_state(world)

    response = getattr(buyer, method.lower())(
        PREFIX + concrete(path, world), data=VALID_BODIES.get(operation, {}), content_type=JSON
    )

    assert response.status_code == 403
    assert response.json() == {
        "code": "not_seller_staff",
        "message": "this account does not work for a seller",
        "detail": None,
    }
    assert all_state(world) == before


@pytest.mark.parametrize("operation", sorted(ISOLATION_CHECKS), ids=lambda op: f"{op[0]} {op[1]}")
def test_anonymous_gets_401(world, client, operation):
    method, path = operation
    before = all_state(world)

    response = getattr(client, method.lower())(
        PREFIX + concrete(path, world), data={}, content_type=JSON
    )

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert all_state(world) == before


@pytest.mark.parametrize("operation", sorted(ISOLATION_CHECKS), ids=lambda op: f"{op[0]} {op[1]}")
def test_seller_bs_revoked_key_cannot_be_used_against_anything(world, client, operation):
    """A revoked key is as good as none: B's own revoked key cannot reach B's data either."""
    from ehub.sellers.services import seller_api_key_revoke

    seller_api_key_revoke(seller=world.seller_b, key_id=world.key_b.pk, actor=None)
    method, path = operation
    before = all_state(world)

    response = getattr(client, method.lower())(
        PREFIX + concrete(path, world),
        data={},
        content_type=JSON,
        headers={"Authorization": f"Bearer {world.raw_key_b}"},
    )

    assert response.status_code == 401
    assert all_state(world) == before
