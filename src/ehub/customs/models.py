from __future__ import annotations

from django.conf import settings
from django.db import models

from ehub.core import clock
from ehub.customs.clearance_domain import DeclarationStatus
from ehub.payments.domain import CallbackVerdict


class HsSection(models.Model):
    """One of the 21 sections of the Harmonized System (I-XXI)."""

    numeral = models.CharField(max_length=5, unique=True)
    name = models.TextField()
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        verbose_name = "HS section"

    def __str__(self) -> str:
        return f"{self.numeral}: {self.name}"


class HsCode(models.Model):
    """A node of the HS 2022 nomenclature: chapter (2 digits), heading (4) or subheading (6)."""

    code = models.CharField(max_length=6, unique=True)
    level = models.PositiveSmallIntegerField(
        choices=[(2, "chapter"), (4, "heading"), (6, "subheading")]
    )
    description = models.TextField()
    parent_code = models.CharField(max_length=6, blank=True)
    section = models.ForeignKey(HsSection, null=True, blank=True, on_delete=models.PROTECT)
    edition = models.CharField(max_length=10, default="HS2022")

    class Meta:
        ordering = ["code"]
        verbose_name = "HS code"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=[2, 4, 6]), name="hs_code_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description[:80]}"


# -- customs declarations (clearance) -------------------------------------------------------------
# Written only by ehub.customs.clearance (services); the pure rules are in clearance_domain.


class CustomsDeclaration(models.Model):
    """The customs declaration of one parcel (``orders.OrderParcel``): what it is, who sends it
    to whom, its current status. Each submission to the authority is a ``DeclarationSubmission``
    (attempt 1, 2 after a hold is resolved, ...), each decision a ``CustomsDecision``: the
    history is kept, the declaration shows the latest state."""

    order_parcel = models.OneToOneField(
        "orders.OrderParcel", on_delete=models.PROTECT, related_name="customs_declaration"
    )
    status = models.CharField(
        max_length=12, choices=[(s.value, s.value) for s in DeclarationStatus]
    )
    destination = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    authority = models.CharField(max_length=32, help_text="the customs authority it goes to")
    waybill = models.CharField(max_length=64)
    incoterm = models.CharField(max_length=3, help_text="DDP or DAP")
    currency = models.CharField(max_length=3, help_text="ISO 4217")
    goods_value_minor = models.BigIntegerField()
    content = models.JSONField(help_text="the declaration as submitted (see clearance.py)")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="submissions so far")
    reason = models.TextField(blank=True, help_text="why it is held / refused / returned")
    documents_requested = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(default=clock.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "updated_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in DeclarationStatus]),
                name="customs_declaration_status_known",
            ),
            models.CheckConstraint(
                condition=models.Q(goods_value_minor__gte=0),
                name="customs_declaration_value_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"declaration {self.pk} · {self.content.get('parcel', '')} · {self.status}"


class DeclarationSubmission(models.Model):
    """One attempt at getting a declaration through: the content as sent, what the hub supplied
    to resolve the previous hold, and the authority's reference (empty when China's three
    records did not match and nothing was sent)."""

    declaration = models.ForeignKey(
        CustomsDeclaration, on_delete=models.PROTECT, related_name="submissions"
    )
    number = models.PositiveSmallIntegerField()
    authority = models.CharField(max_length=32)
    reference = models.CharField(max_length=120, blank=True, default="")
    content = models.JSONField()
    channel_records = models.JSONField(
        default=dict, blank=True, help_text="China: the order, payment and logistics records"
    )
    documents = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["declaration_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "number"], name="declaration_submission_number"
            ),
            models.UniqueConstraint(
                fields=["authority", "reference"],
                condition=~models.Q(reference=""),
                name="declaration_submission_reference_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"submission {self.number} of declaration {self.declaration_id}"


class CustomsDecision(models.Model):
    """A decision about a declaration: the authority's (cleared, held, inspection, refused), the
    China matching's (held before submission) or the hub's (returned to the seller).
    ``notified_at``: when every decision listener ran without error."""

    declaration = models.ForeignKey(
        CustomsDeclaration, on_delete=models.PROTECT, related_name="decisions"
    )
    submission = models.ForeignKey(
        DeclarationSubmission, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=12)
    reason = models.TextField(blank=True)
    documents_requested = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=20, help_text="authority, china_matching or hub")
    event_id = models.CharField(max_length=120, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=clock.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "event_id"],
                condition=~models.Q(event_id=""),
                name="customs_decision_event_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} · declaration {self.declaration_id}"


class AuthorityCallback(models.Model):
    """Every decision callback that reached us, accepted or not, and what we made of it."""

    authority = models.CharField(max_length=32)
    declaration = models.ForeignKey(
        CustomsDeclaration, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    event_id = models.CharField(max_length=120, blank=True, default="", db_index=True)
    decision = models.CharField(max_length=12, blank=True, default="")
    verdict = models.CharField(max_length=20, choices=[(v.value, v.value) for v in CallbackVerdict])
    reason = models.CharField(max_length=300, blank=True, default="")
    headers = models.JSONField(default=dict, blank=True)
    body_sha256 = models.CharField(max_length=64)
    body_size = models.PositiveIntegerField()
    signed_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=clock.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.authority} decision callback {self.event_id or '?'} · {self.verdict}"


class SandboxAuthorityMessage(models.Model):
    """The sandbox authority's outbox: a signed decision it owes ehub, delivered after commit
    once ``due_at`` has come (an inspection's result comes later), retried by
    ``ehub clearance deliver-decisions``."""

    submission = models.ForeignKey(
        DeclarationSubmission, on_delete=models.PROTECT, related_name="+"
    )
    event_id = models.CharField(max_length=120, unique=True)
    decision = models.CharField(max_length=12)
    body = models.TextField()
    due_at = models.DateTimeField(default=clock.now)
    status = models.CharField(max_length=12, default="pending", db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_result = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=clock.now, editable=False)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return f"sandbox authority {self.event_id} · {self.decision} · {self.status}"
