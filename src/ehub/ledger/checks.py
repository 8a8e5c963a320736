"""``ehub ledger check``: every ledger invariant, checked against what is stored.

Each check is a query that finds the rows breaking one rule, so a broken ledger is reported line
by line whatever let it happen (a disabled trigger, a restored backup, a hand-run SQL statement).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Sum

from ehub.core.money import Money
from ehub.ledger.domain import NEVER_NEGATIVE, EntryKind, OwnerType, Purpose
from ehub.ledger.models import JournalEntry, Posting
from ehub.ledger.selectors import TrialBalance, account_balances, trial_balance

APPEND_ONLY_TRIGGERS = [
    f"{table}_no_{op}"
    for table in ("ledger_ledgeraccount", "ledger_journalentry", "ledger_posting")
    for op in ("update", "delete")
]
REQUIRED_TRIGGERS = {
    "sqlite": [*APPEND_ONLY_TRIGGERS, "ledger_posting_currency"],
    "postgresql": [
        *APPEND_ONLY_TRIGGERS,
        "ledger_posting_currency",
        "ledger_posting_balanced",
        "ledger_journalentry_balanced",
    ],
}


@dataclass(frozen=True)
class Problem:
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    trial_balance: dict[str, TrialBalance] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


# Checks other domains add (``register_check``): orders joins its paid orders to their escrow.
_extra_checks: list[Callable[[], list[Problem]]] = []


def register_check(check: Callable[[], list[Problem]]) -> None:
    """Add a check that needs another domain's rows (called from that app's ``ready``)."""
    if check not in _extra_checks:
        _extra_checks.append(check)


def ledger_check() -> CheckReport:
    """Run every check; the report lists one problem per broken row and the trial balance."""
    report = CheckReport()
    for check in (
        _entries_balance,
        _entries_have_two_postings,
        _posting_currency_is_account_currency,
        _no_negative_escrow_or_payable,
        _released_escrow_is_zero,
        _captured_payment_has_escrow,
        _triggers_installed,
        *_extra_checks,
    ):
        report.problems.extend(check())
    report.trial_balance = trial_balance()
    for currency, table in report.trial_balance.items():
        if not table.balanced:
            report.problems.append(
                Problem(
                    "trial_balance",
                    f"{currency} debits {table.debits.amount} ≠ credits {table.credits.amount}",
                )
            )
    return report


def _entries_balance() -> list[Problem]:
    rows = (
        Posting.objects.values("entry_id", "currency")
        .annotate(total=Sum("amount_minor"))
        .exclude(total=0)
        .order_by("entry_id", "currency")
    )
    return [
        Problem(
            "unbalanced_entry",
            f"entry #{row['entry_id']} does not balance in {row['currency']}: postings sum to "
            f"{Money.from_minor_units(row['total'], row['currency']).amount}",
        )
        for row in rows
    ]


def _entries_have_two_postings() -> list[Problem]:
    entries = JournalEntry.objects.annotate(n=Count("postings")).filter(n__lt=2).order_by("id")
    return [
        Problem("too_few_postings", f"entry #{e.pk} ({e.kind} {e.reference}) has {e.n} posting(s)")
        for e in entries
    ]


def _posting_currency_is_account_currency() -> list[Problem]:
    postings = (
        Posting.objects.exclude(currency=F("account__currency"))
        .select_related("account")
        .order_by("id")
    )
    return [
        Problem(
            "currency_mismatch",
            f"posting #{p.pk} of entry #{p.entry_id} is in {p.currency}, "
            f"its account {p.account} in {p.account.currency}",
        )
        for p in postings
    ]


def _no_negative_escrow_or_payable() -> list[Problem]:
    return [
        Problem("negative_balance", f"{row.account} is below zero: {row.natural}")
        for row in account_balances()
        if row.account.purpose in NEVER_NEGATIVE and row.natural.is_negative()
    ]


def _released_escrow_is_zero() -> list[Problem]:
    """An escrow released, cancelled or split (into per-parcel escrows) holds nothing more: a
    split order escrow at zero is closed, not forgotten; one still holding money (a second
    capture after the split) must be refunded."""
    released = (
        JournalEntry.objects.filter(
            kind__in=[EntryKind.ESCROW_RELEASE, EntryKind.CANCELLATION, EntryKind.ESCROW_SPLIT],
            reversed_by__isnull=True,
        )
        .values_list("reference", "kind")
        .order_by("reference")
    )
    closed = dict(released)
    problems = []
    for row in account_balances(owner_type=OwnerType.ORDER, purpose=Purpose.ESCROW):
        kind = closed.get(row.account.owner_id)
        if kind is not None and not row.balance.is_zero():
            problems.append(
                Problem(
                    "released_escrow_not_zero",
                    f"order {row.account.owner_id}: escrow still holds {row.natural} after "
                    f"{kind.replace('_', ' ')}",
                )
            )
    return problems


def _captured_payment_has_escrow() -> list[Problem]:
    """Every captured payment credited its order's escrow. (``orders`` adds the check that every
    paid order has its escrow: ``ehub.orders.checks``.)"""
    escrow_credit = Posting.objects.filter(
        entry_id=OuterRef("pk"),
        account__owner_type=OwnerType.ORDER,
        account__owner_id=OuterRef("reference"),
        account__purpose=Purpose.ESCROW,
        amount_minor__lt=0,
    )
    captures = (
        JournalEntry.objects.filter(kind=EntryKind.PAYMENT_CAPTURED)
        .exclude(Exists(escrow_credit))
        .order_by("id")
    )
    return [
        Problem(
            "payment_without_escrow",
            f"entry #{e.pk}: payment captured for order {e.reference} did not fund its escrow",
        )
        for e in captures
    ]


def _triggers_installed() -> list[Problem]:
    vendor = connection.vendor
    required = REQUIRED_TRIGGERS.get(vendor)
    if required is None:
        return [Problem("triggers_missing", f"no ledger triggers are known for {vendor}")]
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"
            )
        present = {row[0] for row in cursor.fetchall()}
    return [
        Problem("trigger_missing", f"database trigger {name} is missing or disabled")
        for name in required
        if name not in present
    ]
