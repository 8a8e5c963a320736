"""Ledger services against the database (SQLite and PostgreSQL): posting, idempotency, reversal,
append-only enforcement by the database, escrow flows, payouts and `ehub ledger check`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ehub.core.errors import DomainError
from ehub.core.models import AuditEvent
from ehub.core.money import Money
from ehub.ledger import domain
from ehub.ledger.checks import ledger_check
from ehub.ledger.domain import (
    EntryKind,
    ReleaseBreakdown,
    escrow_account,
    provider_clearing_account,
    seller_payable_account,
)
from ehub.ledger.errors import LedgerErrorCode
from ehub.ledger.models import CommissionRate, JournalEntry, LedgerAccount, Posting
from ehub.ledger.selectors import (
    account_balance,
    commission_rate_for,
    order_money_trail,
    seller_statement,
    trial_balance,
)
from ehub.ledger.services import (
    escrow_cancel,
    escrow_fund,
    escrow_refund,
    escrow_release,
    ledger_post,
    ledger_reverse,
    payouts_csv_export,
    payouts_run,
)
from ehub.markets.tests.factories import FxRateFactory
from ehub.sellers.tests.factories import SellerFactory

pytestmark = pytest.mark.django_db

FINNISH_ORDER = ReleaseBreakdown(
    goods=Money("235.00", "EUR"),
    shipping=Money("12.50", "EUR"),
    duties_and_taxes={"EU-duty": Money("7.05", "EUR"), "FI-VAT": Money("64.91", "EUR")},
)


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def myr(amount: str) -> Money:
    return Money(amount, "MYR")


def capture(order_ref="ORD-1", amount="319.46", key=None):
    return escrow_fund(
        order_ref=order_ref,
        amount=eur(amount),
        provider="sandbox",
        idempotency_key=key or order_ref,
    )


def escrow_held(order_ref="ORD-1", currency="EUR") -> Money:
    return -account_balance(key=escrow_account(order_ref, currency))


@pytest.fixture
def seller():
    return SellerFactory(payout_currency="MYR")


# -- posting ----------------------------------------------------------------------------------
def test_posting_writes_the_entry_its_postings_and_gets_or_creates_accounts():
    entry = capture()

    assert entry.kind == EntryKind.PAYMENT_CAPTURED
    assert entry.reference == "ORD-1"
    assert entry.idempotency_key == "payment_captured:ORD-1"
    rows = {(p.account.key, p.amount_minor, p.currency) for p in entry.postings.all()}
    assert rows == {
        (provider_clearing_account("sandbox", "EUR"), 31946, "EUR"),
        (escrow_account("ORD-1", "EUR"), -31946, "EUR"),
    }
    assert LedgerAccount.objects.count() == 2
    capture(order_ref="ORD-2", amount="10.00")
    assert LedgerAccount.objects.count() == 3  # the provider clearing account is reused


def test_a_retried_post_with_the_same_key_returns_the_existing_entry():
    first = capture(key="pay_123")

    again = capture(key="pay_123")

    assert again.pk == first.pk
    assert JournalEntry.objects.count() == 1
    assert Posting.objects.count() == 2


def test_the_same_key_for_a_different_entry_is_a_conflict_and_writes_nothing():
    capture(key="pay_123")

    with pytest.raises(DomainError) as exc:
        capture(key="pay_123", amount="1.00")

    assert exc.value.code == LedgerErrorCode.IDEMPOTENCY_KEY_REUSED
    assert exc.value.status == 409
    assert JournalEntry.objects.count() == 1


def test_an_unbalanced_draft_never_reaches_the_database():
    with pytest.raises(DomainError):
        ledger_post(
            draft=domain.EntryDraft(
                "refund",
                "ORD-1",
                (
                    domain.Posting(escrow_account("ORD-1", "EUR"), eur("1.00")),
                    domain.Posting(provider_clearing_account("sandbox", "EUR"), eur("-2.00")),
                ),
            )
        )

    assert JournalEntry.objects.count() == 0


# -- reversal ---------------------------------------------------------------------------------
def test_reversal_is_a_new_entry_negating_every_posting():
    original = capture()

    reversal = ledger_reverse(entry=original, reason="captured twice by the provider")

    assert reversal.pk != original.pk
    assert reversal.kind == EntryKind.REVERSAL
    assert reversal.reverses == original
    assert sorted(reversal.postings.values_list("amount_minor", flat=True)) == [-31946, 31946]
    assert escrow_held() == eur("0.00")
    assert AuditEvent.objects.filter(tag="ledger:entry:reversed").count() == 1


def test_an_entry_is_reversed_only_once():
    original = capture()
    ledger_reverse(entry=original, reason="mistake")

    with pytest.raises(DomainError) as exc:
        ledger_reverse(entry=original, reason="mistake again")

    assert exc.value.code == LedgerErrorCode.ALREADY_REVERSED
    assert JournalEntry.objects.count() == 2


def test_the_database_refuses_a_second_reversal_of_one_entry():
    original = capture()
    ledger_reverse(entry=original, reason="mistake")

    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.create(kind=EntryKind.REVERSAL, reference="ORD-1", reverses=original)


def test_a_reversal_that_would_overdraw_escrow_is_refused():
    payment = capture()
    escrow_refund(
        order_ref="ORD-1",
        amount=eur("300.00"),
        provider="sandbox",
        reason="r",
        idempotency_key="r1",
    )

    with pytest.raises(DomainError) as exc:
        ledger_reverse(entry=payment, reason="provider says it never captured")

    assert exc.value.code == LedgerErrorCode.ESCROW_INSUFFICIENT
    assert escrow_held() == eur("19.46")
    assert not JournalEntry.objects.filter(kind=EntryKind.REVERSAL).exists()


# -- append-only, enforced by the database ----------------------------------------------------
def test_orm_update_and_delete_of_entries_and_postings_are_refused_by_the_database():
    entry = capture()
    posting = entry.postings.first()
    account = posting.account

    for attempt in (
        lambda: JournalEntry.objects.filter(pk=entry.pk).update(memo="edited"),
        lambda: Posting.objects.filter(pk=posting.pk).update(amount_minor=1),
        lambda: LedgerAccount.objects.filter(pk=account.pk).update(currency="USD"),
        lambda: Posting.objects.filter(pk=posting.pk).delete(),
        lambda: LedgerAccount.objects.filter(pk=account.pk)._raw_delete(using="default"),
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            attempt()
    # Deleting an entry through the ORM stops even earlier: its postings are PROTECTed.
    with pytest.raises(IntegrityError, match="protected foreign keys"), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).delete()

    posting.refresh_from_db()
    assert posting.amount_minor in (31946, -31946)
    assert JournalEntry.objects.get(pk=entry.pk).memo == entry.memo


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_posting SET amount_minor = amount_minor + 1",
        "UPDATE ledger_journalentry SET reference = 'ORD-X'",
        "DELETE FROM ledger_posting",
        "DELETE FROM ledger_journalentry",
        "DELETE FROM ledger_ledgeraccount",
    ],
)
def test_raw_sql_update_and_delete_are_refused_by_the_database(statement):
    capture()

    with pytest.raises(IntegrityError, match="append-only"):
        execute_in_savepoint(statement)

    assert Posting.objects.count() == 2
    assert escrow_held() == eur("319.46")


def test_a_posting_in_another_currency_than_its_account_is_refused_by_the_database():
    entry = capture()
    account = LedgerAccount.objects.get(purpose="escrow")

    with pytest.raises(IntegrityError, match="currency"), transaction.atomic():
        Posting.objects.create(entry=entry, account=account, amount_minor=5, currency="USD")


def test_a_zero_posting_is_refused_by_the_database():
    entry = capture()
    account = LedgerAccount.objects.get(purpose="escrow")

    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.create(entry=entry, account=account, amount_minor=0, currency="EUR")


def execute_in_savepoint(statement):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


def as_if_committed(write):
    """Run ``write`` in a savepoint, then what COMMIT does: the deferred checks, now."""
    with transaction.atomic():
        write()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_postgres_refuses_an_unbalanced_entry_at_commit(on_postgres):
    if not on_postgres:
        pytest.skip("the deferred balance trigger is PostgreSQL only (SQLite: ledger check)")
    entry = capture()
    account = LedgerAccount.objects.get(purpose="escrow")

    with pytest.raises(IntegrityError, match="does not balance in EUR"):
        as_if_committed(
            lambda: Posting.objects.create(
                entry=entry, account=account, amount_minor=-1, currency="EUR"
            )
        )
    with pytest.raises(IntegrityError, match="has 0 posting"):
        as_if_committed(
            lambda: JournalEntry.objects.create(kind=EntryKind.REFUND, reference="ORD-1")
        )
    assert Posting.objects.filter(entry=entry).count() == 2


# -- escrow flows -----------------------------------------------------------------------------
def test_release_empties_escrow_into_authorities_shipping_commission_and_seller_payable(seller):
    capture()
    FxRateFactory(base="EUR", quote="MYR", rate=Decimal("4.8762"), as_of=dt.date(2026, 11, 20))

    entry = escrow_release(
        order_ref="ORD-1", breakdown=FINNISH_ORDER, seller=seller, on_date=dt.date(2026, 11, 23)
    )

    assert entry.kind == EntryKind.ESCROW_RELEASE
    amounts = {(p.account.purpose, p.account.owner_id, p.amount) for p in entry.postings.all()}
    assert amounts == {
        ("escrow", "ORD-1", eur("319.46")),
        ("duties_taxes_payable", "EU-duty", eur("-7.05")),
        ("duties_taxes_payable", "FI-VAT", eur("-64.91")),
        ("shipping_payable", "ehub", eur("-12.50")),
        ("commission_revenue", "ehub", eur("-11.75")),
        ("fx_clearing", "ehub", eur("-223.25")),
        ("fx_clearing", "ehub", myr("1088.61")),
        ("seller_payable", str(seller.pk), myr("-1088.61")),
    }
    assert escrow_held() == eur("0.00")
    event = AuditEvent.objects.get(tag="ledger:escrow:released")
    assert event.data["rate"] == "4.8762"
    assert event.data["commission_rate"] == "0.05"


def test_release_uses_the_configured_commission_seller_over_category_over_default(seller):
    from ehub.catalog.models import Category

    category = Category.objects.create(slug="textiles")
    other = SellerFactory()
    CommissionRate.objects.create(category=category, rate=Decimal("0.10"))
    CommissionRate.objects.create(seller=seller, rate=Decimal("0.03"))
    CommissionRate.objects.create(seller=seller, category=category, rate=Decimal("0.02"))

    assert commission_rate_for(seller_id=other.pk) == Decimal("0.05")
    assert commission_rate_for(seller_id=other.pk, category_id=category.pk) == Decimal("0.10")
    assert commission_rate_for(seller_id=seller.pk) == Decimal("0.03")
    assert commission_rate_for(seller_id=seller.pk, category_id=category.pk) == Decimal("0.02")

    capture()
    entry = escrow_release(
        order_ref="ORD-1",
        breakdown=FINNISH_ORDER,
        seller=seller,
        category_id=category.pk,
        rate=Decimal("4.8762"),
    )
    commission = entry.postings.get(account__purpose="commission_revenue")
    assert commission.amount == eur("-4.70")  # 2% of 235.00


def test_releasing_twice_returns_the_first_release(seller):
    capture()
    first = escrow_release(
        order_ref="ORD-1", breakdown=FINNISH_ORDER, seller=seller, rate=Decimal("4.8762")
    )

    again = escrow_release(
        order_ref="ORD-1", breakdown=FINNISH_ORDER, seller=seller, rate=Decimal("4.9")
    )

    assert again.pk == first.pk
    assert JournalEntry.objects.filter(kind=EntryKind.ESCROW_RELEASE).count() == 1


def test_the_database_allows_one_release_per_order(seller):
    capture()
    escrow_release(order_ref="ORD-1", breakdown=FINNISH_ORDER, seller=seller, rate=Decimal("4.8"))

    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.create(kind=EntryKind.ESCROW_RELEASE, reference="ORD-1")


def test_release_refuses_a_breakdown_that_does_not_match_the_escrow(seller):
    capture(amount="300.00")

    with pytest.raises(DomainError) as exc:
        escrow_release(
            order_ref="ORD-1", breakdown=FINNISH_ORDER, seller=seller, rate=Decimal("4.8")
        )

    assert exc.value.code == LedgerErrorCode.ESCROW_MISMATCH
    assert exc.value.detail == {"breakdown": "319.46", "escrow": "300.00"}
    assert not JournalEntry.objects.filter(kind=EntryKind.ESCROW_RELEASE).exists()


def test_release_without_escrow_is_not_found(seller):
    with pytest.raises(DomainError) as exc:
        escrow_release(
            order_ref="ORD-404", breakdown=FINNISH_ORDER, seller=seller, rate=Decimal("4.8")
        )

    assert exc.value.code == LedgerErrorCode.ESCROW_NOT_FOUND
    assert exc.value.status == 404


def test_release_without_a_stored_rate_names_the_missing_rate(seller):
    capture()

    with pytest.raises(DomainError) as exc:
        escrow_release(
            order_ref="ORD-1",
            breakdown=FINNISH_ORDER,
            seller=seller,
            on_date=dt.date(2026, 11, 23),
        )

    assert exc.value.code == "fx_rate_missing"
    assert JournalEntry.objects.count() == 1


def test_partial_refund_then_cancellation_returns_everything_to_the_buyer():
    capture()

    escrow_refund(
        order_ref="ORD-1",
        amount=eur("19.46"),
        provider="sandbox",
        reason="one item out of stock",
        idempotency_key="refund-1",
    )
    cancel = escrow_cancel(order_ref="ORD-1", provider="sandbox")

    assert cancel.kind == EntryKind.CANCELLATION
    assert {p.amount for p in cancel.postings.all()} == {eur("300.00"), eur("-300.00")}
    assert escrow_held() == eur("0.00")
    assert account_balance(key=provider_clearing_account("sandbox", "EUR")) == eur("0.00")
    assert escrow_cancel(order_ref="ORD-1", provider="sandbox").pk == cancel.pk  # idempotent


def test_a_capture_after_cancellation_is_recorded_flagged_and_refunded():
    capture(key="pay_1")
    escrow_cancel(order_ref="ORD-1", provider="sandbox")

    capture(key="pay_2_late")  # the provider's timed-out charge went through after all

    assert escrow_held() == eur("319.46")
    assert [str(p) for p in ledger_check().problems] == [
        "released_escrow_not_zero: order ORD-1: escrow still holds 319.46 EUR after cancellation"
    ]
    escrow_refund(
        order_ref="ORD-1",
        amount=eur("319.46"),
        provider="sandbox",
        reason="charged after cancellation",
        idempotency_key="pay_2_late",
    )
    assert escrow_held() == eur("0.00")
    assert ledger_check().ok


def test_a_refund_larger_than_the_escrow_is_refused():
    capture(amount="10.00")

    with pytest.raises(DomainError) as exc:
        escrow_refund(
            order_ref="ORD-1",
            amount=eur("10.01"),
            provider="sandbox",
            reason="",
            idempotency_key="x",
        )

    assert exc.value.code == LedgerErrorCode.ESCROW_INSUFFICIENT
    assert not JournalEntry.objects.filter(kind=EntryKind.REFUND).exists()


def test_refund_or_cancel_after_release_is_refused_until_the_release_is_reversed(seller):
    capture()
    release = escrow_release(
        order_ref="ORD-1", breakdown=FINNISH_ORDER, seller=seller, rate=Decimal("4.8762")
    )

    with pytest.raises(DomainError) as exc:
        escrow_refund(
            order_ref="ORD-1",
            amount=eur("1.00"),
            provider="sandbox",
            reason="",
            idempotency_key="x",
        )
    assert exc.value.code == LedgerErrorCode.ESCROW_RELEASED
    with pytest.raises(DomainError):
        escrow_cancel(order_ref="ORD-1", provider="sandbox")

    ledger_reverse(entry=release, reason="buyer returned the goods")
    escrow_refund(
        order_ref="ORD-1",
        amount=eur("319.46"),
        provider="sandbox",
        reason="returned",
        idempotency_key="x",
    )
    assert escrow_held() == eur("0.00")
    assert account_balance(key=seller_payable_account(seller.pk, "MYR")) == myr("0.00")
    assert ledger_check().ok


def test_reversing_a_release_already_paid_out_is_refused(seller):
    capture()
    release = escrow_release(
        order_ref="ORD-1", breakdown=FINNISH_ORDER, seller=seller, rate=Decimal("4.8762")
    )
    payouts_run(on_date=dt.date(2026, 11, 30))

    with pytest.raises(DomainError) as exc:
        ledger_reverse(entry=release, reason="late return")

    assert exc.value.code == LedgerErrorCode.ESCROW_INSUFFICIENT
    assert "seller payable" in exc.value.message


# -- payouts ----------------------------------------------------------------------------------
def test_payouts_run_pays_every_positive_payable_once_and_exports_csv(seller, tmp_path):
    euro_seller = SellerFactory(payout_currency="EUR", legal_name="Helsinki Oy", country="FI")
    capture("ORD-1")
    capture("ORD-2", amount="100.00")
    escrow_release(
        order_ref="ORD-1", breakdown=FINNISH_ORDER, seller=seller, rate=Decimal("4.8762")
    )
    escrow_release(
        order_ref="ORD-2",
        breakdown=ReleaseBreakdown(goods=eur("100.00"), shipping=eur("0.00")),
        seller=euro_seller,
    )

    batch = payouts_run(on_date=dt.date(2026, 11, 30))
    out = io.StringIO()
    rows = payouts_csv_export(batch=batch, out=out)

    assert rows == 2
    lines = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {(r["seller_id"], r["currency"], r["amount"]) for r in lines} == {
        (str(seller.pk), "MYR", "1088.61"),
        (str(euro_seller.pk), "EUR", "95.00"),
    }
    assert {r["payment_date"] for r in lines} == {"2026-11-30"}
    assert {r["batch"] for r in lines} == {batch.reference}
    assert next(r for r in lines if r["currency"] == "EUR")["seller_name"] == "Helsinki Oy"
    assert account_balance(key=seller_payable_account(seller.pk, "MYR")) == myr("0.00")
    second = payouts_run(on_date=dt.date(2026, 11, 30))
    assert payouts_csv_export(batch=second, out=io.StringIO()) == 0
    assert JournalEntry.objects.filter(kind=EntryKind.PAYOUT).count() == 2


def test_payouts_command_writes_the_csv(seller, tmp_path):
    capture()
    escrow_release(
        order_ref="ORD-1", breakdown=FINNISH_ORDER, seller=seller, rate=Decimal("4.8762")
    )
    target = tmp_path / "payouts.csv"
    out = io.StringIO()

    call_command("payouts", "run", "--date", "2026-11-30", "--csv", str(target), stdout=out)

    assert "1 payout(s)" in out.getvalue()
    assert f"seller {seller.pk}: 1088.61 MYR" in out.getvalue()
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [(r["currency"], r["amount"]) for r in rows] == [("MYR", "1088.61")]


# -- selectors --------------------------------------------------------------------------------
def test_seller_statement_has_a_running_balance(seller):
    capture("ORD-1")
    capture("ORD-2", amount="100.00")
    escrow_release(
        order_ref="ORD-1", breakdown=FINNISH_ORDER, seller=seller, rate=Decimal("4.8762")
    )
    escrow_release(
        order_ref="ORD-2",
        breakdown=ReleaseBreakdown(goods=eur("100.00"), shipping=eur("0.00")),
        seller=seller,
        rate=Decimal("4.8"),
    )
    payouts_run(on_date=dt.date(2026, 11, 30))

    lines = seller_statement(seller=seller, currency="MYR")

    assert [(line.kind, line.amount, line.balance) for line in lines] == [
        ("escrow_release", myr("1088.61"), myr("1088.61")),
        ("escrow_release", myr("456.00"), myr("1544.61")),
        ("payout", myr("-1544.61"), myr("0.00")),
    ]
    assert seller_statement(seller=seller, currency="EUR") == []


def test_order_money_trail_lists_every_entry_about_the_order(seller):
    capture("ORD-1")
    capture("ORD-2", amount="5.00")
    escrow_refund(
        order_ref="ORD-1", amount=eur("0.46"), provider="sandbox", reason="", idempotency_key="r"
    )

    trail = order_money_trail(order_ref="ORD-1")

    assert [t.entry.kind for t in trail] == ["payment_captured", "refund"]
    assert sorted(p.amount_minor for p in trail[1].postings) == [-46, 46]


def test_trial_balance_debits_equal_credits_per_currency(seller):
    capture()
    escrow_release(
        order_ref="ORD-1", breakdown=FINNISH_ORDER, seller=seller, rate=Decimal("4.8762")
    )

    tables = trial_balance()

    assert list(tables) == ["EUR", "MYR"]
    assert (tables["EUR"].debits, tables["EUR"].credits) == (eur("319.46"), eur("319.46"))
    assert (tables["MYR"].debits, tables["MYR"].credits) == (myr("1088.61"), myr("1088.61"))


# -- ehub ledger check ------------------------------------------------------------------------
def test_ledger_check_passes_on_a_good_ledger_and_prints_the_trial_balance(seller):
    capture()
    escrow_release(
        order_ref="ORD-1", breakdown=FINNISH_ORDER, seller=seller, rate=Decimal("4.8762")
    )
    out, err = io.StringIO(), io.StringIO()

    call_command("ledger", "check", stdout=out, stderr=err)

    assert "ledger check: OK" in out.getvalue()
    assert "  MYR" in out.getvalue()
    assert "1088.61" in out.getvalue()
    assert err.getvalue() == ""


def _disable_balance_trigger():
    """Let a test write a broken entry: PostgreSQL's deferred trigger would refuse it at the
    end of the test. Transactional DDL: rolled back with the test."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE ledger_posting DISABLE TRIGGER ledger_posting_balanced")
            cursor.execute(
                "ALTER TABLE ledger_journalentry DISABLE TRIGGER ledger_journalentry_balanced"
            )


