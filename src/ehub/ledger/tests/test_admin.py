"""The ledger in the Django admin: listable, searchable, viewable, and never editable."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from ehub.accounts.tests.factories import UserFactory
from ehub.core.money import Money
from ehub.ledger.domain import ReleaseBreakdown
from ehub.ledger.models import CommissionRate, JournalEntry, LedgerAccount, PayoutBatch, Posting
from ehub.ledger.services import escrow_fund, escrow_release, payouts_run
from ehub.sellers.tests.factories import SellerFactory

pytestmark = pytest.mark.django_db

READ_ONLY = [LedgerAccount, JournalEntry, Posting, PayoutBatch]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, role="platform_admin"))
    seller = SellerFactory(payout_currency="MYR")
    escrow_fund(
        order_ref="ORD-1", amount=Money("10.00", "EUR"), provider="sandbox", idempotency_key="p1"
    )
    escrow_release(
        order_ref="ORD-1",
        breakdown=ReleaseBreakdown(goods=Money("10.00", "EUR"), shipping=Money("0.00", "EUR")),
        seller=seller,
        rate=Decimal("4.8"),
    )
    payouts_run()
    CommissionRate.objects.create(seller=seller, rate=Decimal("0.04"))
    return client


@pytest.mark.parametrize("model", [*READ_ONLY, CommissionRate], ids=lambda m: m._meta.model_name)
def test_changelist_search_and_view_page_render(admin_client, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    instance = model.objects.first()
    change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])

    listed = admin_client.get(changelist)
    searched = admin_client.get(changelist, {"q": "ORD"})
    viewed = admin_client.get(change_url)

    assert listed.status_code == 200
    assert change_url in listed.content.decode()
    assert searched.status_code == 200
    assert viewed.status_code == 200


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m._meta.model_name)
def test_ledger_rows_cannot_be_added_changed_or_deleted_from_the_admin(admin_client, model):
    opts = model._meta
    instance = model.objects.first()
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[instance.pk])
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
    count = model.objects.count()

    assert admin_client.get(add).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert admin_client.post(change, {}).status_code == 403
    assert model.objects.count() == count


def test_an_entry_page_shows_its_postings_with_signed_amounts(admin_client):
    entry = JournalEntry.objects.get(kind="escrow_release")

    page = admin_client.get(reverse("admin:ledger_journalentry_change", args=[entry.pk]))

    content = page.content.decode()
    assert "seller payable · seller" in content
    assert "-45.60" in content  # (10.00 − 5% commission) EUR × 4.8 = 45.60 MYR, credited
