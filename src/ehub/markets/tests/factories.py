from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from ehub.markets.models import FxRate, Market


class MarketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Market
        django_get_or_create = ("country",)

    country = "MY"
    currency = "MYR"
    languages = factory.LazyFunction(lambda: ["ms", "en", "zh-Hans"])
    enabled = True


class FxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FxRate
        django_get_or_create = ("base", "quote", "as_of")

    base = "EUR"
    quote = "USD"
    rate = Decimal("1.1600")
    source = "test"
    as_of = factory.LazyFunction(dt.date.today)
