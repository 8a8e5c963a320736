"""Sellers: registration, verification pipeline, API keys (services)."""

from __future__ import annotations

import hashlib

import pytest

from ehub.accounts.models import Role
from ehub.accounts.tests.factories import UserFactory
from ehub.core.errors import DomainError
from ehub.core.events import audit_events_for
from ehub.core.models import AuditEvent
from ehub.sellers.models import Seller, SellerApiKey, SellerMembership, VerificationStatus
from ehub.sellers.selectors import seller_from_api_key
from ehub.sellers.services import (
    seller_api_key_create,
    seller_api_key_revoke,
    seller_register,
    seller_set_verification,
    seller_update,
)
from ehub.sellers.tests.factories import SellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


MICHIGAN_FARM = {
    "legal_name": "Blue Water Berry Farm LLC",
    "display_name": "Blue Water Berries",
    "country": "us",
    "region": "us-mi",
    "city": "South Haven",
    "registration_number": "04-2103594",
    "contact_email": " Orders@BlueWater.example ",
    "payout_currency": "usd",
}


def register(**changes):
    return seller_register(user=UserFactory(), **{**MICHIGAN_FARM, **changes})


# -- registration -----------------------------------------------------------------------------
def test_registration_creates_a_pending_seller_owned_by_the_user():
    user = UserFactory()

    seller = seller_register(user=user, **MICHIGAN_FARM)

    seller.refresh_from_db()
    assert seller.slug == "blue-water-berries"
    assert seller.legal_name == "Blue Water Berry Farm LLC"
    assert seller.country == "US"
    assert seller.region == "US-MI"
    assert seller.registration_number == "042103594"
    assert seller.contact_email == "orders@bluewater.example"
    assert seller.payout_currency == "USD"
    assert seller.verification_status == VerificationStatus.PENDING
    assert seller.verified_at is None
    membership = SellerMembership.objects.get(user=user)
    assert (membership.seller, membership.role) == (seller, SellerMembership.Role.OWNER)
    user.refresh_from_db()
    assert user.role == Role.SELLER_STAFF
    assert [(e.tag, e.actor) for e in audit_events_for(seller)] == [("seller:registered", user)]


def test_display_name_defaults_to_the_legal_name_and_slugs_stay_unique():
    details = {k: v for k, v in MICHIGAN_FARM.items() if k != "display_name"}
    first = seller_register(user=UserFactory(), **details)
    first_slug = first.slug

    second = seller_register(user=UserFactory(), **{**details, "registration_number": "12-3456789"})

    assert first.display_name == "Blue Water Berry Farm LLC"
    assert first_slug == "blue-water-berry-farm-llc"
    assert second.slug == "blue-water-berry-farm-llc-2"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"country": "XX"}, "country", "'XX' is not an ISO 3166 country code"),
        ({"region": "CA-QC"}, "region", "'CA-QC' is not a region of US"),
        ({"region": "US-ZZ"}, "region", "'US-ZZ' is not a region of US"),
        ({"payout_currency": "ZZZ"}, "payout_currency", "unknown currency code 'ZZZ'"),
        ({"payout_currency": "XAU"}, "payout_currency", "unknown currency code 'XAU'"),
        ({"legal_name": "  "}, "legal_name", "legal name is required"),
        ({"contact_email": "nobody"}, "contact_email", "contact email is not an email address"),
        ({"description": "text"}, "description", "description is a map of language to text"),
        ({"favourite_colour": "blue"}, "favourite_colour", "unknown field 'favourite_colour'"),
        (
            {"registration_number": "07-2103594"},
            "registration_number",
            "'07-2103594' is not a valid US EIN: "
            "One of the parts of the number are invalid or unknown.",
        ),
        (
            {"registration_number": "04-210359"},
            "registration_number",
            "'04-210359' is not a valid US EIN: The number has an invalid format.",
        ),
        (
            {
                "country": "FR",
                "region": "FR-PAC",
                "payout_currency": "EUR",
                "registration_number": "73282932000075",
            },
            "registration_number",
            "'73282932000075' is not a valid FR SIRET: "
            "The number's checksum or check digit is invalid.",
        ),
    ],
)
def test_registration_errors_name_the_field_and_create_nothing(changes, field, message):
    user = UserFactory()

    with pytest.raises(DomainError) as caught:
        seller_register(user=user, **{**MICHIGAN_FARM, **changes})

    assert caught.value.status == 422
    assert caught.value.code == "invalid_seller"
    assert caught.value.detail == {"field": field}
    assert caught.value.message == message
    assert Seller.objects.count() == 0
    assert SellerMembership.objects.count() == 0
    assert AuditEvent.objects.filter(tag="seller:registered").count() == 0
    user.refresh_from_db()
    assert user.role == Role.BUYER


