"""One payment for a multi-seller order, split into one escrow per parcel: the pure flow builder
(exact postings, refusals, a Hypothesis property), the services against the database, and
`ehub ledger check` treating a split order escrow as closed."""

from __future__ import annotations

import io
import itertools
from decimal import Decimal

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from ehub.core.errors import DomainError
from ehub.core.models import AuditEvent
from ehub.core.money import Money
from ehub.ledger import domain
from ehub.ledger.checks import ledger_check
from ehub.ledger.domain import Balances, EntryKind, ReleaseBreakdown, escrow_account
from ehub.ledger.errors import LedgerErrorCode
from ehub.ledger.models import JournalEntry
from ehub.ledger.selectors import account_balance
from ehub.ledger.services import (
    escrow_fund,
    escrow_refund,
    escrow_release,
    escrow_split,
    escrow_split_payment,
)
from ehub.sellers.tests.factories import SellerFactory


def cny(amount: str) -> Money:
    return Money(amount, "CNY")


PARTS = {"ORD-1/1": cny("1183.77"), "ORD-1/2": cny("512.43")}  # 1696.20


# -- the flow builder (no database) -----------------------------------------------------------
def test_escrow_split_debits_the_order_escrow_and_credits_each_parcel_escrow():
    draft = domain.escrow_split("ORD-1", PARTS, cny("1696.20"))

    assert (draft.kind, draft.reference) == (EntryKind.ESCROW_SPLIT, "ORD-1")
    assert {p.account: p.amount for p in draft.postings} == {
        escrow_account("ORD-1", "CNY"): cny("1696.20"),
        escrow_account("ORD-1/1", "CNY"): cny("-1183.77"),
        escrow_account("ORD-1/2", "CNY"): cny("-512.43"),
    }
    assert draft.totals() == {"CNY": cny("0")}


def test_escrow_split_without_an_amount_moves_the_sum_of_the_parts():
    draft = domain.escrow_split("ORD-1", {"ORD-1/1": cny("10.00")})

    assert draft.amount_for(escrow_account("ORD-1", "CNY")) == cny("10.00")


@pytest.mark.parametrize(
    ("parts", "amount", "code"),
    [
        (PARTS, cny("1696.21"), LedgerErrorCode.ESCROW_MISMATCH),  # a cent short
        (PARTS, cny("1696.19"), LedgerErrorCode.ESCROW_MISMATCH),  # a cent over
        ({"ORD-1/1": cny("1.00"), "ORD-1/2": Money("1.00", "EUR")}, None, "ledger_invalid_entry"),
        ({"ORD-1/1": cny("2.00")}, Money("2.00", "EUR"), "ledger_invalid_entry"),
        ({}, cny("1.00"), "ledger_invalid_entry"),
        ({"ORD-1/1": cny("0.00")}, None, "ledger_invalid_entry"),
        ({"ORD-1/1": cny("-1.00"), "ORD-1/2": cny("2.00")}, cny("1.00"), "ledger_invalid_entry"),
        ({"ORD-1/1": cny("1.005")}, None, "ledger_invalid_entry"),
        ({"ORD-1": cny("1.00")}, None, "ledger_invalid_entry"),  # into itself
        ({"": cny("1.00")}, None, "ledger_invalid_entry"),
    ],
)
def test_escrow_split_refuses_parts_that_do_not_add_up_or_mix_currencies(parts, amount, code):
    with pytest.raises(DomainError) as refused:
        domain.escrow_split("ORD-1", parts, amount)

    assert refused.value.code == code


@given(
    whole_minor=st.integers(min_value=1, max_value=10**9),
    cuts=st.lists(st.integers(min_value=0, max_value=10**9), max_size=6),
    currency=st.sampled_from(["CNY", "EUR", "JPY", "KWD", "MYR"]),
)
def test_a_split_always_moves_exactly_the_whole_into_parts_that_sum_to_it(
    whole_minor, cuts, currency
):
    # Any way of cutting an amount into positive parts.
    points = sorted({c % whole_minor for c in cuts} - {0})
    bounds = [0, *points, whole_minor]
    parts = {
        f"ORD-1/{n}": Money.from_minor_units(high - low, currency)
        for n, (low, high) in enumerate(itertools.pairwise(bounds), start=1)
    }
    whole = Money.from_minor_units(whole_minor, currency)

    draft = domain.escrow_split("ORD-1", parts, whole)
    books = Balances()
    books.apply(domain.payment_captured("ORD-1", whole, "sandbox"))
    books.apply(draft)

    assert sum((p.to_minor_units() for p in parts.values()), 0) == whole_minor
    assert books.totals()[Money.zero(currency).currency].is_zero()
    assert books.natural(escrow_account("ORD-1", currency)).is_zero()
    for reference, part in parts.items():
        assert books.natural(escrow_account(reference, currency)) == part
    # One part off by one minor unit is always refused.
    first = next(iter(parts))
    off = {**parts, first: parts[first] + Money.from_minor_units(1, currency)}
    with pytest.raises(DomainError):
        domain.escrow_split("ORD-1", off, whole)


# -- the services (database) ------------------------------------------------------------------
def fund(order_ref: str = "ORD-1", amount: str = "1696.20", payment: str = "pay_1") -> JournalEntry:
    return escrow_fund(
        order_ref=order_ref, amount=cny(amount), provider="sandbox", idempotency_key=payment
    )


def held(order_ref: str) -> Money:
    return -account_balance(key=escrow_account(order_ref, "CNY"))


