"""The ledger's pure core: accounts, postings, entries and the money flows. No Django here.

Sign convention
---------------
A posting's amount is **signed: positive is a debit, negative is a credit**. An entry balances when
its postings sum to zero in every currency on their own (a EUR leg never offsets a MYR leg; a
conversion goes through the FX clearing account of each currency).

An account's *balance* is the signed sum of its postings. Each purpose has a normal side
(``NORMAL_SIDE``): the provider clearing account is an asset (debit-normal), everything the platform
owes or has earned (escrow, payables, revenue, payouts clearing) is credit-normal. The *natural
balance* is the balance seen from the normal side (``balance * NORMAL_SIDE[purpose]``): funded
escrow of EUR 330.32 has balance ``-330.32`` and natural balance ``+330.32``. "No negative escrow or
payable" means no negative *natural* balance.

Flows (see ``docs/ledger.md`` for the tables)
---------------------------------------------
- ``payment_captured``: provider clearing (Dr) → order escrow (Cr).
- ``escrow_split``: the order's escrow (Dr) → one escrow per parcel (Cr), when one payment paid
  for an order with several parcels (one per seller), so each parcel is released on its own.
- ``escrow_release``: order escrow (Dr) → duties and taxes payable per authority, shipping payable,
  commission revenue, and the rest through FX clearing into the seller's payable in the seller's
  payout currency (Cr).
- ``refund`` / ``cancel_before_shipping``: order escrow (Dr) → provider clearing (Cr).
- ``payout``: seller payable (Dr) → payouts clearing (Cr).
- ``reversal``: any entry with every posting negated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from ehub.core.currencies import UnknownCurrency, normalize_currency
from ehub.core.errors import DomainError
from ehub.core.money import Money, MoneyError, money_sum, to_decimal
from ehub.ledger.errors import LedgerErrorCode

DEFAULT_COMMISSION_RATE = Decimal("0.05")
PLATFORM = "ehub"


class OwnerType(StrEnum):
    PLATFORM = "platform"
    PROVIDER = "provider"
    ORDER = "order"
    SELLER = "seller"
    AUTHORITY = "authority"


class Purpose(StrEnum):
    PROVIDER_CLEARING = "provider_clearing"
    ESCROW = "escrow"
    SELLER_PAYABLE = "seller_payable"
    COMMISSION_REVENUE = "commission_revenue"
    DUTIES_TAXES_PAYABLE = "duties_taxes_payable"
    SHIPPING_PAYABLE = "shipping_payable"
    FX_CLEARING = "fx_clearing"
    PAYOUTS_CLEARING = "payouts_clearing"


class EntryKind(StrEnum):
    PAYMENT_CAPTURED = "payment_captured"
    ESCROW_RELEASE = "escrow_release"
    ESCROW_SPLIT = "escrow_split"
    REFUND = "refund"
    CANCELLATION = "cancellation"
    PAYOUT = "payout"
    REVERSAL = "reversal"


# +1: debit-normal (assets), -1: credit-normal (what the platform owes or has earned).
# FX clearing swings both ways; it is listed as credit-normal only to give it a display side.
NORMAL_SIDE: dict[Purpose, int] = {
    Purpose.PROVIDER_CLEARING: 1,
    Purpose.ESCROW: -1,
    Purpose.SELLER_PAYABLE: -1,
    Purpose.COMMISSION_REVENUE: -1,
    Purpose.DUTIES_TAXES_PAYABLE: -1,
    Purpose.SHIPPING_PAYABLE: -1,
    Purpose.FX_CLEARING: -1,
    Purpose.PAYOUTS_CLEARING: -1,
}
# Accounts whose natural balance may never be negative (ledger check).
NEVER_NEGATIVE = frozenset(
    {
        Purpose.ESCROW,
        Purpose.SELLER_PAYABLE,
        Purpose.DUTIES_TAXES_PAYABLE,
        Purpose.SHIPPING_PAYABLE,
        Purpose.PAYOUTS_CLEARING,
    }
)


def _invalid(message: str, detail: object = None) -> DomainError:
    return DomainError(LedgerErrorCode.INVALID_ENTRY, message, detail, status=422)


@dataclass(frozen=True, slots=True)
class AccountKey:
    """What identifies an account: who it belongs to, what it is for, and its one currency."""

    owner_type: str
    owner_id: str
    purpose: str
    currency: str

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "currency", normalize_currency(self.currency))
        except UnknownCurrency as exc:
            raise _invalid(str(exc)) from exc
        if self.owner_type not in OwnerType.__members__.values():
            raise _invalid(f"unknown account owner type {self.owner_type!r}")
        if self.purpose not in Purpose.__members__.values():
            raise _invalid(f"unknown account purpose {self.purpose!r}")
        if not self.owner_id:
            raise _invalid("an account needs an owner id")

    def __str__(self) -> str:
        return f"{self.owner_type}:{self.owner_id}:{self.purpose}:{self.currency}"


def natural_balance(purpose: str, balance: Money) -> Money:
    """The balance seen from the account's normal side (positive = what it normally holds)."""
    return balance * NORMAL_SIDE[Purpose(purpose)]


