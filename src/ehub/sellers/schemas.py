from __future__ import annotations

import datetime as dt

from ninja import Schema


class SellerIn(Schema):
    legal_name: str
    display_name: str | None = None
    country: str
    region: str = ""
    city: str = ""
    address_line1: str = ""
    address_line2: str = ""
    postal_code: str = ""
    registration_number: str
    contact_name: str = ""
    contact_email: str
    contact_phone: str = ""
    payout_currency: str
    description: dict[str, str] = {}


class SellerPatch(Schema):
    legal_name: str | None = None
    display_name: str | None = None
    region: str | None = None
    city: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    postal_code: str | None = None
    registration_number: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    payout_currency: str | None = None
    description: dict[str, str] | None = None


class SellerOut(Schema):
    id: int
    slug: str
    legal_name: str
    display_name: str
    country: str
    region: str
    city: str
    address_line1: str
    address_line2: str
    postal_code: str
    registration_number: str
    contact_name: str
    contact_email: str
    contact_phone: str
    payout_currency: str
    description: dict[str, str]
    verification_status: str
    rejection_reason: str
    verified_at: dt.datetime | None


class VerificationIn(Schema):
    status: str
    reason: str = ""


class ApiKeyIn(Schema):
    name: str


class ApiKeyOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class ApiKeyCreatedOut(ApiKeyOut):
    key: str