def test_ledger_check_exits_1_and_names_each_problem(seller):
    _disable_balance_trigger()
    capture()
    escrow_release(
        order_ref="ORD-1", breakdown=FINNISH_ORDER, seller=seller, rate=Decimal("4.8762")
    )
    # Corrupt it the way only raw inserts can: an unbalanced entry that also overdraws escrow,
    # touches the released escrow, and a capture that never funded an escrow.
    escrow = LedgerAccount.objects.get(purpose="escrow")
    bad = JournalEntry.objects.create(kind=EntryKind.REFUND, reference="ORD-1")
    Posting.objects.create(entry=bad, account=escrow, amount_minor=500, currency="EUR")
    orphan = JournalEntry.objects.create(kind=EntryKind.PAYMENT_CAPTURED, reference="ORD-9")
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as exc:
        call_command("ledger", "check", stdout=out, stderr=err)

    assert exc.value.returncode == 1
    problems = err.getvalue().splitlines()
    assert (
        f"PROBLEM unbalanced_entry: entry #{bad.pk} does not balance in EUR: postings sum to 5.00"
        in problems
    )
    assert f"PROBLEM too_few_postings: entry #{bad.pk} (refund ORD-1) has 1 posting(s)" in problems
    assert (
        f"PROBLEM too_few_postings: entry #{orphan.pk} (payment_captured ORD-9) has 0 posting(s)"
        in problems
    )
    assert (
        "PROBLEM negative_balance: escrow · order ORD-1 · EUR is below zero: -5.00 EUR" in problems
    )
    assert (
        "PROBLEM released_escrow_not_zero: order ORD-1: escrow still holds -5.00 EUR after "
        "escrow release" in problems
    )
    assert (
        f"PROBLEM payment_without_escrow: entry #{orphan.pk}: payment captured for order ORD-9 "
        "did not fund its escrow" in problems
    )
    assert "PROBLEM trial_balance: EUR debits 324.46 ≠ credits 319.46" in problems
    assert "ledger check: OK" not in out.getvalue()


