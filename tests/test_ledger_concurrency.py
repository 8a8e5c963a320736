"""Ledger under real concurrency: threads, each with its own PostgreSQL connection, released
together by a barrier. SQLite serialises every writer (and Django ignores select_for_update
there), so these races only mean something on PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from ehub.core.errors import DomainError
from ehub.core.money import Money
from ehub.core.tests.concurrency import race
from ehub.ledger.checks import ledger_check
from ehub.ledger.domain import EntryKind, ReleaseBreakdown, escrow_account, seller_payable_account
from ehub.ledger.models import JournalEntry, LedgerAccount, Posting
from ehub.ledger.selectors import account_balance
from ehub.ledger.services import escrow_fund, escrow_refund, escrow_release, payouts_run
from ehub.sellers.tests.factories import SellerFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrency needs PostgreSQL: SQLite serialises writers and ignores "
        "select_for_update (run with DATABASE_URL=postgres://...)",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 20


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def test_twenty_concurrent_posts_with_one_idempotency_key_write_one_entry():
    results = race(
        lambda i: escrow_fund(
            order_ref="ORD-1", amount=eur("319.46"), provider="sandbox", idempotency_key="pay_1"
        )
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert len({entry.pk for entry in results}) == 1
    assert JournalEntry.objects.count() == 1
    assert Posting.objects.count() == 2
    assert account_balance(key=escrow_account("ORD-1", "EUR")) == eur("-319.46")
    assert ledger_check().ok


def test_concurrent_releases_of_one_escrow_release_it_once():
    seller = SellerFactory(payout_currency="MYR")
    escrow_fund(order_ref="ORD-1", amount=eur("319.46"), provider="sandbox", idempotency_key="p")
    breakdown = ReleaseBreakdown(
        goods=eur("235.00"),
        shipping=eur("12.50"),
        duties_and_taxes={"EU-duty": eur("7.05"), "FI-VAT": eur("64.91")},
    )

    results = race(
        lambda i: escrow_release(
            order_ref="ORD-1", breakdown=breakdown, seller=seller, rate=Decimal("4.8762")
        )
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    assert len({entry.pk for entry in results}) == 1
    assert JournalEntry.objects.filter(kind=EntryKind.ESCROW_RELEASE).count() == 1
    assert account_balance(key=escrow_account("ORD-1", "EUR")) == eur("0.00")
    assert account_balance(key=seller_payable_account(seller.pk, "MYR")) == Money("-1088.61", "MYR")
    assert ledger_check().ok


def test_concurrent_refunds_never_overdraw_escrow():
    escrow_fund(order_ref="ORD-1", amount=eur("100.00"), provider="sandbox", idempotency_key="p")

    results = race(
        lambda i: escrow_refund(
            order_ref="ORD-1",
            amount=eur("40.00"),
            provider="sandbox",
            reason="partial",
            idempotency_key=f"refund-{i}",
        )
    )

    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == THREADS - 2
    assert {r.code for r in refused} == {"ledger_escrow_insufficient"}
    assert JournalEntry.objects.filter(kind=EntryKind.REFUND).count() == 2
    assert account_balance(key=escrow_account("ORD-1", "EUR")) == eur("-20.00")
    assert ledger_check().ok


def test_concurrent_payout_runs_pay_each_seller_once():
    sellers = [SellerFactory(payout_currency="EUR") for _ in range(3)]
    for n, seller in enumerate(sellers):
        ref = f"ORD-{n}"
        escrow_fund(order_ref=ref, amount=eur("50.00"), provider="sandbox", idempotency_key=ref)
        escrow_release(
            order_ref=ref,
            breakdown=ReleaseBreakdown(goods=eur("50.00"), shipping=eur("0.00")),
            seller=seller,
        )

    results = race(lambda i: payouts_run(), threads=5)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert JournalEntry.objects.filter(kind=EntryKind.PAYOUT).count() == 3
    for seller in sellers:
        assert account_balance(key=seller_payable_account(seller.pk, "EUR")) == eur("0.00")
    assert ledger_check().ok


def commit_unbalanced_entry(escrow: LedgerAccount, clearing: LedgerAccount) -> None:
    with transaction.atomic():
        entry = JournalEntry.objects.create(kind=EntryKind.REFUND, reference="ORD-1")
        Posting.objects.create(entry=entry, account=escrow, amount_minor=1000, currency="EUR")
        Posting.objects.create(entry=entry, account=clearing, amount_minor=-999, currency="EUR")


def commit_entry_without_postings() -> None:
    with transaction.atomic():
        JournalEntry.objects.create(kind=EntryKind.REFUND, reference="ORD-1")


def test_the_deferred_trigger_rejects_an_unbalanced_commit():
    escrow_fund(order_ref="ORD-1", amount=eur("10.00"), provider="sandbox", idempotency_key="p")
    escrow = LedgerAccount.objects.get(purpose="escrow")
    clearing = LedgerAccount.objects.get(purpose="provider_clearing")

    with pytest.raises(IntegrityError, match="does not balance in EUR: postings sum to 1 minor"):
        commit_unbalanced_entry(escrow, clearing)
    with pytest.raises(IntegrityError, match="has 0 posting"):
        commit_entry_without_postings()

    assert JournalEntry.objects.count() == 1
    assert Posting.objects.count() == 2
    assert ledger_check().ok
