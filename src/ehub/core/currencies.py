"""ISO 4217 currencies and their minor-unit exponents.

The exponent is the number of digits after the decimal point in the currency's minor unit, as
published in ISO 4217 (JPY 0, USD 2, KWD 3). We keep our own table of the exceptions to "2" rather
than Babel's CLDR digits, which describe *display* habits (CLDR shows IDR with 2 digits and HUF cash
with 0) and not the unit money is settled in.
"""

from __future__ import annotations

from functools import cache

import pycountry

# ISO 4217 minor units for active codes whose exponent is not 2.
_EXPONENT_EXCEPTIONS: dict[str, int] = {
    # 0 decimals
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
    "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    # 3 decimals
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    # 4 decimals
    "CLF": 4, "UYW": 4,
}  # fmt: skip

# Codes without a minor unit at all (precious metals, testing, special drawing rights).
_NOT_MONEY = {
    "XAU",
    "XAG",
    "XPT",
    "XPD",
    "XTS",
    "XXX",
    "XDR",
    "XBA",
    "XBB",
    "XBC",
    "XBD",
    "XSU",
    "XUA",
}


# Codes withdrawn from ISO 4217 that still appear as columns in historical rate files (the ECB's
# eurofxref-hist.csv keeps a column for every currency it ever quoted). Not money any more.
WITHDRAWN_CURRENCIES = frozenset(
    {"BGN", "CYP", "EEK", "GRD", "HRK", "LTL", "LVL", "MTL", "ROL", "SIT", "SKK", "TRL"}
)


class UnknownCurrency(ValueError):
    """Raised for a code that is not an ISO 4217 currency usable as money."""


@cache
def known_currencies() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies) - _NOT_MONEY


def normalize_currency(code: str) -> str:
    """Return the upper-case ISO 4217 code, or raise UnknownCurrency."""
    if not isinstance(code, str):
        raise UnknownCurrency(f"currency code must be a string, got {type(code).__name__}")
    upper = code.strip().upper()
    if upper not in known_currencies():
        raise UnknownCurrency(f"unknown currency code {code!r}")
    return upper


def currency_exponent(code: str) -> int:
    """Digits in the minor unit: JPY 0, USD 2, KWD 3."""
    return _EXPONENT_EXCEPTIONS.get(normalize_currency(code), 2)
