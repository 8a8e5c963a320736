from __future__ import annotations

import hashlib
import secrets
from typing import Any

import pycountry
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from stdnum import ean
from stdnum.au import abn
from stdnum.ca import bn
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import siret
from stdnum.jp import cn as jp_corporate_number
from stdnum.sg import uen
from stdnum.us import ein

from ehub.accounts.models import Role, User
from ehub.core import clock
from ehub.core.currencies import UnknownCurrency, normalize_currency
from ehub.core.errors import Conflict, DomainError, NotFound
from ehub.core.events import audit_record
from ehub.search.services import search_seller_refresh
from ehub.sellers.domain import can_transition
from ehub.sellers.errors import SellerErrorCode
from ehub.sellers.models import (
    Seller,
    SellerApiKey,
    SellerMembership,
    VerificationStatus,
)

# Business registration numbers we can check by format and check digit (python-stdnum).
# Countries not listed are accepted as given and checked by a person during verification.
REGISTRATION_VALIDATORS: dict[str, tuple[str, Any]] = {
    "US": ("EIN", ein),
    "CA": ("Business Number", bn),
    "FR": ("SIRET", siret),
    "CN": ("unified social credit code", uscc),
    "JP": ("corporate number", jp_corporate_number),
    "AU": ("ABN", abn),
    "SG": ("UEN", uen),
    "NZ": ("NZBN", ean),
}

# The details a seller may give and change, in the order forms show them.
SELLER_FIELDS = (
    "legal_name",
    "display_name",
    "country",
    "region",
    "city",
    "address_line1",
    "address_line2",
    "postal_code",
    "registration_number",
    "contact_name",
    "contact_email",
    "contact_phone",
    "payout_currency",
    "description",
)


def _invalid(field: str, message: str) -> DomainError:
    return DomainError(SellerErrorCode.INVALID_SELLER, message, {"field": field}, status=422)


def seller_clean(data: dict[str, Any], *, current_country: str | None = None) -> dict[str, Any]:
    """Validate and normalise seller details; raise a 422 naming the first bad field.

    ``current_country`` is the seller's country when updating, so a new region is checked
    against it."""
    cleaned = dict(data)
    unknown = set(cleaned) - set(SELLER_FIELDS)
    if unknown:
        raise _invalid(sorted(unknown)[0], f"unknown field {sorted(unknown)[0]!r}")
    for text_field in ("legal_name", "display_name", "registration_number", "contact_email"):
        if text_field in cleaned and not str(cleaned[text_field] or "").strip():
            raise _invalid(text_field, f"{text_field.replace('_', ' ')} is required")
    if "country" in cleaned:
        country = str(cleaned["country"]).strip().upper()
        if pycountry.countries.get(alpha_2=country) is None:
            raise _invalid("country", f"{cleaned['country']!r} is not an ISO 3166 country code")
        cleaned["country"] = country
    if cleaned.get("region"):
        region = str(cleaned["region"]).strip().upper()
        subdivision = pycountry.subdivisions.get(code=region)
        country = cleaned.get("country") or current_country
        if subdivision is None or (country and subdivision.country_code != country):
            raise _invalid("region", f"{cleaned['region']!r} is not a region of {country}")
        cleaned["region"] = region
    if "payout_currency" in cleaned:
        try:
            cleaned["payout_currency"] = normalize_currency(str(cleaned["payout_currency"]))
        except UnknownCurrency as exc:
            raise _invalid("payout_currency", str(exc)) from exc
    if "contact_email" in cleaned:
        cleaned["contact_email"] = str(cleaned["contact_email"]).strip().lower()
        if "@" not in cleaned["contact_email"]:
            raise _invalid("contact_email", "contact email is not an email address")
    if "description" in cleaned and not isinstance(cleaned["description"], dict):
        raise _invalid("description", "description is a map of language to text")
    return cleaned


