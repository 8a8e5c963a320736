"""The JSON contract: bad input gives the right code and names the field; FX handling."""

from __future__ import annotations

from typing import Any

import pytest

from ehub.core.errors import DomainError
from ehub.core.fx import RateTable
from ehub.customs.contract import LandedCostInputError, parse_request
from ehub.customs.tests.support import line, quote, request


def bad(name: str, change: dict[str, Any], code: str, field: str) -> Any:
    return pytest.param(change, code, field, id=name)


BAD_INPUTS = [
    bad("unknown destination", {"destination": "XX"}, "unknown_country", "destination"),
    bad("destination not a string", {"destination": 7}, "unknown_country", "destination"),
    bad("unknown ship_from", {"ship_from": "ZZ"}, "unknown_country", "ship_from"),
    bad("unknown origin", {"lines": [line(origin="QQ")]}, "unknown_country", "lines[0].origin"),
    bad(
        "region of another country",
        {"destination_region": "US-CA"},
        "unknown_region",
        "destination_region",
    ),
    bad("hs code too short", {"lines": [line("6206")]}, "invalid_hs_code", "lines[0].hs_code"),
    bad("hs code not digits", {"lines": [line("62061A")]}, "invalid_hs_code", "lines[0].hs_code"),
    bad("hs code as number", {"lines": [line(620610)]}, "invalid_hs_code", "lines[0].hs_code"),
    bad(
        "second line hs", {"lines": [line(), line("12345")]}, "invalid_hs_code", "lines[1].hs_code"
    ),
    bad(
        "negative price", {"lines": [line(price="-1.00")]}, "negative_amount", "lines[0].unit_price"
    ),
    bad("negative shipping", {"shipping": "-0.01"}, "negative_amount", "shipping"),
    bad("negative insurance", {"insurance": "-5"}, "negative_amount", "insurance"),
    bad(
        "negative carrier fee",
        {"carrier_fees": [{"name": "x", "amount": "-1", "in_tax_base": False}]},
        "negative_amount",
        "carrier_fees[0].amount",
    ),
    bad("float price", {"lines": [line(price=12.5)]}, "invalid_request", "lines[0].unit_price"),
    bad(
        "price not a number",
        {"lines": [line(price="abc")]},
        "invalid_request",
        "lines[0].unit_price",
    ),
    bad(
        "negative duty rate",
        {"lines": [line(duty_rate="-0.1")]},
        "invalid_rate",
        "lines[0].duty_rate",
    ),
    bad("percent as rate", {"lines": [line(tax_rate="20")]}, "invalid_rate", "lines[0].tax_rate"),
    bad("zero quantity", {"lines": [line(quantity=0)]}, "invalid_request", "lines[0].quantity"),
    bad("no lines", {"lines": []}, "invalid_request", "lines"),
    bad("bad date", {"date": "2026-02-30"}, "invalid_request", "date"),
    bad("unknown currency", {"currency": "XYZ"}, "unknown_currency", "currency"),
    bad("bad buyer type", {"buyer_type": "robot"}, "invalid_request", "buyer_type"),
    bad("unknown field", {"colour": "red"}, "invalid_request", "colour"),
    bad("bad fx pair", {"fx": {"EURUSD": "1.1"}}, "invalid_request", "fx.EURUSD"),
    bad("zero fx rate", {"fx": {"EUR/USD": "0"}}, "invalid_rate", "fx.EUR/USD"),
]


@pytest.mark.parametrize(("change", "code", "field"), BAD_INPUTS)
def test_bad_input_names_code_and_field(change: dict[str, Any], code: str, field: str) -> None:
    payload = request("FI") | change
    with pytest.raises(LandedCostInputError) as caught:
        parse_request(payload)
    assert caught.value.code == code
    assert caught.value.detail["field"] == field
    assert caught.value.status == 400
    assert set(caught.value.as_dict()) == {"code", "message", "detail"}


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        pytest.param(
            {"destination": "AQ"}, "unsupported_destination", "destination", id="no rules"
        ),
        pytest.param({"date": "2000-01-01"}, "no_rules_for_date", "date", id="date before rules"),
        pytest.param({"channel": "pigeon"}, "unknown_channel", "channel", id="unknown channel"),
        pytest.param(
            {"currency": "JPY"}, "fx_rate_missing", "lines[0].unit_price", id="missing fx"
        ),
    ],
)
def test_engine_input_errors(change: dict[str, Any], code: str, field: str) -> None:
    with pytest.raises(DomainError) as caught:
        quote(request("FI") | change, stored=RateTable())
    assert caught.value.code == code
    assert caught.value.detail["field"] == field


def test_missing_fx_for_a_foreign_threshold_is_reported():
    # KRW quote: the USD 150 threshold needs USD/KRW, which neither the request nor the store has.
    with pytest.raises(DomainError) as caught:
        quote(request("KR", price="1000"), stored=RateTable())
    assert caught.value.code == "fx_rate_missing"
    assert caught.value.detail["pair"] == "USD/KRW"


def test_request_fx_converts_amounts_in_either_direction():
    base = request("FI", currency="USD", shipping="0.00", lines=[line(price="220.00")])
    direct = quote(base | {"fx": {"EUR/USD": "1.10"}}, stored=RateTable())
    inverse = quote(base | {"fx": {"USD/EUR": "0.5"}}, stored=RateTable())

    assert direct["currency"] == "EUR"
    assert direct["customs_value"] == "200.00"
    assert inverse["customs_value"] == "110.00"


def test_request_fx_wins_over_stored_rates():
    base = request("FI", currency="USD", lines=[line(price="220.00")])
    stored = RateTable.from_pairs({"EUR/USD": "2"})

    assert quote(base, stored=stored)["customs_value"] == "110.00"
    assert quote(base | {"fx": {"EUR/USD": "1.10"}}, stored=stored)["customs_value"] == "200.00"


def test_ship_from_defaults_to_first_line_origin():
    parsed = parse_request(request("CA", lines=[line(origin="US"), line(origin="CN")]))
    assert parsed.ship_from == "US"


def test_json_amounts_are_strings_on_the_minor_unit():
    result = quote(request("JP", price="20000"))
    assert result["customs_value"] == "12000"
    assert result["tax_total"] == "1200"
    result = quote(request("FI", price="0"))
    assert result["tax_total"] == "0.00"
    assert result["landed_total"] == "0.00"