# -- the accounts -----------------------------------------------------------------------------
def provider_clearing_account(provider: str, currency: str) -> AccountKey:
    return AccountKey(OwnerType.PROVIDER, provider, Purpose.PROVIDER_CLEARING, currency)


def escrow_account(order_ref: str, currency: str) -> AccountKey:
    return AccountKey(OwnerType.ORDER, order_ref, Purpose.ESCROW, currency)


def seller_payable_account(seller_id: int | str, currency: str) -> AccountKey:
    return AccountKey(OwnerType.SELLER, str(seller_id), Purpose.SELLER_PAYABLE, currency)


def commission_revenue_account(currency: str) -> AccountKey:
    return AccountKey(OwnerType.PLATFORM, PLATFORM, Purpose.COMMISSION_REVENUE, currency)


def duties_taxes_payable_account(authority: str, currency: str) -> AccountKey:
    return AccountKey(OwnerType.AUTHORITY, authority, Purpose.DUTIES_TAXES_PAYABLE, currency)


def shipping_payable_account(currency: str) -> AccountKey:
    return AccountKey(OwnerType.PLATFORM, PLATFORM, Purpose.SHIPPING_PAYABLE, currency)


def fx_clearing_account(currency: str) -> AccountKey:
    return AccountKey(OwnerType.PLATFORM, PLATFORM, Purpose.FX_CLEARING, currency)


def payouts_clearing_account(currency: str) -> AccountKey:
    return AccountKey(OwnerType.PLATFORM, PLATFORM, Purpose.PAYOUTS_CLEARING, currency)


# -- postings and entries ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Posting:
    """One line of an entry: ``amount`` > 0 debits ``account``, ``amount`` < 0 credits it."""

    account: AccountKey
    amount: Money

    @property
    def is_debit(self) -> bool:
        return self.amount.amount > 0


@dataclass(frozen=True, slots=True)
class EntryDraft:
    """A journal entry not yet written: validated on construction, so an invalid one never exists.

    At least two postings, none zero, each in its account's currency and on the currency's minor
    unit, summing to zero in every currency.
    """

    kind: str
    reference: str
    postings: tuple[Posting, ...]
    memo: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "postings", tuple(self.postings))
        if self.kind not in EntryKind.__members__.values():
            raise _invalid(f"unknown entry kind {self.kind!r}")
        if not self.reference:
            raise _invalid("an entry needs a reference")
        if len(self.postings) < 2:
            raise _invalid("an entry needs at least two postings", {"postings": len(self.postings)})
        for posting in self.postings:
            if posting.amount.is_zero():
                raise _invalid(f"zero posting to {posting.account}")
            if posting.amount.currency != posting.account.currency:
                raise _invalid(
                    f"a {posting.amount.currency} posting to the {posting.account.currency} "
                    f"account {posting.account}",
                    {"account": str(posting.account), "currency": posting.amount.currency},
                )
            if not posting.amount.is_quantized():
                raise _invalid(
                    f"{posting.amount.amount} {posting.amount.currency} is not on the minor unit",
                    {"account": str(posting.account)},
                )
        for currency, total in self.totals().items():
            if not total.is_zero():
                raise DomainError(
                    LedgerErrorCode.UNBALANCED_ENTRY,
                    f"entry does not balance in {currency}: postings sum to {total.amount}",
                    {"currency": currency, "sum": str(total.amount)},
                    status=422,
                )

    def totals(self) -> dict[str, Money]:
        """The sum of the postings per currency (all zero for a valid entry)."""
        currencies = sorted({p.amount.currency for p in self.postings})
        return {
            c: money_sum((p.amount for p in self.postings if p.amount.currency == c), c)
            for c in currencies
        }

    def amount_for(self, account: AccountKey) -> Money:
        """The signed total this entry posts to ``account`` (zero if untouched)."""
        return money_sum(
            (p.amount for p in self.postings if p.account == account), account.currency
        )


def _draft(kind: EntryKind, reference: str, lines: Iterable[Posting], memo: str) -> EntryDraft:
    """Build an entry from lines, leaving out zero lines (a free shipping has no posting)."""
    return EntryDraft(
        kind=kind,
        reference=reference,
        postings=tuple(p for p in lines if not p.amount.is_zero()),
        memo=memo,
    )


