from __future__ import annotations

from django.conf import settings
from django.db import models


class VerificationStatus(models.TextChoices):
    PENDING = "pending", "Pending verification"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"


class Seller(models.Model):
    """A small business that sells abroad through the hub."""

    slug = models.SlugField(max_length=80, unique=True)
    legal_name = models.CharField(max_length=200)
    display_name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    region = models.CharField(max_length=6, blank=True, help_text="ISO 3166-2, e.g. US-MI")
    city = models.CharField(max_length=100, blank=True)
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    registration_number = models.CharField(max_length=60)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=40, blank=True)
    payout_currency = models.CharField(max_length=3, help_text="ISO 4217; prices are in it too")
    description = models.JSONField(default=dict, blank=True, help_text="{language: text}")
    verification_status = models.CharField(
        max_length=10, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    rejection_reason = models.TextField(blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "registration_number"], name="seller_registration_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(verification_status="rejected")
                | ~models.Q(rejection_reason=""),
                name="seller_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.country})"

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED


class SellerMembership(models.Model):
    """A user who works for a seller. A user belongs to at most one seller."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        STAFF = "staff", "Staff"

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seller_membership"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} @ {self.seller}"


class SellerApiKey(models.Model):
    """An integration key for one seller. Only its SHA-256 digest is stored; the key is shown
    once, when it is created. Keys look like ``ehub_sk_<prefix>_<secret>``."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    key_digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "seller API key"

    def __str__(self) -> str:
        return f"ehub_sk_{self.prefix}_… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
