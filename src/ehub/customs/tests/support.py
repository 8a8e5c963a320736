"""Helpers for the landed-cost tests: build requests, quote them with fixed stored FX rates."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from ehub.core.fx import RateTable
from ehub.customs.services import landed_cost_quote

# Fixed "stored" rates so every threshold conversion in the tests is exact.
STORED = RateTable.from_pairs(
    {
        "USD/KRW": "1400",
        "USD/IDR": "16000",
        "USD/BRL": "5",
        "USD/MXN": "20",
        "USD/CAD": "1.25",
        "EUR/SEK": "11",
        "EUR/CZK": "25",
        "EUR/DKK": "7.5",
        "EUR/HUF": "400",
        "EUR/PLN": "4.25",
        "EUR/RON": "5",
        "EUR/USD": "1.10",
    },
    "test rates",
)

CURRENCY = {
    "CN": "CNY", "US": "USD", "GB": "GBP", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD",
    "MY": "MYR", "JP": "JPY", "KR": "KRW", "TH": "THB", "ID": "IDR", "VN": "VND", "PH": "PHP",
    "IN": "INR", "SA": "SAR", "BR": "BRL", "MX": "MXN", "CH": "CHF", "NO": "NOK", "SE": "SEK",
    "CZ": "CZK", "DK": "DKK", "HU": "HUF", "PL": "PLN", "RO": "RON",
}  # fmt: skip


def line(
    hs_code: Any = "620610", price: Any = "10.00", *, origin: str = "CN", quantity: int = 1, **kw
) -> dict[str, Any]:
    """A request line; ``hs_code`` and ``price`` accept any JSON value, to test bad input."""
    return {
        "hs_code": hs_code,
        "description": "test item",
        "origin": origin,
        "quantity": quantity,
        "unit_price": price,
        **kw,
    }


def request(destination: str = "FI", *, price: str | None = None, **kw: Any) -> dict[str, Any]:
    """A one-line request in the destination's currency; ``price`` sets that line's unit price."""
    payload: dict[str, Any] = {
        "date": "2026-03-01",
        "destination": destination,
        "destination_region": None,
        "ship_from": None,
        "currency": CURRENCY.get(destination, "EUR"),
        "fx": {},
        "buyer_type": "consumer",
        "channel": None,
        "lines": [line(price=price or "10.00")],
        "shipping": "0.00",
        "insurance": "0.00",
        "carrier_fees": [],
    }
    payload.update(kw)
    return payload


def quote(payload: dict[str, Any], stored: RateTable = STORED) -> dict[str, Any]:
    return landed_cost_quote(payload=copy.deepcopy(payload), stored_rates=stored)


def regime_id(result: dict[str, Any]) -> str:
    return next(r["id"] for r in result["rules"] if "/regime/" in r["id"])


def amount(value: str | None) -> Decimal:
    assert value is not None
    return Decimal(value)
