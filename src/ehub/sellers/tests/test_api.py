"""Sellers through the HTTP API: sign-up, the signed-in seller, API keys, verification."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from ehub.accounts.models import Role
from ehub.accounts.tests.factories import UserFactory
from ehub.core.events import audit_events_for
from ehub.core.models import AuditEvent
from ehub.sellers.models import Seller, SellerApiKey, SellerMembership
from ehub.sellers.services import seller_api_key_create, seller_api_key_revoke
from ehub.sellers.tests.factories import SellerFactory, SellerStaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


JSON = "application/json"

SIGN_UP = {
    "legal_name": "Maison Lavande SARL",
    "display_name": "Maison Lavande",
    "country": "FR",
    "region": "FR-PAC",
    "city": "Grasse",
    "address_line1": "5 rue Jean Ossola",
    "postal_code": "06130",
    "registration_number": "73282932000074",
    "contact_name": "Claire Martin",
    "contact_email": "bonjour@lavande.example",
    "payout_currency": "EUR",
    "description": {"en": "Lavender skincare", "fr": "Soins à la lavande"},
}

NOT_AUTHENTICATED = {
    "code": "not_authenticated",
    "message": "sign in, or send a seller API key (Authorization: Bearer ehub_sk_...)",
    "detail": None,
}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def seller_json(seller: Seller) -> dict:
    return {
        "id": seller.pk,
        "slug": seller.slug,
        "legal_name": seller.legal_name,
        "display_name": seller.display_name,
        "country": seller.country,
        "region": seller.region,
        "city": seller.city,
        "address_line1": seller.address_line1,
        "address_line2": seller.address_line2,
        "postal_code": seller.postal_code,
        "registration_number": seller.registration_number,
        "contact_name": seller.contact_name,
        "contact_email": seller.contact_email,
        "contact_phone": seller.contact_phone,
        "payout_currency": seller.payout_currency,
        "description": seller.description,
        "verification_status": seller.verification_status,
        "rejection_reason": seller.rejection_reason,
        "verified_at": None,
    }


def seller_state(seller: Seller) -> dict:
    seller.refresh_from_db()
    return {f.attname: getattr(seller, f.attname) for f in Seller._meta.concrete_fields}


# -- sign-up ----------------------------------------------------------------------------------
def test_sign_up_creates_a_pending_seller_owned_by_the_caller():
    user = UserFactory()

    response = signed_in(user).post("/api/v1/sellers", SIGN_UP, content_type=JSON)

    assert response.status_code == 201
    seller = Seller.objects.get()
    assert response.json() == {
        "id": seller.pk,
        "slug": "maison-lavande",
        "legal_name": "Maison Lavande SARL",
        "display_name": "Maison Lavande",
        "country": "FR",
        "region": "FR-PAC",
        "city": "Grasse",
        "address_line1": "5 rue Jean Ossola",
        "address_line2": "",
        "postal_code": "06130",
        "registration_number": "73282932000074",
        "contact_name": "Claire Martin",
        "contact_email": "bonjour@lavande.example",
        "contact_phone": "",
        "payout_currency": "EUR",
        "description": {"en": "Lavender skincare", "fr": "Soins à la lavande"},
        "verification_status": "pending",
        "rejection_reason": "",
        "verified_at": None,
    }
    assert SellerMembership.objects.get(user=user).seller == seller


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"country": "ZZ"}, "country"),
        ({"region": "US-MI"}, "region"),
        ({"payout_currency": "EURO"}, "payout_currency"),
        ({"registration_number": "73282932000075"}, "registration_number"),
        (
            {"country": "US", "region": "US-MI", "registration_number": "07-1234567"},
            "registration_number",
        ),
    ],
)
def test_sign_up_validation_errors_name_the_field(changes, field):
    user = UserFactory()

    response = signed_in(user).post("/api/v1/sellers", {**SIGN_UP, **changes}, content_type=JSON)

    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == "invalid_seller"
    assert body["detail"] == {"field": field}
    assert Seller.objects.count() == 0
    assert not SellerMembership.objects.filter(user=user).exists()


def test_sign_up_without_a_required_field_is_422_naming_it():
    response = signed_in(UserFactory()).post(
        "/api/v1/sellers",
        {k: v for k, v in SIGN_UP.items() if k != "payout_currency"},
        content_type=JSON,
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert [e["field"] for e in response.json()["detail"]] == ["payout_currency"]
    assert Seller.objects.count() == 0


def test_a_duplicate_registration_is_409():
    signed_in(UserFactory()).post("/api/v1/sellers", SIGN_UP, content_type=JSON)

    response = signed_in(UserFactory()).post(
        "/api/v1/sellers", {**SIGN_UP, "display_name": "Lavande Bis"}, content_type=JSON
    )

    assert response.status_code == 409
    assert response.json() == {
        "code": "duplicate_registration",
        "message": "a seller with this registration number already exists in this country",
        "detail": {"field": "registration_number"},
    }
    assert Seller.objects.count() == 1


def test_sign_up_needs_a_session(client):
    response = client.post("/api/v1/sellers", SIGN_UP, content_type=JSON)

    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED
    assert Seller.objects.count() == 0


# -- the signed-in seller ---------------------------------------------------------------------
def test_staff_read_their_seller(seller_client, seller_staff):
    seller = seller_staff.seller_membership.seller

    response = seller_client.get("/api/v1/seller")

    assert response.status_code == 200
    expected = seller_json(seller)
    expected["verified_at"] = response.json()["verified_at"]
    assert response.json() == expected


def test_staff_update_their_seller(seller_client, seller_staff):
    seller = seller_staff.seller_membership.seller

    response = seller_client.patch(
        "/api/v1/seller", {"city": "Balik Pulau", "contact_phone": "+60 4 866"}, content_type=JSON
    )

    assert response.status_code == 200
    assert (response.json()["city"], response.json()["contact_phone"]) == (
        "Balik Pulau",
        "+60 4 866",
    )
    seller.refresh_from_db()
    assert (seller.city, seller.contact_phone) == ("Balik Pulau", "+60 4 866")
    event = audit_events_for(seller).get(tag="seller:updated")
    assert event.actor == seller_staff


def test_patch_with_a_region_of_another_country_is_422_and_changes_nothing(
    seller_client, seller_staff
):
    seller = seller_staff.seller_membership.seller
    before = seller_state(seller)

    response = seller_client.patch("/api/v1/seller", {"region": "US-MI"}, content_type=JSON)

    assert response.status_code == 422
    assert response.json()["detail"] == {"field": "region"}
    assert seller_state(seller) == before


def test_a_buyer_without_a_seller_gets_403(client):
    buyer = UserFactory(role=Role.BUYER)

    response = signed_in(buyer).get("/api/v1/seller")

    assert response.status_code == 403
    assert response.json() == {
        "code": "not_seller_staff",
        "message": "this account does not work for a seller",
        "detail": None,
    }


def test_anonymous_gets_401(client):
    response = client.get("/api/v1/seller")

    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED


# -- API keys ---------------------------------------------------------------------------------
def test_a_created_key_is_shown_once_and_never_listed_again(seller_client, seller_staff):
    seller = seller_staff.seller_membership.seller

    created = seller_client.post("/api/v1/seller/api-keys", {"name": "ERP"}, content_type=JSON)
    listed = seller_client.get("/api/v1/seller/api-keys")

    assert created.status_code == 201
    key = SellerApiKey.objects.get()
    raw = created.json()["key"]
    assert created.json() == {
        "id": key.pk,
        "name": "ERP",
        "prefix": key.prefix,
        "created_at": created.json()["created_at"],
        "last_used_at": None,
        "revoked_at": None,
        "key": raw,
    }
    assert raw.startswith(f"ehub_sk_{key.prefix}_")
    assert key.seller == seller
    assert key.key_digest == hashlib.sha256(raw.encode()).hexdigest()
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "id": key.pk,
            "name": "ERP",
            "prefix": key.prefix,
            "created_at": created.json()["created_at"],
            "last_used_at": None,
            "revoked_at": None,
        }
    ]
    assert raw not in listed.content.decode()
    # The secret itself (it may contain "_": token_urlsafe), never shown again.
    secret = raw.removeprefix(f"ehub_sk_{key.prefix}_")
    assert len(secret) >= 40
    assert secret not in listed.content.decode()


@pytest.mark.parametrize("style", ["bearer", "x-api-key"])
def test_a_key_authenticates_the_seller_endpoint(client, style):
    seller = SellerFactory()
    _, raw = seller_api_key_create(seller=seller, name="erp", actor=None)
    headers = {"Authorization": f"Bearer {raw}"} if style == "bearer" else {"X-API-Key": raw}

    response = client.get("/api/v1/seller", headers=headers)

    assert response.status_code == 200
    assert response.json()["id"] == seller.pk
    assert response.json()["slug"] == seller.slug


@pytest.mark.parametrize("style", ["bearer", "x-api-key"])
def test_a_key_can_patch_its_seller_without_an_acting_user(client, style):
    seller = SellerFactory(city="George Town")
    _, raw = seller_api_key_create(seller=seller, name="erp", actor=None)
    headers = {"Authorization": f"Bearer {raw}"} if style == "bearer" else {"X-API-Key": raw}

    response = client.patch("/api/v1/seller", {"city": "Ipoh"}, content_type=JSON, headers=headers)

    assert response.status_code == 200
    seller.refresh_from_db()
    assert seller.city == "Ipoh"
    assert audit_events_for(seller).get(tag="seller:updated").actor is None


@pytest.mark.parametrize("style", ["bearer", "x-api-key"])
def test_a_revoked_key_is_401(client, style):
    seller = SellerFactory()
    key, raw = seller_api_key_create(seller=seller, name="erp", actor=None)
    seller_api_key_revoke(seller=seller, key_id=key.pk, actor=None)
    headers = {"Authorization": f"Bearer {raw}"} if style == "bearer" else {"X-API-Key": raw}

    response = client.get("/api/v1/seller", headers=headers)

    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED


@pytest.mark.parametrize("style", ["bearer", "x-api-key"])
def test_a_tampered_key_is_401(client, style):
    seller = SellerFactory()
    _, raw = seller_api_key_create(seller=seller, name="erp", actor=None)
    tampered = raw[:-2] + ("xy" if not raw.endswith("xy") else "yz")
    headers = (
        {"Authorization": f"Bearer {tampered}"} if style == "bearer" else {"X-API-Key": tampered}
    )

    response = client.get("/api/v1/seller", headers=headers)

    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED


def test_keys_cannot_manage_keys(client):
    seller = SellerFactory()
    key, raw = seller_api_key_create(seller=seller, name="erp", actor=None)
    headers = {"Authorization": f"Bearer {raw}"}

    created = client.post(
        "/api/v1/seller/api-keys", {"name": "sneaky"}, content_type=JSON, headers=headers
    )
    listed = client.get("/api/v1/seller/api-keys", headers=headers)
    revoked = client.delete(f"/api/v1/seller/api-keys/{key.pk}", headers=headers)

    assert [created.status_code, listed.status_code, revoked.status_code] == [401, 401, 401]
    assert created.json() == NOT_AUTHENTICATED
    assert list(SellerApiKey.objects.values_list("name", "revoked_at")) == [("erp", None)]


def test_staff_revoke_a_key_and_it_stops_working(seller_client, seller_staff):
    seller = seller_staff.seller_membership.seller
    key, raw = seller_api_key_create(seller=seller, name="erp", actor=None)

    response = seller_client.delete(f"/api/v1/seller/api-keys/{key.pk}")

    assert response.status_code == 200
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert response.json()["revoked_at"] is not None
    assert Client().get("/api/v1/seller", headers={"X-API-Key": raw}).status_code == 401


def test_revoking_an_unknown_key_is_404(seller_client):
    response = seller_client.delete("/api/v1/seller/api-keys/999999")

    assert response.status_code == 404
    assert response.json() == {
        "code": "api_key_not_found",
        "message": "no such API key",
        "detail": None,
    }


# -- verification (platform admins only) ------------------------------------------------------
def verification_url(seller: Seller) -> str:
    return f"/api/v1/admin/sellers/{seller.pk}/verification"


def test_a_platform_admin_verifies_a_seller():
    seller = SellerFactory(verification_status="pending")
    admin = UserFactory(role=Role.PLATFORM_ADMIN)

    response = signed_in(admin).post(
        verification_url(seller), {"status": "verified"}, content_type=JSON
    )

    assert response.status_code == 200
    assert response.json()["verification_status"] == "verified"
    assert response.json()["verified_at"] is not None
    event = audit_events_for(seller).get()
    assert (event.tag, event.actor, event.data) == (
        "seller:verification:verified",
        admin,
        {"from": "pending", "to": "verified", "reason": ""},
    )


def test_a_platform_admin_rejects_a_seller_with_a_reason():
    seller = SellerFactory(verification_status="pending")
    admin = UserFactory(role=Role.PLATFORM_ADMIN)

    response = signed_in(admin).post(
        verification_url(seller),
        {"status": "rejected", "reason": "SIRET belongs to another company"},
        content_type=JSON,
    )

    assert response.status_code == 200
    assert response.json()["verification_status"] == "rejected"
    assert response.json()["rejection_reason"] == "SIRET belongs to another company"
    assert audit_events_for(seller).get().tag == "seller:verification:rejected"


def test_a_rejection_without_a_reason_is_422():
    seller = SellerFactory(verification_status="pending")

    response = signed_in(UserFactory(role=Role.PLATFORM_ADMIN)).post(
        verification_url(seller), {"status": "rejected"}, content_type=JSON
    )

    assert response.status_code == 422
    assert response.json() == {
        "code": "rejection_needs_reason",
        "message": "a rejection needs a reason the seller can act on",
        "detail": {"field": "reason"},
    }
    seller.refresh_from_db()
    assert seller.verification_status == "pending"
    assert not audit_events_for(seller).exists()


def test_an_illegal_transition_is_409():
    seller = SellerFactory(verification_status="verified")

    response = signed_in(UserFactory(role=Role.PLATFORM_ADMIN)).post(
        verification_url(seller), {"status": "rejected", "reason": "x"}, content_type=JSON
    )

    assert response.status_code == 409
    assert response.json()["code"] == "illegal_verification_transition"
    seller.refresh_from_db()
    assert seller.verification_status == "verified"


def test_verifying_an_unknown_seller_is_404():
    response = signed_in(UserFactory(role=Role.PLATFORM_ADMIN)).post(
        "/api/v1/admin/sellers/999999/verification", {"status": "verified"}, content_type=JSON
    )

    assert response.status_code == 404
    assert response.json()["code"] == "seller_not_found"


@pytest.mark.parametrize("who", ["own_staff", "other_staff", "buyer", "hub_operator"])
def test_only_platform_admins_may_verify(who):
    seller = SellerFactory(verification_status="pending")
    caller = {
        "own_staff": lambda: SellerStaffFactory(seller=seller),
        "other_staff": lambda: SellerStaffFactory(),
        "buyer": lambda: UserFactory(role=Role.BUYER),
        "hub_operator": lambda: UserFactory(role=Role.HUB_OPERATOR),
    }[who]()
    events_before = AuditEvent.objects.count()

    response = signed_in(caller).post(
        verification_url(seller), {"status": "verified"}, content_type=JSON
    )

    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "only platform admins verify sellers",
        "detail": None,
    }
    seller.refresh_from_db()
    assert seller.verification_status == "pending"
    assert AuditEvent.objects.count() == events_before


def test_anonymous_and_keys_cannot_verify(client):
    seller = SellerFactory(verification_status="pending")
    _, raw = seller_api_key_create(seller=seller, name="erp", actor=None)

    anonymous = client.post(verification_url(seller), {"status": "verified"}, content_type=JSON)
    with_key = client.post(
        verification_url(seller),
        {"status": "verified"},
        content_type=JSON,
        headers={"Authorization": f"Bearer {raw}"},
    )

    assert (anonymous.status_code, with_key.status_code) == (401, 401)
    assert anonymous.json() == NOT_AUTHENTICATED
    seller.refresh_from_db()
    assert seller.verification_status == "pending"
    assert not audit_events_for(seller).filter(tag__startswith="seller:verification").exists()