def registration_number_clean(*, country: str, number: str) -> str:
    validator = REGISTRATION_VALIDATORS.get(country)
    number = number.strip()
    if validator is None:
        return number
    label, module = validator
    try:
        # The compact form, so "04-2103594" and "042103594" are the same registration.
        return str(module.validate(number))
    except StdnumValidationError as exc:
        raise _invalid(
            "registration_number", f"{number!r} is not a valid {country} {label}: {exc}"
        ) from exc


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "seller"
    slug, suffix = base, 2
    while Seller.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


@transaction.atomic
def seller_register(*, user: User, slug: str | None = None, **details: Any) -> Seller:
    """Sign a business up: the seller starts pending verification and ``user`` becomes its owner."""
    if SellerMembership.objects.filter(user=user).exists():
        raise Conflict(
            "this account already works for a seller", code=SellerErrorCode.ALREADY_SELLER_STAFF
        )
    cleaned = seller_clean(details)
    for required in (
        "legal_name",
        "country",
        "registration_number",
        "contact_email",
        "payout_currency",
    ):
        if not cleaned.get(required):
            raise _invalid(required, f"{required.replace('_', ' ')} is required")
    cleaned.setdefault("display_name", cleaned["legal_name"])
    cleaned["registration_number"] = registration_number_clean(
        country=cleaned["country"], number=cleaned["registration_number"]
    )
    try:
        with transaction.atomic():
            seller = Seller.objects.create(
                slug=slug or _unique_slug(cleaned["display_name"]), **cleaned
            )
    except IntegrityError as exc:
        raise Conflict(
            "a seller with this registration number already exists in this country",
            {"field": "registration_number"},
            code=SellerErrorCode.DUPLICATE_REGISTRATION,
        ) from exc
    SellerMembership.objects.create(seller=seller, user=user, role=SellerMembership.Role.OWNER)
    if user.role == Role.BUYER:
        user.role = Role.SELLER_STAFF
        user.save(update_fields=["role"])
    audit_record(tag="seller:registered", subject=seller, actor=user)
    return seller


def _verified_identity_check(seller: Seller, field: str, value: str) -> None:
    if seller.verification_status == VerificationStatus.VERIFIED and value != getattr(
        seller, field
    ):
        raise DomainError(
            SellerErrorCode.VERIFIED_DETAILS_LOCKED,
            f"your business is verified: its {field.replace('_', ' ')} cannot change;"
            " sign the new business up separately or contact support",
            {"field": field},
            status=409,
        )


@transaction.atomic
def seller_update(*, seller: Seller, actor: User | None, **details: Any) -> Seller:
    """Change the seller's details. A new country re-checks the registration number and the
    region against it; a verified seller cannot change its country or registration number
    (409 ``verified_details_locked``)."""
    cleaned = seller_clean(details, current_country=seller.country)
    country = cleaned.get("country", seller.country)
    _verified_identity_check(seller, "country", country)
    if "registration_number" in cleaned or country != seller.country:
        cleaned["registration_number"] = registration_number_clean(
            country=country,
            number=cleaned.get("registration_number", seller.registration_number),
        )
        _verified_identity_check(seller, "registration_number", cleaned["registration_number"])
    if country != seller.country and "region" not in cleaned and seller.region:
        cleaned["region"] = ""  # the old country's region means nothing in the new one
    changed = sorted(k for k, v in cleaned.items() if getattr(seller, k) != v)
    for key in changed:
        setattr(seller, key, cleaned[key])
    if changed:
        try:
            with transaction.atomic():
                seller.save(update_fields=[*changed, "updated_at"])
        except IntegrityError as exc:
            raise Conflict(
                "a seller with this registration number already exists in this country",
                {"field": "registration_number"},
                code=SellerErrorCode.DUPLICATE_REGISTRATION,
            ) from exc
        audit_record(tag="seller:updated", subject=seller, actor=actor, data={"fields": changed})
    return seller


