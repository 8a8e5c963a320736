from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction

from ehub.core import clock
from ehub.core.currencies import WITHDRAWN_CURRENCIES, UnknownCurrency, normalize_currency
from ehub.core.errors import DomainError
from ehub.core.fx import MissingRate
from ehub.core.money import Money
from ehub.markets.errors import MarketsErrorCode
from ehub.markets.models import FxQuote, FxRate, Market
from ehub.markets.selectors import fx_rate_table_on


# -- markets -----------------------------------------------------------------------------------
def market_upsert(
    *, country: str, currency: str, languages: list[str], enabled: bool = True
) -> Market:
    market, _ = Market.objects.update_or_create(
        country=country.upper(),
        defaults={
            "currency": normalize_currency(currency),
            "languages": languages,
            "enabled": enabled,
        },
    )
    return market


# -- FX import ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParsedRate:
    base: str
    quote: str
    rate: Decimal
    as_of: dt.date


@dataclass
class FxImportResult:
    format: str
    rates: int
    days: int
    first_date: dt.date | None
    last_date: dt.date | None
    currencies: list[str] = field(default_factory=list)
    skipped_currencies: list[str] = field(default_factory=list)


class FxFileInvalid(DomainError):
    def __init__(self, problems: list[str]) -> None:
        shown = "; ".join(problems[:5]) + (
            f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        )
        super().__init__(
            MarketsErrorCode.FX_FILE_INVALID, f"the rate file was not imported: {shown}", problems
        )


def _parse_date(text: str) -> dt.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)")


def _parse_rate(text: str) -> Decimal:
    try:
        rate = Decimal(text.strip())
    except InvalidOperation as exc:
        raise ValueError(f"{text!r} is not a number") from exc
    if not rate.is_finite() or rate <= 0:
        raise ValueError(f"rate {text!r} must be a positive number")
    return rate


def _parse_ecb(rows: list[list[str]], skipped: list[str]) -> tuple[list[ParsedRate], list[str]]:
    header = [cell.strip() for cell in rows[0]]
    problems: list[str] = []
    currencies: list[str | None] = []
    for cell in header[1:]:
        if not cell:
            currencies.append(None)  # the ECB file ends every line with a comma
            continue
        if cell.upper() in WITHDRAWN_CURRENCIES:
            # The history file keeps a column for every currency it ever quoted (BGN since
            # Bulgaria joined the euro, CYP, HRK, ...): skipped and reported, not refused.
            skipped.append(cell.upper())
            currencies.append(None)
            continue
        try:
            currencies.append(normalize_currency(cell))
        except UnknownCurrency:
            problems.append(f"line 1: {cell!r} is not a currency code")
            currencies.append(None)
    parsed: list[ParsedRate] = []
    for line_number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            as_of = _parse_date(row[0])
        except ValueError as exc:
            problems.append(f"line {line_number}: {exc}")
            continue
        for currency, cell in zip(currencies, row[1:], strict=False):
            value = cell.strip()
            if currency is None or value in ("", "N/A"):
                continue
            try:
                parsed.append(ParsedRate("EUR", currency, _parse_rate(value), as_of))
            except ValueError as exc:
                problems.append(f"line {line_number}, {currency}: {exc}")
    return parsed, problems


def _parse_simple(rows: list[list[str]]) -> tuple[list[ParsedRate], list[str]]:
    problems: list[str] = []
    parsed: list[ParsedRate] = []
    for line_number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 4:
            problems.append(f"line {line_number}: expected 4 columns base,quote,rate,date")
            continue
        try:
            base, quote = normalize_currency(row[0]), normalize_currency(row[1])
            if base == quote:
                raise ValueError("base and quote are the same currency")
            parsed.append(ParsedRate(base, quote, _parse_rate(row[2]), _parse_date(row[3])))
        except (ValueError, UnknownCurrency) as exc:
            problems.append(f"line {line_number}: {exc}")
    return parsed, problems


