"""The explanation as translatable messages (ADR 0016): each ``explanation_messages`` entry is a
template with typed parameters that renders, in English, to exactly the matching ``explanation``
line, and survives its JSON form unchanged."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings

from ehub.core.fx import RateTable
from ehub.core.messages import (
    CountryParam,
    DataText,
    Message,
    Messages,
    MoneyParam,
    NumberParam,
    PercentParam,
    message,
    message_from_json,
    message_to_json,
)
from ehub.customs.contract import EXAMPLE_REQUEST
from ehub.customs.domain import LandedCostInputError
from ehub.customs.services import landed_cost_quote
from ehub.customs.tests.support import quote
from ehub.customs.tests.test_landed_cost_properties import requests


def rendered(result: dict[str, Any]) -> list[str]:
    return [str(message_from_json(item)) for item in result["explanation_messages"]]


def test_the_issue_example_explains_itself_in_messages():
    result = landed_cost_quote(payload=EXAMPLE_REQUEST, stored_rates=RateTable())

    assert result["explanation"] == [
        "Finland: EU import, above IOSS threshold.",
        "Goods value EUR 200.00 is above the threshold of EUR 150.",
        "Customs value EUR 235.00 on goods, shipping and insurance (CIF).",
        "Line 0 (620610): MFN duty 12% of EUR 235.00 = EUR 28.20.",
        "VAT 25.5% of EUR 263.20 = EUR 67.12.",
        "Import charges of EUR 95.32 are collected at the border, usually by the carrier on "
        "delivery.",
    ]
    assert rendered(result) == result["explanation"]
    first, threshold, _, duty, vat, _ = result["explanation_messages"]
    assert first == {
        "template": "{country}: {regime}.",
        "params": {
            "country": {"kind": "country", "code": "FI", "name": "Finland"},
            "regime": {"kind": "data", "text": "EU import, above IOSS threshold"},
        },
    }
    assert threshold["params"]["threshold"] == {
        "kind": "money",
        "amount": "150",
        "currency": "EUR",
    }
    assert duty["template"] == "Line {line} ({hs_code}): {label} duty {rate} of {base} = {amount}."
    assert duty["params"]["rate"] == {"kind": "percent", "value": "0.12"}
    assert duty["params"]["label"] == {"kind": "message", "template": "MFN", "params": {}}
    assert vat["params"]["details"] == {"kind": "messages", "items": []}
    assert vat["params"]["tax"]["template"] == "VAT"


def test_every_parameter_kind_renders_as_the_english_text_did():
    value = message(
        "{a} {b} {c} {d} {e} {f} {g}{h}",
        a="620610",
        b=MoneyParam(Decimal("28.20"), "EUR"),
        c=PercentParam(Decimal("0.255")),
        d=NumberParam(Decimal("0.91")),
        e=CountryParam("FI", "Finland"),
        f=DataText("EU import"),
        g=message("{x} per {y}", x=MoneyParam(Decimal("0.019"), "USD"), y=message("kg (net)")),
        h=Messages((message(", levied at {r}", r=PercentParam(Decimal("0.7"))),)),
    )
    english = "620610 EUR 28.20 25.5% 0.91 Finland EU import USD 0.019 per kg (net), levied at 70%"

    assert str(value) == english
    assert json.loads(json.dumps(message_to_json(value))) == message_to_json(value)
    assert message_from_json(message_to_json(value)) == value
    assert str(Message("A plain sentence.")) == "A plain sentence."


def test_refusals_specific_duties_and_waivers_explain_themselves_in_messages():
    cases = [
        # China: a consignment above the CBEC limits is refused (rule-file reason)
        {"destination": "CN", "currency": "CNY", "lines": [
            {"hs_code": "620610", "origin": "MY", "quantity": 3, "unit_price": "3000"}]},
        # Japan: "5.6% or 4.4% + JPY 1.52/m2, whichever is the greater" (alternatives)
        {"destination": "JP", "currency": "JPY", "lines": [
            {"hs_code": "520852", "origin": "MY", "quantity": 1, "unit_price": "20000",
             "supplementary_quantity": "3", "supplementary_unit": "m2"}]},
        # US honey: a specific duty without the net weight it needs
        {"destination": "US", "currency": "USD", "lines": [
            {"hs_code": "040900", "origin": "MY", "quantity": 1, "unit_price": "900"}]},
        # Switzerland: import tax of CHF 5 or less is not levied; goods priced in EUR
        {"destination": "CH", "currency": "EUR", "fx": {"EUR/CHF": "0.94"}, "lines": [
            {"hs_code": "620610", "origin": "CN", "quantity": 1, "unit_price": "40"}]},
        # Brazil: ICMS "por dentro"; India: SWS surcharge on the duty
        {"destination": "BR", "currency": "BRL", "destination_region": "BR-SP", "lines": [
            {"hs_code": "620610", "origin": "CN", "quantity": 1, "unit_price": "500"}]},
        {"destination": "IN", "currency": "INR", "lines": [
            {"hs_code": "620610", "origin": "CN", "quantity": 1, "unit_price": "9000"}]},
    ]  # fmt: skip
    for case in cases:
        payload = {"date": "2026-03-01", "shipping": "0", **case}
        result = quote(payload)
        assert result["explanation"], payload
        assert rendered(result) == result["explanation"], payload


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_every_explanation_message_renders_to_its_english_line(payload: dict[str, Any]) -> None:
    try:
        result = quote(payload)
    except LandedCostInputError:
        return
    assert len(result["explanation_messages"]) == len(result["explanation"])
    assert rendered(result) == result["explanation"]
    assert json.loads(json.dumps(result["explanation_messages"])) == result["explanation_messages"]
