"""Every ehub model is usable from the Django admin: registered, listable, searchable, editable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from ehub.accounts.tests.factories import UserFactory
from ehub.catalog.models import CatalogImport
from ehub.catalog.tests.factories import VariantFactory
from ehub.core.events import audit_record
from ehub.core.jobs import jobs_enqueue_due
from ehub.core.money import Money
from ehub.customs.models import HsCode, HsSection
from ehub.customs.tests.clearance_support import clearance_one_of_each
from ehub.ledger.domain import ReleaseBreakdown
from ehub.ledger.models import CommissionRate
from ehub.ledger.services import escrow_fund, escrow_release, payouts_run
from ehub.logistics.tests.helpers import logistics_one_of_each
from ehub.markets.services import fx_quote_lock
from ehub.markets.tests.factories import FxRateFactory, MarketFactory
from ehub.orders.models import OrderParcel
from ehub.orders.tests.helpers import one_placed_order
from ehub.payments.tests.factories import payments_one_of_each
from ehub.search.services import search_index_rebuild
from ehub.sellers.services import seller_api_key_create

EHUB_MODELS = [model for model in apps.get_models() if model.__module__.startswith("ehub.")]


@pytest.fixture
def admin_client(client, db):
    superuser = UserFactory(is_staff=True, is_superuser=True, role="platform_admin")
    client.force_login(superuser)
    return client


@pytest.fixture
def one_of_everything(db):
    variant = VariantFactory()
    MarketFactory()
    FxRateFactory(base="EUR", quote="USD", as_of=dt.date.today())
    fx_quote_lock(base="EUR", quote="USD")
    seller_api_key_create(seller=variant.seller, name="sync", actor=None)
    section = HsSection.objects.create(numeral="II", name="Vegetable products", position=2)
    HsCode.objects.create(code="090121", level=6, description="Coffee; roasted", section=section)
    audit_record(tag="test:admin", subject=variant.product)
    variant.product.media.create(url="/static/demo/products/x.svg")
    escrow_fund(
        order_ref="ORD-A1", amount=Money("10.00", "EUR"), provider="sandbox", idempotency_key="a1"
    )
    escrow_release(
        order_ref="ORD-A1",
        breakdown=ReleaseBreakdown(goods=Money("10.00", "EUR"), shipping=Money("0.00", "EUR")),
        seller=variant.seller,
        rate=Decimal("4.8"),
    )
    payouts_run()
    CommissionRate.objects.create(seller=variant.seller, rate=Decimal("0.04"))
    payments_one_of_each()
    one_placed_order()
    jobs_enqueue_due()
    clearance_one_of_each(OrderParcel.objects.first())
    logistics_one_of_each()
    search_index_rebuild()  # factories skip the catalog services that index products
    CatalogImport.objects.create(seller=variant.seller, filename="products.csv", content="Handle\n")


@pytest.mark.parametrize("model", EHUB_MODELS, ids=lambda m: m._meta.label)
def test_every_model_is_registered(model):
    assert admin.site.is_registered(model) or _is_inline_only(model), model._meta.label


def _is_inline_only(model) -> bool:
    """Translations, media and memberships are edited inline on their parent."""
    return model._meta.label in {
        "catalog.ProductTranslation",
        "catalog.ProductMedia",
        "sellers.SellerMembership",
    }


@pytest.mark.parametrize(
    "model",
    [m for m in EHUB_MODELS if admin.site.is_registered(m)],
    ids=lambda m: m._meta.label,
)
def test_changelist_search_and_change_page_render(admin_client, one_of_everything, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    listed = admin_client.get(changelist)
    searched = admin_client.get(changelist, {"q": "a"})
    instance = model.objects.first()
    change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
    change = admin_client.get(change_url)

    assert listed.status_code == 200
    assert change_url in listed.content.decode()
    assert searched.status_code == 200
    assert change.status_code == 200
