from __future__ import annotations

import datetime as dt

from ninja import Schema


class MarketOut(Schema):
    country: str
    name: str
    currency: str
    languages: list[str]
    default_language: str
    enabled: bool


class FxConversionOut(Schema):
    amount: str
    currency: str
    converted_amount: str
    converted_currency: str
    rate: str
    date: dt.date


class FxQuoteIn(Schema):
    base: str
    quote: str


class FxQuoteOut(Schema):
    id: str
    base: str
    quote: str
    rate: str
    rate_date: dt.date
    expires_at: dt.datetime