def _positive(amount: Money, what: str) -> Money:
    if not isinstance(amount, Money):
        raise _invalid(f"{what} must be Money")
    if not amount.is_quantized():
        raise _invalid(f"{what} {amount.amount} {amount.currency} is not on the minor unit")
    if amount.amount <= 0:
        raise _invalid(f"{what} must be positive, not {amount.amount} {amount.currency}")
    return amount


# -- flows ------------------------------------------------------------------------------------
def payment_captured(order_ref: str, amount: Money, provider: str) -> EntryDraft:
    """The provider captured the buyer's payment: it sits in the order's escrow."""
    _positive(amount, "captured amount")
    return _draft(
        EntryKind.PAYMENT_CAPTURED,
        order_ref,
        [
            Posting(provider_clearing_account(provider, amount.currency), amount),
            Posting(escrow_account(order_ref, amount.currency), -amount),
        ],
        f"payment captured by {provider}",
    )


def escrow_split(
    order_ref: str, parts: Mapping[str, Money], amount: Money | None = None
) -> EntryDraft:
    """Move ``amount`` out of ``order_ref``'s escrow into one escrow per part.

    ``parts`` maps each part's escrow reference (a parcel, ``ORD-1/1``) to its amount: each
    positive, on the minor unit, all in ``amount``'s currency, summing to exactly ``amount``
    (default: their sum). A part may not be ``order_ref`` itself. One payment for an order with
    several parcels (one per seller) is split so each parcel is later released to its seller.
    """
    if not parts:
        raise _invalid("an escrow split needs at least one part")
    for reference, part in parts.items():
        if not reference or reference == order_ref:
            raise _invalid(f"an escrow split part needs its own reference, not {reference!r}")
        _positive(part, f"part {reference}")
    currencies = sorted({part.currency for part in parts.values()})
    if amount is not None:
        _positive(amount, "split amount")
        currencies = sorted({*currencies, amount.currency})
    if len(currencies) != 1:
        raise _invalid(
            f"an escrow split is in one currency, not {', '.join(currencies)}",
            {"currencies": currencies},
        )
    currency = currencies[0]
    whole = money_sum(parts.values(), currency)
    if amount is not None and whole != amount:
        raise DomainError(
            LedgerErrorCode.ESCROW_MISMATCH,
            f"the parts add up to {whole}, not {amount}",
            {"parts": str(whole.amount), "amount": str(amount.amount)},
            status=409,
        )
    lines = [Posting(escrow_account(order_ref, currency), whole)]
    lines += [
        Posting(escrow_account(reference, currency), -part)
        for reference, part in sorted(parts.items())
    ]
    return _draft(
        EntryKind.ESCROW_SPLIT,
        order_ref,
        lines,
        f"escrow split into {len(parts)} part(s): {', '.join(sorted(parts))}",
    )


@dataclass(frozen=True)
class ReleaseBreakdown:
    """What the buyer paid into escrow for one order, all in the market currency.

    ``duties_and_taxes`` maps an authority (``"FI-VAT"``, ``"EU-duty"``) to what was collected for
    it at checkout.
    """

    goods: Money
    shipping: Money
    duties_and_taxes: Mapping[str, Money] = field(default_factory=dict)

    def __post_init__(self) -> None:
        currency = self.goods.currency
        parts = [("goods", self.goods), ("shipping", self.shipping)] + [
            (f"duties and taxes for {authority}", amount)
            for authority, amount in self.duties_and_taxes.items()
        ]
        for what, amount in parts:
            if amount.currency != currency:
                raise _invalid(f"{what} is in {amount.currency}, goods are in {currency}")
            if not amount.is_quantized():
                raise _invalid(f"{what} {amount.amount} {amount.currency} is not on the minor unit")
            if amount.is_negative():
                raise _invalid(f"{what} must not be negative")
        if not self.total.amount > 0:
            raise _invalid("nothing to release")

    @property
    def currency(self) -> str:
        return self.goods.currency

    @property
    def total(self) -> Money:
        return money_sum(
            [self.goods, self.shipping, *self.duties_and_taxes.values()], self.goods.currency
        )


def commission_for(goods: Money, commission_rate: Decimal | str | int) -> Money:
    """The platform's commission on the goods, rounded half-up to the minor unit."""
    try:
        rate = to_decimal(commission_rate, what="commission rate")
    except MoneyError as exc:
        raise DomainError(LedgerErrorCode.INVALID_COMMISSION_RATE, str(exc), status=422) from exc
    if not 0 <= rate <= 1:
        raise DomainError(
            LedgerErrorCode.INVALID_COMMISSION_RATE,
            f"a commission rate is between 0 and 1, not {rate}",
            status=422,
        )
    return (goods * rate).quantize()


