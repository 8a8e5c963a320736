"""The worked example of issue 3 (Finland, 2026-03-01).

Duty check: CN 6206 10 00 (women's blouses of silk, not knitted) carries the Common Customs Tariff
conventional ("third country") duty of 12%, as do the other woven-garment lines of chapter 62
(https://ec.europa.eu/taxation_customs/dds2/taric/measures.jsp?Lang=en&Taric=6206100000). The
issue's 12% is consistent with the tariff; ehub's EU.toml carries it with that source.
"""

from __future__ import annotations

from ehub.core.fx import RateTable
from ehub.customs.contract import EXAMPLE_REQUEST
from ehub.customs.services import landed_cost_quote

ISSUE_REQUEST = EXAMPLE_REQUEST


def test_issue_example_reproduces_every_figure():
    result = landed_cost_quote(payload=ISSUE_REQUEST, stored_rates=RateTable())

    assert list(result)[:19] == [
        "destination", "currency", "date", "regime", "allowed", "refusals", "collected",
        "customs_value", "duties", "taxes", "fees", "duty_total", "tax_total", "fee_total",
        "import_charges_total", "landed_total", "rules", "explanation", "complete",
    ]  # fmt: skip
    assert result["destination"] == "FI"
    assert result["currency"] == "EUR"
    assert result["date"] == "2026-03-01"
    assert result["regime"] == "EU import, above IOSS threshold"
    assert result["allowed"] is True
    assert result["refusals"] == []
    assert result["collected"] == "at_border"
    assert result["customs_value"] == "235.00"
    assert result["duties"] == [
        {
            "line": 0,
            "hs_code": "620610",
            "rate": "0.12",
            "base": "235.00",
            "amount": "28.20",
            "rule": "EU/duty/MFN",
        }
    ]
    assert result["taxes"] == [
        {
            "kind": "vat",
            "rate": "0.255",
            "base": "263.20",
            "amount": "67.12",
            "rule": "FI/vat/standard",
        }
    ]
    assert result["fees"] == []
    assert result["duty_total"] == "28.20"
    assert result["tax_total"] == "67.12"
    assert result["fee_total"] == "0.00"
    assert result["import_charges_total"] == "95.32"
    assert result["landed_total"] == "330.32"
    assert result["complete"] is True
    assert result["unknown_rates"] == []


def test_every_rule_used_is_listed_with_a_source():
    result = landed_cost_quote(payload=ISSUE_REQUEST, stored_rates=RateTable())

    ids = {r["id"] for r in result["rules"]}
    assert {"EU/duty/MFN", "FI/vat/standard", "EU/threshold/IOSS"} <= ids
    assert all(r["source"].startswith("http") for r in result["rules"])
    named = {d["rule"] for d in result["duties"]} | {t["rule"] for t in result["taxes"]}
    assert named <= ids


def test_explanation_is_readable_english():
    result = landed_cost_quote(payload=ISSUE_REQUEST, stored_rates=RateTable())

    text = " ".join(result["explanation"])
    assert "above the threshold of EUR 150" in text
    assert "MFN duty 12% of EUR 235.00 = EUR 28.20" in text
    assert "VAT 25.5% of EUR 263.20 = EUR 67.12" in text
    assert "collected at the border" in text