@pytest.mark.django_db
def test_splitting_a_funded_escrow_fills_each_parcel_escrow_once():
    fund()

    entry = escrow_split(
        order_ref="ORD-1", parts=PARTS, amount=cny("1696.20"), idempotency_key="pay_1"
    )
    again = escrow_split(
        order_ref="ORD-1", parts=PARTS, amount=cny("1696.20"), idempotency_key="pay_1"
    )

    assert again.pk == entry.pk
    assert JournalEntry.objects.filter(kind=EntryKind.ESCROW_SPLIT).count() == 1
    assert (held("ORD-1"), held("ORD-1/1"), held("ORD-1/2")) == (
        cny("0"),
        cny("1183.77"),
        cny("512.43"),
    )
    assert AuditEvent.objects.filter(tag="ledger:escrow:split").count() == 1
    assert ledger_check().ok


@pytest.mark.django_db
def test_a_split_of_more_than_escrow_holds_or_of_no_escrow_writes_nothing():
    with pytest.raises(DomainError) as missing:
        escrow_split(order_ref="ORD-1", parts=PARTS, amount=cny("1696.20"), idempotency_key="p")
    fund(amount="1000.00")
    with pytest.raises(DomainError) as short:
        escrow_split(order_ref="ORD-1", parts=PARTS, amount=cny("1696.20"), idempotency_key="p")

    assert missing.value.code == LedgerErrorCode.ESCROW_NOT_FOUND
    assert short.value.code == LedgerErrorCode.ESCROW_INSUFFICIENT
    assert not JournalEntry.objects.filter(kind=EntryKind.ESCROW_SPLIT).exists()
    assert held("ORD-1") == cny("1000.00")


@pytest.mark.django_db
def test_an_escrow_is_split_once_and_then_refunds_from_it_are_refused():
    fund(amount="3000.00")
    escrow_split(order_ref="ORD-1", parts=PARTS, amount=cny("1696.20"), idempotency_key="pay_1")

    with pytest.raises(DomainError) as second:
        escrow_split(order_ref="ORD-1", parts=PARTS, amount=cny("1696.20"), idempotency_key="pay_2")

    assert second.value.code == LedgerErrorCode.ESCROW_RELEASED
    # What is left after the split (a second charge) is reported until it is refunded.
    assert [p.code for p in ledger_check().problems] == ["released_escrow_not_zero"]
    escrow_refund(
        order_ref="ORD-1",
        amount=cny("1303.80"),
        provider="sandbox",
        reason="charged twice",
        idempotency_key="r1",
    )
    assert ledger_check().ok
    with pytest.raises(DomainError) as closed:
        escrow_refund(
            order_ref="ORD-1",
            amount=cny("1.00"),
            provider="sandbox",
            reason="too late",
            idempotency_key="r2",
        )
    assert closed.value.code == LedgerErrorCode.ESCROW_RELEASED


@pytest.mark.django_db
def test_split_by_payment_splits_what_that_payment_funded_and_nothing_without_it():
    assert escrow_split_payment(order_ref="ORD-1", payment_id="pay_1", parts=PARTS) is None
    fund()

    entry = escrow_split_payment(order_ref="ORD-1", payment_id="pay_1", parts=PARTS)
    with pytest.raises(DomainError) as other_order:
        escrow_split_payment(order_ref="ORD-2", payment_id="pay_1", parts=PARTS)
    with pytest.raises(DomainError) as wrong_parts:
        escrow_split_payment(
            order_ref="ORD-1", payment_id="pay_1", parts={"ORD-1/1": cny("1696.19")}
        )

    assert entry is not None
    assert entry.kind == EntryKind.ESCROW_SPLIT
    assert other_order.value.code == LedgerErrorCode.ESCROW_MISMATCH
    assert wrong_parts.value.code == LedgerErrorCode.ESCROW_MISMATCH
    assert JournalEntry.objects.filter(kind=EntryKind.ESCROW_SPLIT).count() == 1


@pytest.mark.django_db
def test_each_parcel_escrow_is_released_to_its_own_seller_and_ledger_check_passes():
    penang = SellerFactory(country="MY", payout_currency="MYR")
    ohio = SellerFactory(country="US", payout_currency="USD")
    fund()
    escrow_split(order_ref="ORD-1", parts=PARTS, amount=cny("1696.20"), idempotency_key="pay_1")

    escrow_release(
        order_ref="ORD-1/1",
        breakdown=ReleaseBreakdown(
            goods=cny("1000.00"), shipping=cny("100.00"), duties_and_taxes={"CN-VAT": cny("83.77")}
        ),
        seller=penang,
        rate=Decimal("0.6"),
    )
    escrow_release(
        order_ref="ORD-1/2",
        breakdown=ReleaseBreakdown(goods=cny("450.00"), shipping=cny("62.43")),
        seller=ohio,
        rate=Decimal("0.14"),
    )

    assert (held("ORD-1"), held("ORD-1/1"), held("ORD-1/2")) == (cny("0"), cny("0"), cny("0"))
    out = io.StringIO()
    call_command("ledger", "check", stdout=out)
    assert "ledger check: OK" in out.getvalue()


@pytest.mark.django_db
def test_ledger_check_accepts_a_split_order_escrow_at_zero_and_flags_one_that_is_not():
    fund()
    escrow_split(order_ref="ORD-1", parts=PARTS, amount=cny("1696.20"), idempotency_key="pay_1")
    assert ledger_check().ok  # ORD-1 is at zero: closed by the split, not a forgotten escrow

    fund(amount="10.00", payment="pay_2")  # a second capture after the split

    assert [str(p) for p in ledger_check().problems] == [
        "released_escrow_not_zero: order ORD-1: escrow still holds 10.00 CNY after escrow split"
    ]
