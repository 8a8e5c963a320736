"""Ledger tables. Append-only: the database itself refuses UPDATE and DELETE on entries and
postings (triggers installed by migration 0002), so corrections are reversing entries.

Amounts are signed integer minor units (positive = debit, negative = credit, see ``domain``),
with the currency denormalised on the posting and checked against its account's by a trigger.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from ehub.core import clock
from ehub.core.db import ExactDecimalField
from ehub.core.money import Money
from ehub.ledger.domain import AccountKey, EntryKind, OwnerType, Purpose


class LedgerAccount(models.Model):
    """An account: owner, purpose, currency. Created on first posting; never changed."""

    owner_type = models.CharField(max_length=20, choices=[(o.value, o.value) for o in OwnerType])
    owner_id = models.CharField(max_length=80)
    purpose = models.CharField(max_length=30, choices=[(p.value, p.value) for p in Purpose])
    currency = models.CharField(max_length=3, help_text="ISO 4217")
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["owner_type", "owner_id", "purpose", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_type", "owner_id", "purpose", "currency"], name="ledger_account_key"
            ),
        ]
        verbose_name = "ledger account"

    def __str__(self) -> str:
        purpose = self.purpose.replace("_", " ")
        return f"{purpose} · {self.owner_type} {self.owner_id} · {self.currency}"

    @property
    def key(self) -> AccountKey:
        return AccountKey(self.owner_type, self.owner_id, self.purpose, self.currency)


class JournalEntry(models.Model):
    """One balanced movement of money. ``reverses`` points at the entry this one undoes."""

    kind = models.CharField(max_length=30, choices=[(k.value, k.value) for k in EntryKind])
    reference = models.CharField(
        max_length=80, db_index=True, help_text="order reference, payout batch, ..."
    )
    idempotency_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        help_text="at most one reversal per entry (unique)",
    )
    memo = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One release and one cancellation per order, whatever the callers' keys: two
            # concurrent releases of one escrow cannot both commit.
            models.UniqueConstraint(
                fields=["kind", "reference"],
                condition=models.Q(kind__in=[EntryKind.ESCROW_RELEASE, EntryKind.CANCELLATION]),
                name="ledger_entry_one_release_or_cancellation_per_order",
            ),
            models.CheckConstraint(
                condition=models.Q(reverses__isnull=True) | models.Q(kind=EntryKind.REVERSAL),
                name="ledger_entry_only_reversals_reverse",
            ),
        ]
        indexes = [models.Index(fields=["kind", "created_at"])]
        verbose_name = "journal entry"
        verbose_name_plural = "journal entries"

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.reference}"


class Posting(models.Model):
    """One line of an entry: ``amount_minor`` > 0 debits the account, < 0 credits it."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="postings")
    amount_minor = models.BigIntegerField(help_text="signed minor units: + debit, − credit")
    currency = models.CharField(max_length=3, help_text="must equal the account's (trigger)")

    class Meta:
        ordering = ["entry_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount_minor=0), name="ledger_posting_not_zero"
            ),
        ]
        indexes = [models.Index(fields=["account", "entry"])]

    def __str__(self) -> str:
        return f"{self.account} {self.amount}"

    @property
    def amount(self) -> Money:
        return Money.from_minor_units(self.amount_minor, self.currency)


class CommissionRate(models.Model):
    """The platform's commission on goods for a seller, a category, or both (the most specific
    rule wins: seller and category, then seller, then category, then the default 5%)."""

    seller = models.ForeignKey(
        "sellers.Seller", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        "catalog.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    rate = ExactDecimalField(
        help_text="0.05 for 5%", validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "category"], name="ledger_commission_seller_category"
            ),
            models.UniqueConstraint(
                fields=["seller"],
                condition=models.Q(category__isnull=True),
                name="ledger_commission_seller_only",
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=models.Q(seller__isnull=True),
                name="ledger_commission_category_only",
            ),
            models.CheckConstraint(
                condition=models.Q(seller__isnull=False) | models.Q(category__isnull=False),
                name="ledger_commission_has_scope",
            ),
        ]
        verbose_name = "commission rate"

    def __str__(self) -> str:
        scope = " / ".join(str(s) for s in (self.seller, self.category) if s is not None)
        return f"{self.rate} for {scope}"


class PayoutBatch(models.Model):
    """One ``ehub payouts run``: a payout entry per seller and currency with a positive payable."""

    reference = models.CharField(max_length=40, unique=True)
    on_date = models.DateField()
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "payout batch"
        verbose_name_plural = "payout batches"

    def __str__(self) -> str:
        return f"{self.reference} ({self.on_date})"