@transaction.atomic
def seller_set_verification(
    *, seller: Seller, actor: User | None, status: str, reason: str = ""
) -> Seller:
    """Move a seller through pending → verified / rejected (with a reason), with an audit event."""
    if status not in VerificationStatus.values:
        raise DomainError(
            SellerErrorCode.INVALID_SELLER,
            f"status must be one of {', '.join(VerificationStatus.values)}, not {status!r}",
            {"field": "status"},
            status=422,
        )
    seller = Seller.objects.select_for_update().get(pk=seller.pk)
    if not can_transition(seller.verification_status, status):
        raise DomainError(
            SellerErrorCode.ILLEGAL_VERIFICATION_TRANSITION,
            f"a {seller.verification_status} seller cannot become {status}",
            {"from": seller.verification_status, "to": status},
            status=409,
        )
    reason = reason.strip()
    if status == VerificationStatus.REJECTED and not reason:
        raise DomainError(
            SellerErrorCode.REJECTION_NEEDS_REASON,
            "a rejection needs a reason the seller can act on",
            {"field": "reason"},
            status=422,
        )
    previous = seller.verification_status
    seller.verification_status = status
    seller.rejection_reason = reason if status == VerificationStatus.REJECTED else ""
    seller.verified_at = clock.now() if status == VerificationStatus.VERIFIED else None
    seller.save(
        update_fields=["verification_status", "rejection_reason", "verified_at", "updated_at"]
    )
    audit_record(
        tag=f"seller:verification:{status}",
        subject=seller,
        actor=actor,
        data={"from": previous, "to": status, "reason": reason},
    )
    # Its products become findable, or stop being, in the same transaction.
    search_seller_refresh(seller_id=seller.pk)
    return seller


def seller_staff_add(*, seller: Seller, user: User, actor: User | None) -> SellerMembership:
    if SellerMembership.objects.filter(user=user).exists():
        raise Conflict(
            "this account already works for a seller", code=SellerErrorCode.ALREADY_SELLER_STAFF
        )
    membership = SellerMembership.objects.create(seller=seller, user=user)
    if user.role == Role.BUYER:
        user.role = Role.SELLER_STAFF
        user.save(update_fields=["role"])
    audit_record(tag="seller:staff:added", subject=seller, actor=actor, data={"user": user.pk})
    return membership


# -- API keys ----------------------------------------------------------------------------------
API_KEY_PREFIX = "ehub_sk_"


def api_key_digest(raw_key: str) -> str:
    """SHA-256 of the whole key. The secret part has 256 bits of entropy, so a fast hash is safe
    here (as GitHub and Stripe do for their tokens); a slow password hash would only cost time."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


def seller_api_key_create(
    *, seller: Seller, name: str, actor: User | None
) -> tuple[SellerApiKey, str]:
    """Create a key and return it with its plaintext, which is never stored nor shown again."""
    name = name.strip()
    if not name:
        raise _invalid("name", "give the key a name, e.g. the system that will use it")
    prefix = secrets.token_hex(6)
    raw_key = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = SellerApiKey.objects.create(
        seller=seller,
        name=name[:100],
        prefix=prefix,
        key_digest=api_key_digest(raw_key),
        created_by=actor,
    )
    audit_record(tag="seller:apikey:created", subject=seller, actor=actor, data={"key": prefix})
    return key, raw_key


def seller_api_key_revoke(*, seller: Seller, key_id: int, actor: User | None) -> SellerApiKey:
    key = SellerApiKey.objects.filter(seller=seller, pk=key_id).first()
    if key is None:
        raise NotFound("no such API key", code=SellerErrorCode.API_KEY_NOT_FOUND)
    if key.revoked_at is None:
        key.revoked_at = clock.now()
        key.save(update_fields=["revoked_at"])
        audit_record(
            tag="seller:apikey:revoked", subject=seller, actor=actor, data={"key": key.prefix}
        )
    return key