def test_ledger_check_reports_a_missing_trigger():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER ledger_posting_no_update")
        else:
            cursor.execute("ALTER TABLE ledger_posting DISABLE TRIGGER ledger_posting_no_update")

    report = ledger_check()

    assert [str(p) for p in report.problems] == [
        "trigger_missing: database trigger ledger_posting_no_update is missing or disabled"
    ]


def test_the_factories_make_a_funded_escrow_and_a_commission_rate():
    from ehub.ledger.selectors import commission_rate_for
    from ehub.ledger.tests.factories import CommissionRateFactory, funded_escrow

    entry = funded_escrow("ORD-F")
    rule = CommissionRateFactory(rate=Decimal("0.07"))

    assert entry.kind == "payment_captured"
    assert funded_escrow("ORD-F").pk == entry.pk
    assert commission_rate_for(seller_id=rule.seller_id) == Decimal("0.07")


# -- Hypothesis through the real services -----------------------------------------------------
flow_steps = st.lists(
    st.one_of(
        st.tuples(st.just("pay"), st.integers(0, 2), st.integers(1, 10**7)),
        st.tuples(st.just("refund"), st.integers(0, 2), st.integers(1, 100)),
        st.tuples(st.just("cancel"), st.integers(0, 2)),
        st.tuples(
            st.just("release"),
            st.integers(0, 2),
            st.decimals(min_value="0.001", max_value="500", places=4),
            st.lists(st.integers(0, 50), min_size=3, max_size=3).filter(lambda r: r[0] > 0),
        ),
        st.tuples(st.just("payout")),
    ),
    max_size=12,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    currencies=st.lists(st.sampled_from(["EUR", "JPY", "KWD", "MYR"]), min_size=3, max_size=3),
    steps=flow_steps,
)
def test_any_sequence_through_the_services_passes_ledger_check(seller, currencies, steps):
    run = uuid.uuid4().hex[:8]  # examples share the test's database: fresh orders each time
    closed: set[str] = set()  # payments never captures for a cancelled or released order
    refusals = []
    for step in steps:
        order = f"H-{run}-{step[1]}" if len(step) > 1 else ""
        currency = currencies[step[1]] if len(step) > 1 else ""
        try:
            if step[0] == "pay" and order not in closed:
                escrow_fund(
                    order_ref=order,
                    amount=Money.from_minor_units(step[2], currency),
                    provider="sandbox",
                    idempotency_key=f"{order}-{step[2]}",
                )
            elif step[0] == "refund":
                held = escrow_held(order, currency)
                part = max(held.to_minor_units() * step[2] // 100, 1)
                escrow_refund(
                    order_ref=order,
                    amount=Money.from_minor_units(part, currency),
                    provider="sandbox",
                    reason="",
                    idempotency_key=f"{order}-{part}-{uuid.uuid4().hex}",
                )
            elif step[0] == "cancel":
                escrow_cancel(order_ref=order, provider="sandbox")
                closed.add(order)
            elif step[0] == "release":
                held = escrow_held(order, currency)
                goods, shipping, tax = held.allocate(step[3]) if held.amount > 0 else (held,) * 3
                escrow_release(
                    order_ref=order,
                    breakdown=ReleaseBreakdown(goods, shipping, {"VAT": tax}),
                    seller=seller,
                    rate=step[2],
                )
                closed.add(order)
            elif step[0] == "payout":
                payouts_run()
        except DomainError as exc:  # nothing in escrow, already closed, ...: writes nothing
            refusals.append(exc)
    assert all(exc.status in (404, 409, 422) for exc in refusals)
    report = ledger_check()
    assert report.ok, [str(p) for p in report.problems]
