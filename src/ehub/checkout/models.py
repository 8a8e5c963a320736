from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from ehub.catalog.models import Variant
from ehub.markets.models import Market


class Cart(models.Model):
    """One cart per buyer and market; its lines reference variants, priced at quote time."""

    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["buyer", "market"], name="cart_per_buyer_and_market")
        ]

    def __str__(self) -> str:
        return f"cart of user {self.buyer_id} in {self.market_id}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="cart_line_per_variant"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="cart_line_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × variant {self.variant_id}"


class ShippingAddress(models.Model):
    """The shipping address fields a quote takes and its order keeps (``checkout.domain``:
    ``ADDRESS_FIELDS``, ``address_format``)."""

    country = models.CharField(max_length=2)
    region = models.CharField(max_length=6, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    recipient_name = models.CharField(max_length=200, blank=True)
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        abstract = True


class Quote(ShippingAddress):
    """Prices, shipping, FX and landed cost locked until ``expires_at``; one parcel per seller.

    ``parcels`` is the frozen snapshot the order is written from (amounts in minor units of
    ``currency``). The CN resident ID is stored encrypted (``resident_id_encrypted``) and as a keyed
    digest (``identity_digest``) for the annual limit; only ``resident_id_masked`` is ever shown.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    buyer_name = models.CharField(max_length=200, blank=True)
    resident_id_encrypted = models.TextField(blank=True)
    resident_id_masked = models.CharField(max_length=24, blank=True)
    identity_digest = models.CharField(max_length=64, blank=True, db_index=True)
    parcels = models.JSONField(default=list)
    fx = models.JSONField(
        default=dict, help_text='{"MYR/CNY": {"rate": "1.53", "fx_quote": "uuid"}}'
    )
    goods_minor = models.BigIntegerField()
    shipping_minor = models.BigIntegerField()
    import_charges_at_checkout_minor = models.BigIntegerField()
    total_minor = models.BigIntegerField(help_text="What the buyer pays at checkout")
    sellable = models.BooleanField()
    problems = models.JSONField(default=list)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"quote {self.public_id}"

    def __repr__(self) -> str:
        return f"<Quote {self.public_id} buyer={self.buyer_id} id={self.resident_id_masked!r}>"
