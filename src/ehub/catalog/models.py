from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ehub.core.money import Money
from ehub.sellers.models import Seller

# Languages every product should be translated into; en is the fallback.
CATALOG_LANGUAGES = ["en", "zh-Hans", "ms"]


class Category(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    names = models.JSONField(default=dict, help_text='{"en": "Pantry", "zh-Hans": "食品杂货"}')

    class Meta:
        ordering = ["slug"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.names.get("en") or self.slug

    def name_in(self, language: str) -> str:
        return self.names.get(language) or self.names.get("en") or self.slug


class ProductStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"


class Product(models.Model):
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="products")
    handle = models.SlugField(max_length=120, help_text="Unique per seller, as in Shopify")
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="products"
    )
    origin_country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    hs_code = models.CharField(max_length=6, help_text="HS 2022 subheading, 6 digits")
    status = models.CharField(
        max_length=10, choices=ProductStatus.choices, default=ProductStatus.ACTIVE
    )
    vendor = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["seller_id", "handle"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "handle"], name="product_handle_per_seller"),
            models.CheckConstraint(
                condition=models.Q(hs_code__regex=r"^[0-9]{6}$"), name="product_hs_code_6_digits"
            ),
        ]
        indexes = [models.Index(fields=["status", "origin_country"])]

    def __str__(self) -> str:
        return f"{self.handle} ({self.seller.slug})"


class ProductTranslation(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["product_id", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "language"], name="translation_per_language"
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.language}] {self.title}"


class ProductMedia(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="media")
    url = models.CharField(max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["product_id", "position"]
        verbose_name_plural = "product media"

    def __str__(self) -> str:
        return self.url


class Variant(models.Model):
    """A sellable unit: its own SKU, price (in the seller's currency), weight, size and stock."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=64)
    option = models.JSONField(default=dict, blank=True, help_text='{"en": "340 g bag"}')
    price_minor = models.BigIntegerField(help_text="Price in minor units of price_currency")
    price_currency = models.CharField(max_length=3)
    weight_grams = models.PositiveIntegerField()
    length_mm = models.PositiveIntegerField(null=True, blank=True)
    width_mm = models.PositiveIntegerField(null=True, blank=True)
    height_mm = models.PositiveIntegerField(null=True, blank=True)
    stock_quantity = models.IntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["product_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "sku"], name="variant_sku_per_seller"),
            models.CheckConstraint(
                condition=models.Q(stock_quantity__gte=0), name="variant_stock_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(price_minor__gte=0), name="variant_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(weight_grams__gt=0), name="variant_weight_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.sku

    @property
    def price(self) -> Money:
        return Money.from_minor_units(self.price_minor, self.price_currency)


class CatalogImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class CatalogImport(models.Model):
    """A Shopify CSV import run by a background task (``ehub.catalog.imports``): its file, its
    progress (products processed of the file's total) and, when done, its result and report."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    content = models.TextField(help_text="The uploaded CSV, as text")
    options = models.JSONField(default=dict, help_text="default_hs_code, skip_invalid, dry_run")
    status = models.CharField(
        max_length=10, choices=CatalogImportStatus.choices, default=CatalogImportStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0, help_text="Products in the file")
    processed = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.pk} of {self.filename} ({self.status})"
