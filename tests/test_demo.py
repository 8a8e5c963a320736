"""`ehub demo load`: enough sellers, countries, products and translations; idempotent; every
demo account signs in."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from ehub.accounts.models import Role, User
from ehub.catalog.models import Product, ProductTranslation
from ehub.customs.models import HsCode
from ehub.demo.services import DEMO_ACCOUNTS, DEMO_PASSWORD, fx_carry_forward
from ehub.markets.models import FxRate, Market
from ehub.markets.services import fx_import
from ehub.sellers.models import Seller, VerificationStatus

pytestmark = pytest.mark.django_db(transaction=False)


def table_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model.__module__.startswith("ehub.")
    }


@pytest.fixture
def loaded(db):
    call_command("demo", "load", stdout=StringIO())


def test_demo_content_and_accounts(loaded, client):
    """One load, checked from every side (loading is the slow part)."""
    sellers = Seller.objects.all()
    products = Product.objects.filter(seller__verification_status=VerificationStatus.VERIFIED)
    codes = set(Product.objects.values_list("hs_code", flat=True))
    countries = set(Market.objects.values_list("country", flat=True))

    # sellers in several countries, one pending to show onboarding
    assert sellers.count() >= 8
    assert len({s.country for s in sellers}) >= 6
    assert sellers.filter(verification_status=VerificationStatus.PENDING).count() == 1
    # 50+ products, each translated into en, zh-Hans and ms, each with variants
    assert products.count() >= 50
    for product in products.prefetch_related("translations", "variants"):
        languages = {t.language for t in product.translations.all()}
        assert {"en", "zh-Hans", "ms"} <= languages, product.handle
        assert product.variants.all(), product.handle
    assert not ProductTranslation.objects.filter(title="").exists()
    # real HS subheadings, present in the imported nomenclature
    assert codes
    assert codes <= set(HsCode.objects.filter(level=6).values_list("code", flat=True))
    # the demo markets
    assert {"CN", "MY", "SG", "US", "CA", "GB", "DE", "FR", "JP", "AU"} <= countries
    # every seller has an owner account
    for seller in sellers:
        owner = User.objects.get(email=f"owner@{seller.slug}.example")
        assert owner.role == Role.SELLER_STAFF
        assert owner.seller_membership.seller == seller
    # every demo account signs in with the documented password
    for account in DEMO_ACCOUNTS:
        response = client.post(
            "/api/v1/auth/sign-in",
            json.dumps({"email": account["email"], "password": DEMO_PASSWORD}),
            content_type="application/json",
        )
        assert response.status_code == 200, (account["email"], response.content)
        assert response.json()["role"] == account["role"]


def test_demo_catalog_reads_in_the_markets_language_and_currency(loaded, client):
    response = client.get("/api/v1/catalog/CN/products", {"limit": 100})
    body = response.json()

    assert response.status_code == 200
    assert body["currency"] == "CNY"
    assert body["language"] == "zh-Hans"
    priced = [v for item in body["items"] for v in item["variants"]]
    assert priced
    assert all(v["price"] is not None for v in priced)
    assert {v["price"]["currency"] for v in priced} == {"CNY"}


def test_loading_twice_changes_nothing(loaded):
    before = table_counts()

    output = StringIO()
    call_command("demo", "load", stdout=output)

    assert table_counts() == before
    assert "0 created, 0 updated" in output.getvalue()


def test_demo_rates_are_carried_forward_to_today(db):
    fx_import(text="base,quote,rate,date\nEUR,USD,1.16,2026-11-20\nEUR,MYR,4.85,2026-11-20\n")
    monday_a_week_later = dt.date(2026, 11, 30)

    added = fx_carry_forward(until=monday_a_week_later)
    again = fx_carry_forward(until=monday_a_week_later)

    carried = FxRate.objects.filter(source="demo-carried")
    assert added == 2 * 6  # Mon 23 .. Fri 27 and Mon 30, two pairs each
    assert again == 0
    assert sorted({r.as_of.day for r in carried}) == [23, 24, 25, 26, 27, 30]
    assert {str(r.rate) for r in carried.filter(quote="MYR")} == {"4.85"}