def fx_parse(text: str, skipped: list[str] | None = None) -> tuple[str, list[ParsedRate]]:
    """Recognise and parse an ECB reference-rate CSV or a ``base,quote,rate,date`` CSV.

    Columns for currencies withdrawn from ISO 4217 are skipped and named in ``skipped``."""
    skipped = [] if skipped is None else skipped
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        raise FxFileInvalid(["the file is empty"])
    header = [cell.strip().lower() for cell in rows[0]]
    if header[:1] == ["date"]:
        kind, (parsed, problems) = "ecb", _parse_ecb(rows, skipped)
    elif header == ["base", "quote", "rate", "date"]:
        kind, (parsed, problems) = "csv", _parse_simple(rows)
    else:
        raise FxFileInvalid(
            [
                "line 1: unknown format; expected the ECB layout (Date,USD,JPY,...) "
                "or the header base,quote,rate,date"
            ]
        )
    if problems:
        raise FxFileInvalid(problems)
    if not parsed:
        raise FxFileInvalid(["the file holds no rates"])
    seen: set[tuple[str, str, dt.date]] = set()
    duplicates = []
    for rate in parsed:
        key = (rate.base, rate.quote, rate.as_of)
        if key in seen:
            duplicates.append(f"{rate.base}/{rate.quote} on {rate.as_of} appears twice")
        seen.add(key)
    if duplicates:
        raise FxFileInvalid(duplicates)
    return kind, parsed


def fx_import(*, path: Path | None = None, text: str | None = None) -> FxImportResult:
    """Import a whole file or nothing. Re-importing the same file changes nothing; a corrected
    rate for a pair and day replaces the old one."""
    if text is None:
        if path is None:
            raise ValueError("give a path or the text")
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise FxFileInvalid([f"cannot read {path}: {exc}"]) from exc
    skipped: list[str] = []
    kind, parsed = fx_parse(text, skipped)
    with transaction.atomic():
        FxRate.objects.bulk_create(
            [
                FxRate(base=r.base, quote=r.quote, rate=r.rate, as_of=r.as_of, source=kind)
                for r in parsed
            ],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["base", "quote", "as_of"],
            update_fields=["rate", "source", "imported_at"],
        )
    days = sorted({r.as_of for r in parsed})
    return FxImportResult(
        format=kind,
        rates=len(parsed),
        days=len(days),
        first_date=days[0],
        last_date=days[-1],
        currencies=sorted({r.quote for r in parsed} | {r.base for r in parsed}),
        skipped_currencies=skipped,
    )


# -- locked quotes -----------------------------------------------------------------------------
def fx_quote_lock(
    *, base: str, quote: str, on_date: dt.date | None = None, ttl_seconds: int | None = None
) -> FxQuote:
    """Lock today's reference rate for a pair for ``ttl_seconds`` (default from settings)."""
    base, quote = normalize_currency(base), normalize_currency(quote)
    moment = clock.now()
    rate_date = on_date or moment.date()
    table = fx_rate_table_on(rate_date)
    try:
        rate = table.rate(base, quote)
    except MissingRate as exc:
        raise DomainError(
            MarketsErrorCode.FX_RATE_MISSING,
            str(exc),
            {"base": base, "quote": quote, "date": rate_date.isoformat()},
            status=422,
        ) from exc
    ttl = settings.EHUB_FX_QUOTE_TTL_SECONDS if ttl_seconds is None else ttl_seconds
    return FxQuote.objects.create(
        base=base,
        quote=quote,
        rate=rate.quantize(Decimal("1e-12")).normalize(),
        rate_date=rate_date,
        source=f"reference rates {table.description}",
        created_at=moment,
        expires_at=moment + dt.timedelta(seconds=ttl),
    )


def fx_quote_convert(*, fx_quote: FxQuote, money: Money, at: dt.datetime | None = None) -> Money:
    """Convert with a locked quote; refuses an expired quote or a currency it does not cover."""
    moment = at or clock.now()
    if moment >= fx_quote.expires_at:
        raise DomainError(
            MarketsErrorCode.FX_QUOTE_EXPIRED,
            "the locked exchange rate has expired; ask for a new quote",
            {"quote_id": str(fx_quote.public_id), "expired_at": fx_quote.expires_at.isoformat()},
            status=409,
        )
    if money.currency != fx_quote.base:
        raise DomainError(
            MarketsErrorCode.FX_QUOTE_MISMATCH,
            f"this quote converts {fx_quote.base}, not {money.currency}",
            {"quote_id": str(fx_quote.public_id)},
            status=422,
        )
    return Money(money.amount * fx_quote.rate, fx_quote.quote).quantize()
