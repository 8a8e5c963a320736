"""Ledger reads: balances, trial balance, seller statement, an order's money trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum

from ehub.core.money import Money
from ehub.ledger import domain
from ehub.ledger.domain import (
    AccountKey,
    EntryDraft,
    OwnerType,
    Purpose,
    natural_balance,
)
from ehub.ledger.models import CommissionRate, JournalEntry, LedgerAccount, Posting
from ehub.sellers.models import Seller


def entry_draft_of(entry: JournalEntry) -> EntryDraft:
    """A stored entry as the pure value it was posted from."""
    postings = entry.postings.select_related("account").order_by("id")
    return EntryDraft(
        kind=entry.kind,
        reference=entry.reference,
        postings=tuple(domain.Posting(p.account.key, p.amount) for p in postings),
        memo=entry.memo,
    )


def commission_rate_for(*, seller_id: int | None, category_id: int | None = None) -> Decimal:
    """The most specific configured rate: seller and category, seller, category, default 5%."""
    rules = {
        (rule.seller_id, rule.category_id): rule.rate
        for rule in CommissionRate.objects.filter(
            Q(seller_id=seller_id) | Q(seller__isnull=True),
            Q(category_id=category_id) | Q(category__isnull=True),
        )
    }
    for scope in ((seller_id, category_id), (seller_id, None), (None, category_id)):
        rate = rules.get(scope) if scope != (None, None) else None
        if rate is not None:
            return Decimal(rate)
    return Decimal(settings.EHUB_DEFAULT_COMMISSION_RATE)


# -- balances ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class AccountBalance:
    account: LedgerAccount
    balance: Money  # signed: + debit, − credit

    @property
    def natural(self) -> Money:
        """The balance seen from the account's normal side (escrow holding 10 EUR → +10)."""
        return natural_balance(self.account.purpose, self.balance)


def account_balance(*, key: AccountKey) -> Money:
    total = Posting.objects.filter(
        account__owner_type=key.owner_type,
        account__owner_id=key.owner_id,
        account__purpose=key.purpose,
        account__currency=key.currency,
    ).aggregate(total=Sum("amount_minor"))["total"]
    return Money.from_minor_units(total or 0, key.currency)


def account_balances(
    *,
    owner_type: str | None = None,
    owner_id: str | None = None,
    purpose: str | None = None,
    currency: str | None = None,
) -> list[AccountBalance]:
    accounts = LedgerAccount.objects.annotate(total=Sum("postings__amount_minor"))
    filters = {
        "owner_type": owner_type,
        "owner_id": owner_id,
        "purpose": purpose,
        "currency": currency,
    }
    accounts = accounts.filter(**{k: v for k, v in filters.items() if v is not None})
    return [
        AccountBalance(a, Money.from_minor_units(a.total or 0, a.currency))
        for a in accounts.order_by("currency", "purpose", "owner_type", "owner_id")
    ]


@dataclass
class TrialBalance:
    """Every account's balance in one currency; debits and credits must be equal."""

    currency: str
    rows: list[AccountBalance] = field(default_factory=list)

    @property
    def debits(self) -> Money:
        return Money.from_minor_units(
            sum(r.balance.to_minor_units() for r in self.rows if r.balance.amount > 0),
            self.currency,
        )

    @property
    def credits(self) -> Money:
        return Money.from_minor_units(
            -sum(r.balance.to_minor_units() for r in self.rows if r.balance.amount < 0),
            self.currency,
        )

    @property
    def balanced(self) -> bool:
        return self.debits == self.credits


def trial_balance() -> dict[str, TrialBalance]:
    """Per currency, every account with a non-zero balance, and the debit and credit totals."""
    result: dict[str, TrialBalance] = {}
    for row in account_balances():
        table = result.setdefault(row.account.currency, TrialBalance(row.account.currency))
        if not row.balance.is_zero():
            table.rows.append(row)
    return dict(sorted(result.items()))


# -- statements and trails --------------------------------------------------------------------
@dataclass(frozen=True)
class StatementLine:
    entry_id: int
    created_at: dt.datetime
    kind: str
    reference: str
    memo: str
    amount: Money  # what the seller is owed more (+) or less (−)
    balance: Money  # what the seller is owed after this line


def seller_statement(*, seller: Seller | int, currency: str) -> list[StatementLine]:
    """Entries touching the seller's payable in ``currency``, oldest first, with running balance.

    ``seller``: a ``Seller`` or its id. Amounts are seen from the seller's side: a release is +,
    a payout is −.
    """
    seller_id = str(seller.pk if isinstance(seller, Seller) else seller)
    key = domain.seller_payable_account(seller_id, currency)
    postings = (
        Posting.objects.filter(
            account__owner_type=OwnerType.SELLER,
            account__owner_id=seller_id,
            account__purpose=Purpose.SELLER_PAYABLE,
            account__currency=key.currency,
        )
        .select_related("entry")
        .order_by("entry__created_at", "entry_id", "id")
    )
    lines: list[StatementLine] = []
    running = Money.zero(key.currency)
    for posting in postings:
        amount = natural_balance(Purpose.SELLER_PAYABLE, posting.amount)
        running = running + amount
        lines.append(
            StatementLine(
                entry_id=posting.entry_id,
                created_at=posting.entry.created_at,
                kind=posting.entry.kind,
                reference=posting.entry.reference,
                memo=posting.entry.memo,
                amount=amount,
                balance=running,
            )
        )
    return lines


@dataclass(frozen=True)
class TrailEntry:
    entry: JournalEntry
    postings: list[Posting]


def order_money_trail(*, order_ref: str) -> list[TrailEntry]:
    """Every entry about an order (capture, release, refunds, cancellation, their reversals),
    oldest first, with its postings."""
    entries = (
        JournalEntry.objects.filter(
            Q(reference=order_ref)
            | Q(
                postings__account__owner_type=OwnerType.ORDER,
                postings__account__owner_id=order_ref,
            )
        )
        .distinct()
        .prefetch_related("postings__account")
        .order_by("created_at", "id")
    )
    return [TrailEntry(e, list(e.postings.all())) for e in entries]
