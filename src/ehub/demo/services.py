"""``ehub demo load``: markets, FX rates, HS codes, sellers, products and one account per role.

Idempotent: every record is upserted by its natural key (market country, seller slug, product
handle, variant SKU, user email), so loading twice leaves the same data as loading once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from ehub.accounts.models import Role, User
from ehub.catalog.models import Product
from ehub.catalog.services import (
    category_upsert,
    product_create,
    product_input_clean,
    product_is_unchanged,
    product_replace,
)
from ehub.core import clock
from ehub.customs.nomenclature import hs_import, hs_nomenclature_loaded
from ehub.markets.models import FxRate
from ehub.markets.services import fx_import, market_upsert
from ehub.sellers.models import Seller, SellerMembership, VerificationStatus
from ehub.sellers.services import seller_register, seller_set_verification, seller_update

DATA_DIR = Path(__file__).resolve().parent / "data"

# The demo markets: country, currency, languages (first is the default).
DEMO_MARKETS: list[tuple[str, str, list[str]]] = [
    ("CN", "CNY", ["zh-Hans", "en"]),
    ("MY", "MYR", ["ms", "en", "zh-Hans"]),
    ("SG", "SGD", ["en", "zh-Hans", "ms"]),
    ("US", "USD", ["en"]),
    ("CA", "CAD", ["en", "fr"]),
    ("GB", "GBP", ["en"]),
    ("DE", "EUR", ["de", "en"]),
    ("FR", "EUR", ["fr", "en"]),
    ("JP", "JPY", ["ja", "en"]),
    ("AU", "AUD", ["en", "zh-Hans"]),
    ("NZ", "NZD", ["en"]),
    ("KR", "KRW", ["ko", "en"]),
]

# Demo accounts, one per role (the seller owners are made per seller below). Documented in
# docs/demo.md; they exist only in demo databases.
DEMO_PASSWORD = "ehub-demo-2026"  # noqa: S105
DEMO_ACCOUNTS: list[dict[str, Any]] = [
    {"email": "admin@ehub.example", "role": Role.PLATFORM_ADMIN, "full_name": "Platform Admin"},
    {"email": "hub@ehub.example", "role": Role.HUB_OPERATOR, "full_name": "Aisyah Rahman"},
    {"email": "buyer.shanghai@ehub.example", "role": Role.BUYER, "full_name": "王小明",
     "home_country": "CN", "preferred_language": "zh-Hans"},
    {"email": "buyer.kl@ehub.example", "role": Role.BUYER, "full_name": "Nurul Izzah",
     "home_country": "MY", "preferred_language": "ms"},
    {"email": "buyer.toronto@ehub.example", "role": Role.BUYER, "full_name": "Emily Tremblay",
     "home_country": "CA", "preferred_language": "en"},
    {"email": "buyer.sydney@ehub.example", "role": Role.BUYER, "full_name": "Liam Nguyen",
     "home_country": "AU", "preferred_language": "en"},
]  # fmt: skip


@dataclass
class DemoLoadResult:
    markets: int = 0
    fx_rates: int = 0
    hs_codes: int = 0
    categories: int = 0
    sellers: int = 0
    products_created: int = 0
    products_updated: int = 0
    products_unchanged: int = 0
    accounts: int = 0
    notes: list[str] = field(default_factory=list)


def _user_upsert(*, email: str, role: str, **profile: Any) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, role=role, **profile)
    else:
        for key, value in {"role": role, **profile}.items():
            setattr(user, key, value)
        user.save()
    if role == Role.PLATFORM_ADMIN and not user.is_superuser:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    if role == Role.HUB_OPERATOR and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


def _seller_upsert(data: dict[str, Any], admin: User) -> Seller:
    details = {
        key: data[key]
        for key in (
            "legal_name", "display_name", "country", "region", "city", "address_line1",
            "address_line2", "postal_code", "registration_number",
            "contact_name", "contact_email", "contact_phone", "payout_currency", "description",
        )
        if key in data
    }  # fmt: skip
    owner = _user_upsert(
        email=f"owner@{data['slug']}.example",
        role=Role.SELLER_STAFF,
        full_name=data.get("contact_name", ""),
        home_country=data["country"],
    )
    seller = Seller.objects.filter(slug=data["slug"]).first()
    if seller is None:
        SellerMembership.objects.filter(user=owner).delete()
        seller = seller_register(user=owner, slug=data["slug"], **details)
    else:
        seller = seller_update(seller=seller, actor=admin, **details)
    target = data.get("verification_status", VerificationStatus.VERIFIED)
    if seller.verification_status != target:
        if seller.verification_status != VerificationStatus.PENDING:
            seller = seller_set_verification(
                seller=seller, actor=admin, status=VerificationStatus.PENDING
            )
        if target != VerificationStatus.PENDING:
            seller = seller_set_verification(
                seller=seller, actor=admin, status=target, reason=data.get("rejection_reason", "")
            )
    return seller


def _product_payload(product: dict[str, Any], seller: Seller) -> dict[str, Any]:
    return {
        "handle": product["handle"],
        "hs_code": product["hs_code"],
        "origin_country": product.get("origin_country", seller.country),
        "category": product.get("category"),
        "status": product.get("status", "active"),
        "vendor": seller.display_name,
        "translations": product["translations"],
        "media": product.get("media", []),
        "variants": [
            {
                "sku": v["sku"],
                "option": v.get("option", {}),
                "price": v["price"],
                "weight_grams": v["weight_grams"],
                "length_mm": v.get("length_mm"),
                "width_mm": v.get("width_mm"),
                "height_mm": v.get("height_mm"),
                "stock_quantity": v.get("stock", 0),
            }
            for v in product["variants"]
        ],
    }


def fx_carry_forward(*, until: dt.date) -> int:
    """Repeat the newest day's rates on every weekday after it up to ``until``.

    The bundled demo rates end on the day they were made; without this a demo started weeks
    later would find every rate too old (``EHUB_FX_MAX_AGE_DAYS``) and show no prices. The
    copies are marked ``source="demo-carried"`` so nobody mistakes them for published rates.
    """
    newest = FxRate.objects.order_by("-as_of").values_list("as_of", flat=True).first()
    if newest is None or newest >= until:
        return 0
    latest = list(FxRate.objects.filter(as_of=newest).values_list("base", "quote", "rate"))
    copies = []
    day = newest + dt.timedelta(days=1)
    while day <= until:
        if day.weekday() < 5:
            copies += [
                FxRate(base=b, quote=q, rate=r, as_of=day, source="demo-carried")
                for b, q, r in latest
            ]
        day += dt.timedelta(days=1)
    FxRate.objects.bulk_create(copies, batch_size=500, ignore_conflicts=True)
    return len(copies)


def demo_load(
    *,
    data_dir: Path = DATA_DIR,
    hs_dir: Path | None = None,
    say: Callable[[str], None] = lambda _text: None,
) -> DemoLoadResult:
    result = DemoLoadResult()
    with transaction.atomic():
        for country, currency, languages in DEMO_MARKETS:
            market_upsert(country=country, currency=currency, languages=languages)
        result.markets = len(DEMO_MARKETS)
    say(f"markets: {result.markets}")

    for rate_file in ("ecb-demo-rates.csv", "extra-rates.csv"):
        path = data_dir / rate_file
        if path.exists():
            result.fx_rates += fx_import(path=path).rates
    result.fx_rates += fx_carry_forward(until=clock.today())
    say(f"FX rates: {result.fx_rates}")

    hs_source = hs_dir or Path(settings.EHUB_HS_DATA_DIR)
    if (hs_source / "harmonized-system.csv").exists():
        result.hs_codes = hs_import(path=hs_source).codes
        say(f"HS codes: {result.hs_codes}")
    elif not hs_nomenclature_loaded():
        result.notes.append(
            f"HS nomenclature not found at {hs_source}; HS codes are checked by format only "
            "(set EHUB_HS_DATA_DIR and run `ehub hs import`)"
        )

    catalog = json.loads((data_dir / "catalog.json").read_text(encoding="utf-8"))
    with transaction.atomic():
        admin = None
        for account in DEMO_ACCOUNTS:
            user = _user_upsert(**account)
            admin = admin or user
            result.accounts += 1
        for category in sorted(catalog["categories"], key=lambda c: c.get("parent") is not None):
            category_upsert(
                slug=category["slug"], names=category["names"], parent=category.get("parent")
            )
            result.categories += 1
        for seller_data in catalog["sellers"]:
            seller = _seller_upsert(seller_data, admin)
            result.sellers += 1
            result.accounts += 1
            for product_data in seller_data.get("products", []):
                payload = _product_payload(product_data, seller)
                existing = Product.objects.filter(seller=seller, handle=payload["handle"]).first()
                if existing is None:
                    product_create(seller=seller, actor=None, data=payload)
                    result.products_created += 1
                elif product_is_unchanged(
                    product=existing, cleaned=product_input_clean(payload, seller=seller)
                ):
                    result.products_unchanged += 1
                else:
                    product_replace(product=existing, actor=None, data=payload)
                    result.products_updated += 1
    say(
        f"sellers: {result.sellers}, products: {result.products_created} created, "
        f"{result.products_updated} updated, {result.products_unchanged} unchanged, "
        f"accounts: {result.accounts}"
    )
    from ehub.logistics.services import network_load  # hubs and routes (src/ehub/logistics)

    network = network_load()
    say(f"hubs: {network.hubs_created} created; routes: {network.routes_created} created")
    return result