@pytest.mark.parametrize("missing", ["legal_name", "country", "registration_number"])
def test_required_fields(missing):
    details = {k: v for k, v in MICHIGAN_FARM.items() if k != missing}
    if missing == "country":
        details.pop("region")

    with pytest.raises(DomainError) as caught:
        seller_register(user=UserFactory(), **details)

    assert caught.value.detail == {"field": missing}
    assert Seller.objects.count() == 0


def test_a_valid_french_siret_is_accepted():
    seller = register(
        country="FR", region="FR-PAC", payout_currency="EUR", registration_number="73282932000074"
    )

    assert (seller.country, seller.registration_number) == ("FR", "73282932000074")


def test_countries_without_a_validator_keep_the_number_as_given():
    seller = register(
        country="MY", region="MY-07", payout_currency="MYR", registration_number=" 201803123456 "
    )

    assert seller.registration_number == "201803123456"


def test_a_duplicate_registration_in_the_same_country_is_409():
    register()
    other_user = UserFactory()

    with pytest.raises(DomainError) as caught:
        seller_register(
            user=other_user, **{**MICHIGAN_FARM, "display_name": "Copycat", "legal_name": "Cat"}
        )

    assert caught.value.status == 409
    assert caught.value.code == "duplicate_registration"
    assert caught.value.detail == {"field": "registration_number"}
    assert Seller.objects.count() == 1
    assert not SellerMembership.objects.filter(user=other_user).exists()


def test_a_duplicate_registration_written_differently_is_still_a_duplicate():
    register(registration_number="04-2103594")

    with pytest.raises(DomainError) as caught:
        register(registration_number="042103594", display_name="Copycat")

    assert caught.value.code == "duplicate_registration"
    assert Seller.objects.count() == 1


def test_the_same_number_in_another_country_is_a_different_business():
    register(country="MY", region="MY-07", payout_currency="MYR", registration_number="123")

    seller = register(
        country="SG", region="", payout_currency="SGD", registration_number="201834567W"
    )

    assert Seller.objects.count() == 2
    assert seller.registration_number == "201834567W"


def test_a_user_can_work_for_only_one_seller():
    seller = SellerFactory()
    user = UserFactory()
    SellerMembership.objects.create(seller=seller, user=user)

    with pytest.raises(DomainError) as caught:
        seller_register(user=user, **MICHIGAN_FARM)

    assert (caught.value.status, caught.value.code) == (409, "already_seller_staff")
    assert Seller.objects.count() == 1


# -- update -----------------------------------------------------------------------------------
def test_update_changes_only_given_fields_and_records_them():
    seller = SellerFactory(city="George Town", contact_phone="")
    actor = UserFactory()

    seller_update(seller=seller, actor=actor, city="Butterworth", contact_phone="+60 4 123")

    seller.refresh_from_db()
    assert (seller.city, seller.contact_phone, seller.country) == (
        "Butterworth",
        "+60 4 123",
        "MY",
    )
    event = audit_events_for(seller).get(tag="seller:updated")
    assert (event.actor, event.data) == (actor, {"fields": ["city", "contact_phone"]})


def test_update_checks_a_new_region_against_the_sellers_country():
    seller = SellerFactory(country="MY", region="MY-07")

    with pytest.raises(DomainError) as caught:
        seller_update(seller=seller, actor=None, region="US-MI")

    assert caught.value.detail == {"field": "region"}
    seller.refresh_from_db()
    assert seller.region == "MY-07"


def test_update_without_changes_records_nothing():
    seller = SellerFactory(city="George Town")

    seller_update(seller=seller, actor=None, city="George Town")

    assert not audit_events_for(seller).filter(tag="seller:updated").exists()


