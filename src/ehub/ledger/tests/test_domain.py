"""The ledger's pure core: each flow's exact postings, refused drafts, and (Hypothesis) any
sequence of pay, cancel, refund, release and payout keeps the books balanced. No database."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehub.core.errors import DomainError
from ehub.core.money import Money
from ehub.ledger import domain
from ehub.ledger.domain import (
    AccountKey,
    Balances,
    EntryDraft,
    EntryKind,
    Posting,
    ReleaseBreakdown,
    commission_revenue_account,
    duties_taxes_payable_account,
    escrow_account,
    fx_clearing_account,
    payouts_clearing_account,
    provider_clearing_account,
    seller_payable_account,
    shipping_payable_account,
)
from ehub.ledger.errors import LedgerErrorCode


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def myr(amount: str) -> Money:
    return Money(amount, "MYR")


# A buyer in Finland buys batik from a Penang seller paid in MYR.
# goods 235.00 + shipping 12.50 + EU duty 7.05 (3%) + FI VAT 64.91 (25.5% of 254.55) = 319.46 EUR
FINNISH_ORDER = ReleaseBreakdown(
    goods=eur("235.00"),
    shipping=eur("12.50"),
    duties_and_taxes={"EU-duty": eur("7.05"), "FI-VAT": eur("64.91")},
)


def postings_by_account(draft: EntryDraft) -> dict[AccountKey, Money]:
    return {p.account: p.amount for p in draft.postings}


# -- flows: exact postings --------------------------------------------------------------------
def test_payment_captured_moves_the_payment_from_provider_clearing_into_escrow():
    draft = domain.payment_captured("ORD-1", eur("319.46"), "sandbox")

    assert draft.kind == EntryKind.PAYMENT_CAPTURED
    assert draft.reference == "ORD-1"
    assert postings_by_account(draft) == {
        provider_clearing_account("sandbox", "EUR"): eur("319.46"),
        escrow_account("ORD-1", "EUR"): eur("-319.46"),
    }


def test_escrow_release_pays_authorities_shipping_commission_and_the_seller_in_myr():
    draft = domain.escrow_release(
        "ORD-1", FINNISH_ORDER, seller_id=7, seller_currency="MYR", rate=Decimal("4.8762")
    )

    # commission 5% of 235.00 = 11.75; seller share 223.25 EUR × 4.8762 = 1088.61165 → 1088.61 MYR
    assert draft.kind == EntryKind.ESCROW_RELEASE
    assert postings_by_account(draft) == {
        escrow_account("ORD-1", "EUR"): eur("319.46"),
        duties_taxes_payable_account("EU-duty", "EUR"): eur("-7.05"),
        duties_taxes_payable_account("FI-VAT", "EUR"): eur("-64.91"),
        shipping_payable_account("EUR"): eur("-12.50"),
        commission_revenue_account("EUR"): eur("-11.75"),
        fx_clearing_account("EUR"): eur("-223.25"),
        fx_clearing_account("MYR"): myr("1088.61"),
        seller_payable_account(7, "MYR"): myr("-1088.61"),
    }
    assert draft.totals() == {"EUR": eur("0"), "MYR": myr("0")}
    assert "4.8762" in draft.memo


def test_escrow_release_ends_with_escrow_at_exactly_zero():
    books = Balances()
    books.apply(domain.payment_captured("ORD-1", FINNISH_ORDER.total, "sandbox"))
    books.apply(domain.escrow_release("ORD-1", FINNISH_ORDER, 7, "MYR", Decimal("4.8762")))

    assert FINNISH_ORDER.total == eur("319.46")
    assert books.balance(escrow_account("ORD-1", "EUR")) == eur("0")
    assert books.natural(seller_payable_account(7, "MYR")) == myr("1088.61")
    assert books.natural(provider_clearing_account("sandbox", "EUR")) == eur("319.46")
    assert books.totals() == {"EUR": eur("0"), "MYR": myr("0")}


def test_release_to_a_seller_in_the_market_currency_needs_no_fx_clearing():
    breakdown = ReleaseBreakdown(goods=eur("100.00"), shipping=eur("0.00"))

    draft = domain.escrow_release("ORD-2", breakdown, 3, "eur", 1, commission_rate="0.08")

    assert postings_by_account(draft) == {
        escrow_account("ORD-2", "EUR"): eur("100.00"),
        commission_revenue_account("EUR"): eur("-8.00"),
        seller_payable_account(3, "EUR"): eur("-92.00"),
    }


def test_release_in_the_same_currency_refuses_a_rate_other_than_one():
    breakdown = ReleaseBreakdown(goods=eur("100.00"), shipping=eur("0.00"))

    with pytest.raises(DomainError) as exc:
        domain.escrow_release("ORD-2", breakdown, 3, "EUR", Decimal("1.1"))

    assert exc.value.code == LedgerErrorCode.INVALID_ENTRY


def test_release_converts_to_a_zero_decimal_currency_rounding_half_up():
    breakdown = ReleaseBreakdown(goods=eur("10.00"), shipping=eur("0.00"))

    draft = domain.escrow_release("ORD-3", breakdown, 9, "JPY", Decimal("160.05"))

    # 9.50 EUR × 160.05 = 1520.475 → 1520 JPY
    assert postings_by_account(draft)[seller_payable_account(9, "JPY")] == Money("-1520", "JPY")
    assert postings_by_account(draft)[fx_clearing_account("JPY")] == Money("1520", "JPY")


def test_commission_rounds_half_up_to_the_minor_unit():
    assert domain.commission_for(eur("0.10"), Decimal("0.05")) == eur("0.01")
    assert domain.commission_for(eur("0.09"), Decimal("0.05")) == eur("0.00")
    assert domain.commission_for(Money("1234.567", "KWD"), "0.05") == Money("61.728", "KWD")


@pytest.mark.parametrize("rate", ["-0.01", "1.5"])
def test_commission_rate_outside_zero_to_one_is_refused(rate):
    with pytest.raises(DomainError) as exc:
        domain.escrow_release("ORD-1", FINNISH_ORDER, 7, "MYR", Decimal("4.8"), Decimal(rate))

    assert exc.value.code == LedgerErrorCode.INVALID_COMMISSION_RATE


def test_refund_and_cancellation_move_escrow_back_to_provider_clearing():
    refund = domain.refund("ORD-1", eur("20.00"), "sandbox", "damaged box")
    cancel = domain.cancel_before_shipping("ORD-1", eur("299.46"), "sandbox")

    assert (refund.kind, cancel.kind) == (EntryKind.REFUND, EntryKind.CANCELLATION)
    assert postings_by_account(refund) == {
        escrow_account("ORD-1", "EUR"): eur("20.00"),
        provider_clearing_account("sandbox", "EUR"): eur("-20.00"),
    }
    assert postings_by_account(cancel) == {
        escrow_account("ORD-1", "EUR"): eur("299.46"),
        provider_clearing_account("sandbox", "EUR"): eur("-299.46"),
    }
    assert refund.memo == "refund: damaged box"


def test_payout_moves_the_seller_payable_into_payouts_clearing():
    draft = domain.payout(7, "MYR", myr("1088.61"), "PO-20261123-1")

    assert draft.reference == "PO-20261123-1"
    assert postings_by_account(draft) == {
        seller_payable_account(7, "MYR"): myr("1088.61"),
        payouts_clearing_account("MYR"): myr("-1088.61"),
    }


def test_reversal_negates_every_posting():
    original = domain.escrow_release("ORD-1", FINNISH_ORDER, 7, "MYR", Decimal("4.8762"))

    undone = domain.reversal(original, "released by mistake")

    assert undone.kind == EntryKind.REVERSAL
    assert undone.reference == "ORD-1"
    assert postings_by_account(undone) == {k: -v for k, v in postings_by_account(original).items()}


# -- refused drafts ---------------------------------------------------------------------------
ESCROW = escrow_account("ORD-1", "EUR")
CLEARING = provider_clearing_account("sandbox", "EUR")


def test_an_unbalanced_draft_is_refused():
    with pytest.raises(DomainError) as exc:
        EntryDraft(
            "payment_captured",
            "ORD-1",
            (Posting(CLEARING, eur("10.00")), Posting(ESCROW, eur("-9.99"))),
        )

    assert exc.value.code == LedgerErrorCode.UNBALANCED_ENTRY
    assert exc.value.detail == {"currency": "EUR", "sum": "0.01"}


def test_balancing_across_currencies_is_not_balancing():
    with pytest.raises(DomainError) as exc:
        EntryDraft(
            "escrow_release",
            "ORD-1",
            (Posting(ESCROW, eur("10.00")), Posting(seller_payable_account(7, "MYR"), myr("-10"))),
        )

    assert exc.value.code == LedgerErrorCode.UNBALANCED_ENTRY


def test_a_zero_posting_is_refused():
    with pytest.raises(DomainError, match="zero posting"):
        EntryDraft(
            "refund",
            "ORD-1",
            (
                Posting(CLEARING, eur("10.00")),
                Posting(ESCROW, eur("-10.00")),
                Posting(shipping_payable_account("EUR"), eur("0")),
            ),
        )


def test_a_posting_in_another_currency_than_its_account_is_refused():
    with pytest.raises(DomainError, match="a MYR posting to the EUR account"):
        EntryDraft(
            "refund", "ORD-1", (Posting(CLEARING, myr("10.00")), Posting(ESCROW, myr("-10.00")))
        )


def test_a_single_posting_is_refused():
    with pytest.raises(DomainError, match="at least two postings"):
        EntryDraft("refund", "ORD-1", (Posting(CLEARING, eur("0.00")),))


def test_an_amount_off_the_minor_unit_is_refused():
    with pytest.raises(DomainError, match="not on the minor unit"):
        EntryDraft(
            "refund", "ORD-1", (Posting(CLEARING, eur("1.005")), Posting(ESCROW, eur("-1.005")))
        )


def test_negative_or_zero_flow_amounts_are_refused():
    with pytest.raises(DomainError, match="must be positive"):
        domain.payment_captured("ORD-1", eur("0.00"), "sandbox")
    with pytest.raises(DomainError, match="must be positive"):
        domain.refund("ORD-1", eur("-1.00"), "sandbox")


def test_a_breakdown_mixing_currencies_is_refused():
    with pytest.raises(DomainError, match="shipping is in MYR"):
        ReleaseBreakdown(goods=eur("1.00"), shipping=myr("1.00"))


# -- Hypothesis: any sequence keeps the books balanced ----------------------------------------
CURRENCIES = ["EUR", "USD", "JPY", "KWD", "MYR", "CNY"]
PROVIDER = "sandbox"


@dataclass
class World:
    """The pure books plus the guards the services apply (no overdrawn escrow, one release)."""

    books: Balances = field(default_factory=Balances)
    order_currency: dict[str, str] = field(default_factory=dict)
    closed: set[str] = field(default_factory=set)
    drafts: list[EntryDraft] = field(default_factory=list)

    def post(self, draft: EntryDraft) -> None:
        self.drafts.append(draft)
        self.books.apply(draft)

    def held(self, order: str) -> Money:
        return self.books.natural(escrow_account(order, self.order_currency[order]))


operations = st.one_of(
    st.tuples(st.just("pay"), st.integers(0, 3), st.integers(1, 10**9)),
    st.tuples(st.just("refund"), st.integers(0, 3), st.integers(1, 100)),
    st.tuples(st.just("cancel"), st.integers(0, 3)),
    st.tuples(
        st.just("release"),
        st.integers(0, 3),
        st.integers(0, 2),
        st.decimals(min_value="0.0001", max_value="50000", places=6),
        st.decimals(min_value="0", max_value="1", places=4),
        st.lists(st.integers(0, 100), min_size=4, max_size=4).filter(lambda r: r[0] > 0),
    ),
    st.tuples(st.just("payout"), st.integers(0, 2), st.sampled_from(CURRENCIES)),
)


@settings(max_examples=300, deadline=None)
@given(
    order_currencies=st.lists(st.sampled_from(CURRENCIES), min_size=4, max_size=4),
    seller_currencies=st.lists(st.sampled_from(CURRENCIES), min_size=3, max_size=3),
    steps=st.lists(operations, max_size=40),
)
def test_any_sequence_of_flows_keeps_the_ledger_balanced(
    order_currencies, seller_currencies, steps
):
    world = World(order_currency={f"ORD-{i}": c for i, c in enumerate(order_currencies)})

    for step in steps:
        name = step[0]
        if name == "payout":
            seller, currency = step[1], step[2]
            owed = world.books.natural(seller_payable_account(seller, currency))
            if owed.amount > 0:
                world.post(domain.payout(seller, currency, owed, f"PO-{len(world.drafts)}"))
            continue
        order = f"ORD-{step[1]}"
        currency = world.order_currency[order]
        if order in world.closed:
            continue
        held = world.held(order)
        if name == "pay":
            world.post(
                domain.payment_captured(order, Money.from_minor_units(step[2], currency), PROVIDER)
            )
        elif name == "refund" and held.amount > 0:
            part = max(held.to_minor_units() * step[2] // 100, 1)
            world.post(domain.refund(order, Money.from_minor_units(part, currency), PROVIDER))
        elif name == "cancel" and held.amount > 0:
            world.post(domain.cancel_before_shipping(order, held, PROVIDER))
            world.closed.add(order)
        elif name == "release" and held.amount > 0:
            _, _, seller, rate, commission, ratios = step
            goods, shipping, vat, duty = held.allocate(ratios)
            breakdown = ReleaseBreakdown(goods, shipping, {"VAT": vat, "duty": duty})
            rate = Decimal(1) if seller_currencies[seller] == currency else rate
            world.post(
                domain.escrow_release(
                    order, breakdown, seller, seller_currencies[seller], rate, commission
                )
            )
            world.closed.add(order)
            assert world.held(order) == Money.zero(currency)

        for account, balance in world.books.accounts.items():
            if account.purpose in domain.NEVER_NEGATIVE:
                assert not domain.natural_balance(account.purpose, balance).is_negative(), account

    for draft in world.drafts:
        assert all(total.is_zero() for total in draft.totals().values())
    # Money is never created or lost: every currency's postings sum to zero overall.
    assert all(total.is_zero() for total in world.books.totals().values())
    # What the provider holds is exactly what is owed or earned, currency by currency.
    for currency in CURRENCIES:
        clearing = world.books.natural(provider_clearing_account(PROVIDER, currency))
        owed = sum(
            (
                domain.natural_balance(a.purpose, b).amount
                for a, b in world.books.accounts.items()
                if a.currency == currency and a.purpose != "provider_clearing"
            ),
            Decimal(0),
        )
        assert clearing.amount == owed


def test_the_domain_module_imports_without_django():
    import subprocess
    import sys

    code = (
        "import sys, ehub.ledger.domain; "
        "sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    env = {"PATH": "/usr/bin:/bin"}  # no DJANGO_SETTINGS_MODULE

    result = subprocess.run([sys.executable, "-c", code], env=env, check=False)  # noqa: S603

    assert result.returncode == 0
