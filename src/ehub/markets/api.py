from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from ehub.core import clock
from ehub.core.auth import session_or_key
from ehub.core.currencies import UnknownCurrency, normalize_currency
from ehub.core.errors import CoreErrorCode, DomainError
from ehub.core.money import Money, MoneyError
from ehub.markets.models import Market
from ehub.markets.schemas import FxConversionOut, FxQuoteIn, FxQuoteOut, MarketOut
from ehub.markets.selectors import fx_rate_on, market_get, market_list
from ehub.markets.services import fx_quote_lock

router = Router(tags=["markets"])


def market_out(market: Market) -> MarketOut:
    return MarketOut(
        country=market.country,
        name=market.name,
        currency=market.currency,
        languages=market.languages,
        default_language=market.default_language,
        enabled=market.enabled,
    )


@router.get("/markets", response=list[MarketOut], summary="Markets buyers can shop from")
def markets(request: HttpRequest) -> list[MarketOut]:
    return [market_out(m) for m in market_list()]


@router.get("/markets/{country}", response=MarketOut)
def market(request: HttpRequest, country: str) -> MarketOut:
    return market_out(market_get(country=country))


class FxConvertQuery(Schema):
    amount: str
    source: str
    target: str
    date: dt.date | None = None


def _currency(code: str, field: str) -> str:
    try:
        return normalize_currency(code)
    except UnknownCurrency as exc:
        raise DomainError(
            CoreErrorCode.UNKNOWN_CURRENCY, str(exc), {"field": field}, status=422
        ) from exc


@router.get(
    "/fx/convert",
    response=FxConversionOut,
    summary="Convert an amount at the reference rates of a date (cross rates through EUR etc.)",
)
def fx_convert_endpoint(request: HttpRequest, query: Query[FxConvertQuery]) -> FxConversionOut:
    source, target = _currency(query.source, "source"), _currency(query.target, "target")
    try:
        money = Money(query.amount, source)
    except MoneyError as exc:
        raise DomainError(
            CoreErrorCode.INVALID_INPUT, str(exc), {"field": "amount"}, status=422
        ) from exc
    on_date = query.date or clock.today()
    rate = fx_rate_on(base=source, quote=target, on_date=on_date)
    converted = Money(money.amount * rate, target).quantize()
    return FxConversionOut(
        amount=str(money.amount),
        currency=source,
        converted_amount=str(converted.amount),
        converted_currency=target,
        rate=format(rate.normalize(), "f"),
        date=on_date,
    )


@router.post(
    "/fx/quotes",
    response={201: FxQuoteOut},
    summary="Lock today's rate for a pair for a limited time (checkout uses this)",
    auth=session_or_key,
)
def fx_quote_create(request: HttpRequest, body: FxQuoteIn) -> Status:
    quote = fx_quote_lock(base=_currency(body.base, "base"), quote=_currency(body.quote, "quote"))
    return Status(
        201,
        FxQuoteOut(
            id=str(quote.public_id),
            base=quote.base,
            quote=quote.quote,
            rate=format(quote.rate, "f"),
            rate_date=quote.rate_date,
            expires_at=quote.expires_at,
        ),
    )