def test_a_verified_seller_keeps_its_country_and_registration_number():
    seller = SellerFactory(verification_status=VerificationStatus.VERIFIED, country="MY")
    number = seller.registration_number

    for details, field in (
        ({"country": "SG", "region": ""}, "country"),
        ({"registration_number": "202399999999"}, "registration_number"),
    ):
        with pytest.raises(DomainError) as caught:
            seller_update(seller=seller, actor=None, **details)
        assert (caught.value.status, caught.value.code) == (409, "verified_details_locked")
        assert caught.value.detail == {"field": field}
    seller.refresh_from_db()
    assert (seller.country, seller.registration_number) == ("MY", number)
    # Sending the same values (as a form does) is no change, so no refusal.
    seller_update(seller=seller, actor=None, country="my", registration_number=number)
    assert not audit_events_for(seller).filter(tag="seller:updated").exists()


def test_a_pending_seller_moving_country_has_its_number_checked_and_old_region_dropped():
    seller = SellerFactory(
        verification_status=VerificationStatus.PENDING, country="MY", region="MY-07"
    )

    with pytest.raises(DomainError) as caught:
        seller_update(seller=seller, actor=None, country="US")  # a Malaysian number is no EIN
    assert caught.value.detail == {"field": "registration_number"}

    seller_update(seller=seller, actor=None, country="GB")  # no check known for GB
    seller.refresh_from_db()
    assert (seller.country, seller.region) == ("GB", "")


# -- verification pipeline --------------------------------------------------------------------
ALLOWED = [
    ("pending", "verified"),
    ("pending", "rejected"),
    ("rejected", "pending"),
    ("verified", "pending"),
]
ILLEGAL = [
    ("pending", "pending"),
    ("verified", "verified"),
    ("verified", "rejected"),
    ("rejected", "rejected"),
    ("rejected", "verified"),
]


def seller_in(status: str) -> Seller:
    return SellerFactory(
        verification_status=status,
        rejection_reason="blurry documents" if status == "rejected" else "",
    )


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_allowed_transitions_move_and_leave_an_audit_event(current, target):
    seller = seller_in(current)
    admin = UserFactory(role=Role.PLATFORM_ADMIN)
    reason = "registration number does not match" if target == "rejected" else ""

    seller_set_verification(seller=seller, actor=admin, status=target, reason=reason)

    seller.refresh_from_db()
    assert seller.verification_status == target
    assert seller.rejection_reason == reason
    assert (seller.verified_at is not None) == (target == "verified")
    event = audit_events_for(seller).get()
    assert event.tag == f"seller:verification:{target}"
    assert event.actor == admin
    assert event.data == {"from": current, "to": target, "reason": reason}


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_illegal_transitions_are_refused_and_change_nothing(current, target):
    seller = seller_in(current)

    with pytest.raises(DomainError) as caught:
        seller_set_verification(seller=seller, actor=None, status=target, reason="why not")

    assert caught.value.status == 409
    assert caught.value.code == "illegal_verification_transition"
    assert caught.value.detail == {"from": current, "to": target}
    seller.refresh_from_db()
    assert seller.verification_status == current
    assert not audit_events_for(seller).exists()


def test_an_unknown_status_is_a_422_and_changes_nothing():
    seller = seller_in("pending")

    with pytest.raises(DomainError) as caught:
        seller_set_verification(seller=seller, actor=None, status="approved", reason="ok")

    assert caught.value.status == 422
    assert caught.value.code == "invalid_seller"
    assert caught.value.detail == {"field": "status"}
    seller.refresh_from_db()
    assert seller.verification_status == "pending"
    assert not audit_events_for(seller).exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_rejection_needs_a_reason(reason):
    seller = seller_in("pending")

    with pytest.raises(DomainError) as caught:
        seller_set_verification(seller=seller, actor=None, status="rejected", reason=reason)

    assert (caught.value.status, caught.value.code) == (422, "rejection_needs_reason")
    assert caught.value.detail == {"field": "reason"}
    seller.refresh_from_db()
    assert (seller.verification_status, seller.rejection_reason) == ("pending", "")
    assert not audit_events_for(seller).exists()