def escrow_release(
    order_ref: str,
    breakdown: ReleaseBreakdown,
    seller_id: int | str,
    seller_currency: str,
    rate: Decimal | str | int,
    commission_rate: Decimal | str | int = DEFAULT_COMMISSION_RATE,
) -> EntryDraft:
    """Empty the order's escrow to whoever is owed.

    ``rate``: 1 market currency = ``rate`` seller currency on the release day (ignored, and must be
    1, when both are the same). The seller's share (goods − commission) leaves the market currency
    into its FX clearing account and enters the seller's currency out of that currency's FX
    clearing account, so every currency balances on its own and the conversion is visible.
    """
    market = breakdown.currency
    fx_rate = to_decimal(rate, what="FX rate")
    if fx_rate <= 0:
        raise _invalid(f"an FX rate must be positive, not {fx_rate}")
    commission = commission_for(breakdown.goods, commission_rate)
    seller_share = breakdown.goods - commission
    lines = [Posting(escrow_account(order_ref, market), breakdown.total)]
    for authority, amount in sorted(breakdown.duties_and_taxes.items()):
        lines.append(Posting(duties_taxes_payable_account(authority, market), -amount))
    lines.append(Posting(shipping_payable_account(market), -breakdown.shipping))
    lines.append(Posting(commission_revenue_account(market), -commission))
    if Money.zero(seller_currency).currency == market:
        if fx_rate != 1:
            raise _invalid(f"a {market} seller is paid in {market}: the rate must be 1")
        lines.append(Posting(seller_payable_account(seller_id, market), -seller_share))
        memo = "escrow released"
    else:
        converted = Money(seller_share.amount * fx_rate, seller_currency).quantize()
        lines += [
            Posting(fx_clearing_account(market), -seller_share),
            Posting(fx_clearing_account(converted.currency), converted),
            Posting(seller_payable_account(seller_id, converted.currency), -converted),
        ]
        memo = (
            f"escrow released; seller share converted at 1 {market} = {fx_rate} {seller_currency}"
        )
    return _draft(EntryKind.ESCROW_RELEASE, order_ref, lines, memo)


def refund(order_ref: str, amount: Money, provider: str, reason: str = "") -> EntryDraft:
    """Give (part of) the escrow back to the buyer through the provider."""
    _positive(amount, "refund")
    return _draft(
        EntryKind.REFUND,
        order_ref,
        [
            Posting(escrow_account(order_ref, amount.currency), amount),
            Posting(provider_clearing_account(provider, amount.currency), -amount),
        ],
        f"refund: {reason}" if reason else "refund",
    )


def cancel_before_shipping(order_ref: str, amount: Money, provider: str) -> EntryDraft:
    """The order is cancelled before it ships: what is left in escrow goes back to the buyer."""
    _positive(amount, "cancelled amount")
    return _draft(
        EntryKind.CANCELLATION,
        order_ref,
        [
            Posting(escrow_account(order_ref, amount.currency), amount),
            Posting(provider_clearing_account(provider, amount.currency), -amount),
        ],
        "cancelled before shipping",
    )


def payout(seller_id: int | str, currency: str, amount: Money, batch_ref: str) -> EntryDraft:
    """Pay a seller what it is owed: its payable into the payouts clearing account."""
    _positive(amount, "payout")
    if amount.currency != Money.zero(currency).currency:
        raise _invalid(f"a {currency} payout of {amount.currency}")
    return _draft(
        EntryKind.PAYOUT,
        batch_ref,
        [
            Posting(seller_payable_account(seller_id, amount.currency), amount),
            Posting(payouts_clearing_account(amount.currency), -amount),
        ],
        f"payout batch {batch_ref}",
    )


def reversal(original: EntryDraft, reason: str) -> EntryDraft:
    """An entry that undoes ``original``: the same accounts, every amount negated."""
    return EntryDraft(
        kind=EntryKind.REVERSAL,
        reference=original.reference,
        postings=tuple(Posting(p.account, -p.amount) for p in original.postings),
        memo=f"reversal of {original.kind}: {reason}",
    )


# -- an in-memory ledger (property tests, dry runs) -------------------------------------------
@dataclass
class Balances:
    """Account balances after applying entries in order; pure, for tests and previews."""

    accounts: dict[AccountKey, Money] = field(default_factory=dict)

    def apply(self, draft: EntryDraft) -> None:
        for posting in draft.postings:
            current = self.accounts.get(posting.account, Money.zero(posting.account.currency))
            self.accounts[posting.account] = current + posting.amount

    def balance(self, account: AccountKey) -> Money:
        return self.accounts.get(account, Money.zero(account.currency))

    def natural(self, account: AccountKey) -> Money:
        return natural_balance(account.purpose, self.balance(account))

    def totals(self) -> dict[str, Money]:
        result: dict[str, Money] = {}
        for account, amount in self.accounts.items():
            result[account.currency] = result.get(account.currency, Money.zero(account.currency))
            result[account.currency] = result[account.currency] + amount
        return result
