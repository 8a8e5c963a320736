from __future__ import annotations

from django.conf import settings
from django.db import models

from ehub.catalog.models import Variant
from ehub.checkout.models import Quote, ShippingAddress
from ehub.orders.domain import OrderStatus, parcel_code
from ehub.sellers.models import Seller


class Order(ShippingAddress):
    """A placed order: the quote's locked figures, in the market currency (minor units).

    Its reference is ``ORD-<id>``; each parcel (one per seller) has its own escrow reference
    ``ORD-<id>/<n>`` in the ledger.
    """

    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    quote = models.OneToOneField(Quote, on_delete=models.PROTECT, related_name="order")
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.value) for s in OrderStatus],
        default=OrderStatus.PENDING_PAYMENT,
    )
    market_country = models.CharField(max_length=2)
    currency = models.CharField(max_length=3)
    buyer_name = models.CharField(max_length=200, blank=True)
    resident_id_masked = models.CharField(max_length=24, blank=True)
    identity_digest = models.CharField(max_length=64, blank=True)
    goods_minor = models.BigIntegerField()
    shipping_minor = models.BigIntegerField()
    import_charges_at_checkout_minor = models.BigIntegerField()
    total_minor = models.BigIntegerField(help_text="What the buyer pays")
    limit_value_minor = models.BigIntegerField(
        default=0, help_text="Goods + shipping, what counts toward cross-border limits"
    )
    fx = models.JSONField(default=dict)
    placed_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it moved to delivered: the confirmation window starts",
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    payment_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["status", "placed_at"]),
            models.Index(fields=["identity_digest", "placed_at"]),
            models.Index(fields=["buyer", "placed_at"]),
            models.Index(fields=["status", "delivered_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(total_minor__gte=0), name="order_total_gte_0")
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"ORD-{self.pk}"


class OrderParcel(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="parcels")
    number = models.PositiveSmallIntegerField()
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="+")
    ship_from = models.CharField(max_length=2)
    weight_grams = models.PositiveIntegerField()
    goods_minor = models.BigIntegerField()
    shipping_minor = models.BigIntegerField()
    duty_minor = models.BigIntegerField()
    tax_minor = models.BigIntegerField()
    import_charges_minor = models.BigIntegerField()
    collected = models.CharField(max_length=12)
    import_charges_at_checkout_minor = models.BigIntegerField()
    payable_minor = models.BigIntegerField()
    landed_cost = models.JSONField(default=dict)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the buyer's money for it was given back"
    )
    refund_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["order_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "number"], name="parcel_number_per_order")
        ]

    def __str__(self) -> str:
        return self.escrow_reference

    @property
    def escrow_reference(self) -> str:
        return f"ORD-{self.order_id}/{self.number}"

    @property
    def code(self) -> str:
        """The parcel id printed on the label as a Code 128 barcode and typed or scanned at the
        hub: ``EHP`` + the order id (7 digits) + the parcel number (2 digits)."""
        return parcel_code(order_id=self.order_id, number=self.number)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    parcel = models.ForeignKey(OrderParcel, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(max_length=64)
    title = models.CharField(max_length=255)
    quantity = models.PositiveIntegerField()
    hs_code = models.CharField(max_length=6)
    origin = models.CharField(max_length=2)
    seller_unit_price_minor = models.BigIntegerField()
    seller_currency = models.CharField(max_length=3)
    unit_price_minor = models.BigIntegerField()
    line_total_minor = models.BigIntegerField()

    class Meta:
        ordering = ["parcel_id", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="order_line_qty_gte_1")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"


class IdempotencyKey(models.Model):
    """A placed order's request and response, replayed for the same key (kept ≥ 24 hours)."""

    key = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_json = models.JSONField(null=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.key} (user {self.user_id})"


class CrossBorderBuyer(models.Model):
    """One row per buyer identity (keyed digest of the CN resident ID). Placement locks it, so
    two orders for the same person check the annual limit one after the other."""

    identity_digest = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"cross-border buyer {self.identity_digest[:8]}…"
