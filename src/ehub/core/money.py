"""Money: an exact amount of one currency.

- The amount is a ``Decimal``; floats are refused everywhere (construction, multiplication, ratios).
- Two amounts in different currencies never add, subtract or compare: ``CurrencyMismatch``.
- ``quantize()`` rounds to the currency's own minor unit (JPY 0, USD 2, KWD 3) with
  ``ROUND_HALF_UP`` by default — the rounding customs authorities and most tax codes use for a
  tax line ("half a cent and above rounds up"); pass another ``decimal`` rounding mode to override.
- Intermediate results (``Money * rate``) keep full precision; round once, at the boundary.
- Storage is integer minor units plus the currency code: ``to_minor_units()`` /
  ``Money.from_minor_units()``. ``to_minor_units()`` refuses an amount that is not already on the
  minor unit, so nothing is rounded silently on the way to the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from babel.core import Locale
from babel.numbers import parse_pattern

from ehub.core.currencies import currency_exponent, normalize_currency

DEFAULT_ROUNDING = ROUND_HALF_UP


class MoneyError(ValueError):
    """Base class for money errors."""


class CurrencyMismatch(MoneyError):
    def __init__(self, left: str, right: str) -> None:
        super().__init__(f"cannot combine {left} with {right}")
        self.left = left
        self.right = right


def to_decimal(value: Any, *, what: str = "amount") -> Decimal:
    """Turn an int, a Decimal or a decimal string into a finite Decimal; refuse floats and bools."""
    if isinstance(value, (bool, float)):
        raise MoneyError(
            f"{what} must be a Decimal, int or decimal string, not {type(value).__name__}"
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation as exc:
            raise MoneyError(f"{what} {value!r} is not a decimal number") from exc
    else:
        raise MoneyError(
            f"{what} must be a Decimal, int or decimal string, not {type(value).__name__}"
        )
    if not result.is_finite():
        raise MoneyError(f"{what} must be finite, got {value!r}")
    return result


def quantum(currency: str) -> Decimal:
    """The minor unit as a Decimal exponent: Decimal('0.01') for USD, Decimal('1') for JPY."""
    return Decimal(1).scaleb(-currency_exponent(currency))


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __init__(self, amount: Decimal | int | str, currency: str) -> None:
        object.__setattr__(self, "amount", to_decimal(amount))
        object.__setattr__(self, "currency", normalize_currency(currency))

    # -- construction --------------------------------------------------------------------------
    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor_units(cls, minor_units: int, currency: str) -> Money:
        if isinstance(minor_units, bool) or not isinstance(minor_units, int):
            raise MoneyError(f"minor units must be an int, not {type(minor_units).__name__}")
        return cls(Decimal(minor_units).scaleb(-currency_exponent(currency)), currency)

    # -- rounding and storage ------------------------------------------------------------------
    def quantize(self, rounding: str = DEFAULT_ROUNDING) -> Money:
        return Money(self.amount.quantize(quantum(self.currency), rounding=rounding), self.currency)

    def is_quantized(self) -> bool:
        return self.amount == self.amount.quantize(
            quantum(self.currency), rounding=DEFAULT_ROUNDING
        )

    def to_minor_units(self) -> int:
        if not self.is_quantized():
            raise MoneyError(
                f"{self.amount} {self.currency} is not on the minor unit; quantize() it first"
            )
        return int(self.amount.scaleb(currency_exponent(self.currency)))

    # -- arithmetic ----------------------------------------------------------------------------
    def _check(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency)
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._check(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._check(other).amount, self.currency)

    def __mul__(self, factor: Decimal | int | str) -> Money:
        if isinstance(factor, Money):
            raise TypeError("cannot multiply Money by Money")
        return Money(self.amount * to_decimal(factor, what="factor"), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._check(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._check(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._check(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._check(other).amount

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.currency == other.currency and self.amount == other.amount

    def __hash__(self) -> int:
        return hash((self.amount, self.currency))

    def is_zero(self) -> bool:
        return self.amount == 0

    def is_negative(self) -> bool:
        return self.amount < 0

    # -- splitting -----------------------------------------------------------------------------
    def allocate(self, ratios: Sequence[Decimal | int | str]) -> list[Money]:
        """Split into parts proportional to ``ratios`` that sum exactly to ``self.quantize()``.

        Largest-remainder method on minor units: each part gets the floor of its exact share and
        the leftover minor units go, one each, to the parts with the largest remainders (ties to
        the earlier part). Ratios are non-negative and at least one is positive. A negative amount
        is split as its absolute value and negated.
        """
        weights = [to_decimal(r, what="ratio") for r in ratios]
        if not weights:
            raise MoneyError("allocate needs at least one ratio")
        if any(w < 0 for w in weights):
            raise MoneyError("ratios must not be negative")
        total_weight = sum(weights, Decimal(0))
        if total_weight == 0:
            raise MoneyError("at least one ratio must be positive")
        total_units = self.quantize().to_minor_units()
        sign = -1 if total_units < 0 else 1
        units = abs(total_units)
        shares = [units * w / total_weight for w in weights]
        floors = [int(s) for s in shares]  # shares are non-negative: int() is floor
        leftover = units - sum(floors)
        by_remainder = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
        for index in by_remainder[:leftover]:
            floors[index] += 1
        return [Money.from_minor_units(sign * part, self.currency) for part in floors]

    # -- presentation --------------------------------------------------------------------------
    def format(self, locale: str = "en") -> str:
        """Locale-aware display with Babel, to the currency's own minor unit.

        ``¥1,234.50`` for CNY in zh_Hans_CN, ``RM1,234.50`` for MYR in ms_MY, ``¥1,235`` for JPY.
        """
        babel_locale = Locale.parse(locale.replace("-", "_"))
        pattern = parse_pattern(babel_locale.currency_formats["standard"].pattern)
        exponent = currency_exponent(self.currency)
        pattern.frac_prec = (exponent, exponent)
        return pattern.apply(
            self.quantize().amount, babel_locale, currency=self.currency, currency_digits=False
        )

    def __str__(self) -> str:
        return f"{self.quantize().amount} {self.currency}"

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency}')"


def money_sum(values: Iterable[Money], currency: str) -> Money:
    """Sum of amounts in one currency (zero for an empty iterable)."""
    total = Money.zero(currency)
    for value in values:
        total = total + value
    return total
