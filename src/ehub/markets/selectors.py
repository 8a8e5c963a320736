from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings

from ehub.core.errors import DomainError, NotFound
from ehub.core.fx import MissingRate, RateTable
from ehub.core.money import Money
from ehub.markets.errors import MarketsErrorCode
from ehub.markets.models import FxRate, Market


def market_list(*, enabled_only: bool = True) -> list[Market]:
    markets = Market.objects.all()
    if enabled_only:
        markets = markets.filter(enabled=True)
    return list(markets)


def market_get(*, country: str, enabled_only: bool = True) -> Market:
    market = Market.objects.filter(country=country.strip().upper()).first()
    if market is None:
        raise NotFound(f"no market for {country!r}", code=MarketsErrorCode.MARKET_NOT_FOUND)
    if enabled_only and not market.enabled:
        raise DomainError(
            MarketsErrorCode.MARKET_DISABLED, f"the {market.name} market is not open", status=404
        )
    return market


def fx_rate_table_on(on_date: dt.date, *, max_age_days: int | None = None) -> RateTable:
    """Every pair's newest stored rate on or before ``on_date``, no older than ``max_age_days``.

    ECB publishes on business days only, so a Saturday uses Friday's rate; a rate older than the
    window is not used (a stale rate is worse than a clear "no rate").
    """
    window = settings.EHUB_FX_MAX_AGE_DAYS if max_age_days is None else max_age_days
    rows = (
        FxRate.objects.filter(as_of__lte=on_date, as_of__gte=on_date - dt.timedelta(days=window))
        .order_by("as_of")
        .values_list("base", "quote", "rate", "as_of")
    )
    rates = {}
    for base, quote, rate, _as_of in rows:
        rates[(base, quote)] = rate  # ordered by date: the newest wins
    return RateTable(rates, description=f"on {on_date.isoformat()}")


def fx_rate_on(*, base: str, quote: str, on_date: dt.date) -> Decimal:
    """The reference rate 1 ``base`` = x ``quote`` for ``on_date`` (direct, inverse or cross)."""
    try:
        return fx_rate_table_on(on_date).rate(base, quote)
    except MissingRate as exc:
        raise DomainError(
            MarketsErrorCode.FX_RATE_MISSING,
            str(exc),  # the table's description already says "on <date>"
            {"base": exc.base, "quote": exc.quote, "date": on_date.isoformat()},
            status=422,
        ) from exc


def fx_convert(*, money: Money, quote: str, on_date: dt.date) -> Money:
    """Convert at the stored reference rates for ``on_date``, rounded half-up to the quote
    currency's minor unit."""
    rate = fx_rate_on(base=money.currency, quote=quote, on_date=on_date)
    return Money(money.amount * rate, quote).quantize()