def test_going_back_to_pending_clears_the_rejection_reason():
    seller = seller_in("rejected")

    seller_set_verification(seller=seller, actor=None, status="pending")

    seller.refresh_from_db()
    assert (seller.verification_status, seller.rejection_reason) == ("pending", "")


# -- API keys ---------------------------------------------------------------------------------
def test_an_api_key_is_stored_only_as_a_sha256_digest():
    seller = SellerFactory()
    actor = UserFactory()

    key, raw = seller_api_key_create(seller=seller, name=" Shopify sync ", actor=actor)

    assert raw.startswith(f"ehub_sk_{key.prefix}_")
    assert len(raw) > len(f"ehub_sk_{key.prefix}_") + 40
    stored = SellerApiKey.objects.get(pk=key.pk)
    assert stored.key_digest == hashlib.sha256(raw.encode()).hexdigest()
    assert stored.name == "Shopify sync"
    assert stored.created_by == actor
    secret = raw.rsplit("_", 1)[1]
    stored_text = [str(getattr(stored, f.attname)) for f in SellerApiKey._meta.concrete_fields]
    assert not any(secret in value for value in stored_text)
    event = audit_events_for(seller).get(tag="seller:apikey:created")
    assert event.data == {"key": key.prefix}
    assert secret not in str(event.data)


def test_two_keys_differ():
    seller = SellerFactory()

    _, first = seller_api_key_create(seller=seller, name="a", actor=None)
    _, second = seller_api_key_create(seller=seller, name="b", actor=None)

    assert first != second


def test_a_key_needs_a_name():
    seller = SellerFactory()

    with pytest.raises(DomainError) as caught:
        seller_api_key_create(seller=seller, name="  ", actor=None)

    assert caught.value.detail == {"field": "name"}
    assert SellerApiKey.objects.count() == 0


def test_a_key_finds_its_seller_and_marks_itself_used():
    seller = SellerFactory()
    key, raw = seller_api_key_create(seller=seller, name="erp", actor=None)

    assert seller_from_api_key(raw_key=raw) == seller

    key.refresh_from_db()
    assert key.last_used_at is not None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda raw: raw[:-1] + ("A" if raw[-1] != "A" else "B"),
        lambda raw: raw + "x",
        lambda raw: raw.replace("ehub_sk_", "ehub_pk_"),
        lambda raw: raw.rsplit("_", 1)[0] + "_",
        lambda raw: "ehub_sk_000000000000_" + raw.rsplit("_", 1)[1],
        lambda raw: "",
    ],
)
def test_a_tampered_key_finds_nothing(tamper):
    seller = SellerFactory()
    key, raw = seller_api_key_create(seller=seller, name="erp", actor=None)

    assert seller_from_api_key(raw_key=tamper(raw)) is None

    key.refresh_from_db()
    assert key.last_used_at is None


def test_a_revoked_key_finds_nothing_and_revoking_twice_is_harmless():
    seller = SellerFactory()
    actor = UserFactory()
    key, raw = seller_api_key_create(seller=seller, name="erp", actor=None)

    seller_api_key_revoke(seller=seller, key_id=key.pk, actor=actor)
    revoked_at = SellerApiKey.objects.get(pk=key.pk).revoked_at
    seller_api_key_revoke(seller=seller, key_id=key.pk, actor=actor)

    assert seller_from_api_key(raw_key=raw) is None
    assert SellerApiKey.objects.get(pk=key.pk).revoked_at == revoked_at
    assert audit_events_for(seller).filter(tag="seller:apikey:revoked").count() == 1


def test_a_seller_cannot_revoke_another_sellers_key():
    owner, other = SellerFactory(), SellerFactory()
    key, raw = seller_api_key_create(seller=owner, name="erp", actor=None)

    with pytest.raises(DomainError) as caught:
        seller_api_key_revoke(seller=other, key_id=key.pk, actor=None)

    assert (caught.value.status, caught.value.code) == (404, "api_key_not_found")
    assert SellerApiKey.objects.get(pk=key.pk).revoked_at is None
    assert seller_from_api_key(raw_key=raw) == owner
