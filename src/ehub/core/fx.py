"""Pure currency conversion: a table of rates, their inverses and cross rates.

A rate ``(BASE, QUOTE) -> r`` means 1 BASE = r QUOTE. ``RateTable.rate`` answers a pair from a
direct rate, the inverse of the opposite pair, or a cross rate through one pivot currency both
sides are quoted against (ECB rates are all EUR-based, so USD→MYR goes USD→EUR→MYR). No ORM here:
``ehub.markets.selectors.fx_rates_on(date)`` builds a table from stored snapshots, and the
landed-cost engine builds one from a request's ``fx`` map.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from ehub.core.currencies import normalize_currency
from ehub.core.money import Money, MoneyError, to_decimal


class MissingRate(LookupError):
    """No rate (direct, inverse or cross) covers the pair."""

    def __init__(self, base: str, quote: str, detail: str = "") -> None:
        message = f"no exchange rate from {base} to {quote}"
        if detail:
            message = f"{message} {detail}"
        super().__init__(message)
        self.base = base
        self.quote = quote


class FxRates(Protocol):
    def rate(self, base: str, quote: str) -> Decimal: ...


@dataclass(frozen=True)
class RateTable:
    rates: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)
    description: str = ""

    @classmethod
    def from_pairs(
        cls, pairs: Mapping[str, Decimal | str | int], description: str = ""
    ) -> RateTable:
        """Build from ``{"AUD/USD": "0.91"}`` as the landed-cost request carries it."""
        rates: dict[tuple[str, str], Decimal] = {}
        for pair, value in pairs.items():
            base, sep, quote = pair.partition("/")
            if not sep:
                raise MoneyError(f"FX pair {pair!r} must look like 'BASE/QUOTE'")
            rate = to_decimal(value, what=f"rate for {pair}")
            if rate <= 0:
                raise MoneyError(f"rate for {pair} must be positive")
            base, quote = normalize_currency(base), normalize_currency(quote)
            if base == quote:
                raise MoneyError(f"FX pair {pair!r} converts a currency to itself")
            rates[(base, quote)] = rate
        return cls(rates, description)

    def rate(self, base: str, quote: str) -> Decimal:
        base, quote = normalize_currency(base), normalize_currency(quote)
        if base == quote:
            return Decimal(1)
        direct = self._direct(base, quote)
        if direct is not None:
            return direct
        pivots = {c for pair in self.rates for c in pair} - {base, quote}
        for pivot in sorted(pivots):
            first = self._direct(base, pivot)
            second = self._direct(pivot, quote)
            if first is not None and second is not None:
                return first * second
        raise MissingRate(base, quote, self.description)

    def _direct(self, base: str, quote: str) -> Decimal | None:
        if (base, quote) in self.rates:
            return self.rates[(base, quote)]
        if (quote, base) in self.rates:
            return Decimal(1) / self.rates[(quote, base)]
        return None

    def convert(self, money: Money, quote: str) -> Money:
        """Unrounded conversion; quantize at the boundary."""
        return Money(money.amount * self.rate(money.currency, quote), quote)

    def merged_over(self, fallback: RateTable) -> RateTable:
        """This table's rates, with ``fallback``'s for pairs it does not quote."""
        combined = dict(fallback.rates)
        combined.update(self.rates)
        return RateTable(combined, self.description or fallback.description)
