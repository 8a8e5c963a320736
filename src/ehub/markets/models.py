from __future__ import annotations

import uuid

import pycountry
from django.db import models

from ehub.core.db import ExactDecimalField


class Market(models.Model):
    """A destination country buyers shop from, with its currency and languages."""

    country = models.CharField(max_length=2, unique=True, help_text="ISO 3166-1 alpha-2")
    currency = models.CharField(max_length=3, help_text="ISO 4217")
    languages = models.JSONField(
        default=list, help_text='Language codes, first is the default: ["zh-Hans", "en"]'
    )
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["country"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country}, {self.currency})"

    @property
    def name(self) -> str:
        country = pycountry.countries.get(alpha_2=self.country)
        return country.name if country else self.country

    @property
    def default_language(self) -> str:
        return self.languages[0] if self.languages else "en"


class FxRate(models.Model):
    """A reference rate on one day: 1 ``base`` = ``rate`` ``quote``."""

    base = models.CharField(max_length=3)
    quote = models.CharField(max_length=3)
    rate = ExactDecimalField()
    source = models.CharField(max_length=40, help_text="ecb, csv, manual, ...")
    as_of = models.DateField()
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-as_of", "base", "quote"]
        constraints = [
            models.UniqueConstraint(fields=["base", "quote", "as_of"], name="fx_rate_pair_day"),
            models.CheckConstraint(
                condition=~models.Q(base=models.F("quote")), name="fx_rate_pair"
            ),
        ]
        indexes = [models.Index(fields=["as_of", "base", "quote"])]
        verbose_name = "FX rate"

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate} {self.quote} on {self.as_of} ({self.source})"


class FxQuote(models.Model):
    """A rate locked for a while, for checkout: the buyer pays at this rate until ``expires_at``."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    base = models.CharField(max_length=3)
    quote = models.CharField(max_length=3)
    rate = ExactDecimalField()
    rate_date = models.DateField(help_text="Date of the reference rate(s) used")
    source = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "locked FX quote"

    def __str__(self) -> str:
        return f"{self.base}/{self.quote} {self.rate} until {self.expires_at:%Y-%m-%d %H:%M}"
