"""Payments tables: the payment, every callback received, refunds, and the sandbox's own rows.

Amounts are integer minor units plus an ISO 4217 code. Status changes go through
``domain.payment_transition`` in ``services``; the database backs the money invariants.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from ehub.core import clock
from ehub.core.money import Money
from ehub.payments.domain import CallbackVerdict, CardOutcome, PaymentStatus


class Payment(models.Model):
    """One attempt by a buyer to pay one order reference through one provider."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order_ref = models.CharField(max_length=80, db_index=True)
    provider = models.CharField(max_length=32)
    provider_reference = models.CharField(max_length=120, blank=True, default="")
    redirect_url = models.CharField(max_length=500, blank=True, default="")
    return_url = models.CharField(
        max_length=500,
        blank=True,
        default="",
        help_text="Where the provider's page sends the payer back (a path on this site)",
    )
    amount_minor = models.BigIntegerField()
    refunded_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, help_text="ISO 4217")
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.value) for s in PaymentStatus],
        default=PaymentStatus.PENDING,
    )
    idempotency_key = models.CharField(max_length=200, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="payments",
        help_text="the payer (buyer) who started the payment",
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(default=clock.now)
    captured_at = models.DateTimeField(null=True, blank=True)
    capture_notified_at = models.DateTimeField(
        null=True, blank=True, help_text="when every capture listener ran without error"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_minor__gte=0) & Q(refunded_minor__lte=F("amount_minor")),
                name="payment_refunded_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in PaymentStatus]),
                name="payment_status_known",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="payment_provider_reference_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"payment {self.public_id} · {self.order_ref} · {self.amount} · {self.status}"

    @property
    def amount(self) -> Money:
        return Money.from_minor_units(self.amount_minor, self.currency)

    @property
    def refunded(self) -> Money:
        return Money.from_minor_units(self.refunded_minor, self.currency)


class PaymentCallback(models.Model):
    """Every callback that reached us, accepted or not: who said what, and what we made of it."""

    provider = models.CharField(max_length=32)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks"
    )
    event_id = models.CharField(max_length=120, blank=True, default="", db_index=True)
    event_type = models.CharField(max_length=60, blank=True, default="")
    verdict = models.CharField(max_length=20, choices=[(v.value, v.value) for v in CallbackVerdict])
    reason = models.CharField(max_length=300, blank=True, default="")
    headers = models.JSONField(default=dict, blank=True, help_text="signature and content headers")
    body_sha256 = models.CharField(max_length=64)
    body_size = models.PositiveIntegerField()
    signed_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=clock.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider} callback {self.event_id or '?'} · {self.verdict}"


class RefundStatus(models.TextChoices):
    PENDING = "pending", "pending"  # reserved; the provider is being asked
    SUCCEEDED = "succeeded", "succeeded"
    FAILED = "failed", "failed"


class Refund(models.Model):
    """Money going back to the payer: reserved first, then the provider, then the ledger."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=300)
    escrow_ref = models.CharField(
        max_length=80,
        blank=True,
        default="",
        help_text="The escrow it is taken from (ORD-<id>/<n> for a parcel); blank: the payment's",
    )
    status = models.CharField(
        max_length=12, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    idempotency_key = models.CharField(max_length=200, unique=True)
    provider_reference = models.CharField(max_length=120, blank=True, default="")
    failure_message = models.CharField(max_length=300, blank=True, default="")
    ledger_entry = models.ForeignKey(
        "ledger.JournalEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"refund {self.public_id} · {self.amount} · {self.status}"

    @property
    def amount(self) -> Money:
        return Money.from_minor_units(self.amount_minor, self.currency)


class SandboxCharge(models.Model):
    """The sandbox's record of a card submitted on its hosted page (one per payment)."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="sandbox_charge")
    card_last4 = models.CharField(max_length=4)
    outcome = models.CharField(max_length=12, choices=[(o.value, o.value) for o in CardOutcome])
    created_at = models.DateTimeField(default=clock.now, editable=False)

    def __str__(self) -> str:
        return f"sandbox charge ····{self.card_last4} · {self.outcome}"


class SandboxCallbackStatus(models.TextChoices):
    PENDING = "pending", "pending"
    DELIVERED = "delivered", "delivered"


class SandboxCallback(models.Model):
    """The sandbox's outbox: a callback it owes ehub, delivered after commit and retried by
    ``ehub payments deliver-callbacks``. The body is stored; the signature is made per attempt."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="+")
    event_id = models.CharField(max_length=120, unique=True)
    event_type = models.CharField(max_length=60)
    body = models.TextField()
    status = models.CharField(
        max_length=12,
        choices=SandboxCallbackStatus.choices,
        default=SandboxCallbackStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveIntegerField(default=0)
    last_result = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=clock.now, editable=False)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"sandbox callback {self.event_id} · {self.event_type} · {self.status}"
