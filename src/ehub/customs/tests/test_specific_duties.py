"""Specific and compound duties: amounts per kg (net or gross), per m2 or per piece, alone, added
to an ad valorem rate, or as the greater/lesser of two alternatives (docs/landed-cost.md).

Real rates: US honey 1.9 cents/kg and knives "cents each + %" (HTSUS), and Japan's batik line
"3.7% or 2.9% + 1.01 yen/m2, whichever is the greater" on a copy of JP.toml; sources in US.toml
and JP.toml. The
mechanics (per 100 kg, gross weight, currency conversion, min/max, "min") are checked on a
synthetic rule file.
"""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ehub.core.fx import RateTable
from ehub.customs.contract import parse_request, result_to_json
from ehub.customs.domain import LandedCostInputError, landed_cost
from ehub.customs.rulebook import RULES_DIR, RuleFileError, load_rulebook
from ehub.customs.tests.support import STORED, line, quote, request

# --- US: specific (honey) and compound (knives) ----------------------------------------------


def _us(hs_code: str, price: str, origin: str = "NZ", **kw: Any) -> dict[str, Any]:
    # 2026-08-01: after the Section 122 surcharge ended, so only the HTSUS duty is charged
    payload = request(
        "US", date="2026-08-01", lines=[line(hs_code, price, origin=origin, **kw)], ship_from=origin
    )
    return quote(payload)


def test_us_honey_per_kg_needs_the_net_weight():
    # Manuka honey 500 g jar (0.42 kg net): 1.9 cents/kg x 0.42 = USD 0.00798 -> 0.01
    result = _us("040900", "39.90", net_weight_kg="0.42")
    assert result["duties"] == [
        {
            "line": 0,
            "hs_code": "040900",
            "rate": "0",
            "base": "39.90",
            "amount": "0.01",
            "rule": "US/duty/HTSUS-general",
            "specific": {
                "amount_per_unit": "0.019",
                "unit": "kg",
                "quantity": "0.42",
                "currency": "USD",
                "combine": "sum",
                "applied": True,
            },
        }
    ]
    assert result["complete"] is True
    assert (
        "Line 0 (040900): MFN duty USD 0.019 per kg (net) × 0.42 kg = USD 0.01."
        in (result["explanation"])
    )
    # a bulk 10 kg line: USD 0.19
    assert _us("040900", "300.00", net_weight_kg="10")["duty_total"] == "0.19"


def test_us_honey_without_weight_is_unknown_never_zero():
    result = _us("040900", "39.90")
    assert result["duties"] == [
        {
            "line": 0,
            "hs_code": "040900",
            "rate": None,
            "base": "39.90",
            "amount": None,
            "rule": None,
        }
    ]
    assert result["complete"] is False
    assert result["unknown_rates"] == [
        {
            "line": 0,
            "hs_code": "040900",
            "kind": "duty",
            "reason": "US duty on HS 040900 includes USD 0.019 per kg (net): needs net_weight_kg",
        }
    ]
    # a gross weight does not stand in for the net weight
    assert _us("040900", "39.90", gross_weight_kg="0.76")["complete"] is False


def test_us_kitchen_knife_compound_counts_the_line_quantity():
    # 2 gyuto knives at USD 200: 6.1% of 400.00 = 24.40 + 0.4 cents x 2 = 24.408 -> 24.41
    result = _us("821192", "200.00", origin="JP", quantity=2)
    (duty,) = result["duties"]
    assert (duty["rate"], duty["amount"]) == ("0.061", "24.41")
    assert duty["specific"]["quantity"] == "2"
    assert duty["specific"]["unit"] == "piece"
    assert result["complete"] is True


def test_us_steak_knife_set_counts_its_pieces():
    # a set of 4 table knives (one line, quantity 1) at USD 150: 4.9% + 0.3 cents x 4
    # = 7.35 + 0.012 = 7.362 -> 7.36; counted as one piece it would be 7.353 -> 7.35
    set_of_4 = _us(
        "821191", "150.00", origin="JP", supplementary_quantity="4", supplementary_unit="pieces"
    )
    assert set_of_4["duties"][0]["amount"] == "7.36"
    assert set_of_4["duties"][0]["specific"]["quantity"] == "4"
    assert _us("821191", "150.00", origin="JP")["duties"][0]["amount"] == "7.35"


def test_line_override_replaces_the_whole_specific_rate():
    result = _us("040900", "100.00", duty_rate="0.02")
    assert result["duties"][0]["rate"] == "0.02"
    assert result["duties"][0]["amount"] == "2.00"
    assert "specific" not in result["duties"][0]


def test_usmca_origin_is_unaffected():
    # Canadian honey: no USMCA entry for 040900 -> the MFN compound applies, by weight
    result = _us("040900", "50.00", origin="CA", net_weight_kg="1")
    assert result["duties"][0]["amount"] == "0.02"


# --- JP: "3.7% or 2.9% + 1.01 yen/m2, whichever is the greater" -------------------------------
# Japan's WTO rate of the batik line 5208.52-091. ehub holds 520852 as unknown (its lines split
# by fibre content and dyeing, JP.toml), so these tests quote a copy of the real JP.toml with the
# batik line's rate in the 2025 table: Japan's valuation, rounding and tax apply as in real quotes.

BATIK_WTO = (
    '"520852" = { ad_valorem = "0.029", specific = "1.01", unit = "m2", currency = "JPY", '
    'combine = "max", alternative = "0.037" }'
)


@pytest.fixture(scope="module")
def jp_batik_book(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("jp_rules")
    text = (RULES_DIR / "JP.toml").read_text()
    assert text.count('"520852" = "unknown"') == 2
    (folder / "JP.toml").write_text(text.replace('"520852" = "unknown"', BATIK_WTO))
    return load_rulebook(folder)


def _jp_batik(book, price: str, **kw: Any) -> dict[str, Any]:
    payload = request("JP", lines=[line("520852", price, origin="CN", **kw)])
    parsed = parse_request(payload)
    return result_to_json(landed_cost(parsed, rulebook=book, fx=STORED))


def test_jp_cotton_fabric_ad_valorem_alternative_wins_for_dear_cloth(jp_batik_book):
    # JPY 20,000 batik, 2.3 m2; customs value 60% = 12,000 (personal use)
    # 3.7% = 444 against 2.9% = 348 + 1.01 x 2.3 = 2.323 -> 350.323: 444 is the greater,
    # rounded down to JPY 100 (Japan's rounding, JP.toml)
    result = _jp_batik(
        jp_batik_book, "20000", supplementary_quantity="2.3", supplementary_unit="m2"
    )
    (duty,) = result["duties"]
    assert (duty["rate"], duty["base"], duty["amount"]) == ("0.037", "12000", "400")
    assert duty["specific"] == {
        "amount_per_unit": "1.01",
        "unit": "m2",
        "quantity": "2.3",
        "currency": "JPY",
        "combine": "max",
        "applied": False,
    }
    assert result["complete"] is True
    # consumption tax 10% on 12,000 + 444 = 12,444, rounded down to 12,000
    assert result["tax_total"] == "1200"


def test_jp_cotton_fabric_compound_wins_for_cheap_cloth(jp_batik_book):
    # JPY 20,000, 500 m2 (a bolt): 2.9% of 12,000 = 348 + 1.01 x 500 = 505 -> 853 > 444,
    # rounded down to JPY 100
    result = _jp_batik(
        jp_batik_book, "20000", supplementary_quantity="500", supplementary_unit="m2"
    )
    (duty,) = result["duties"]
    assert (duty["rate"], duty["amount"]) == ("0.029", "800")
    assert duty["specific"]["applied"] is True
    assert any("the greater of 3.7% of JPY 12000" in text for text in result["explanation"])


@pytest.mark.parametrize(
    "extra", [{}, {"supplementary_quantity": "3", "supplementary_unit": "pieces"}]
)
def test_jp_cotton_fabric_without_area_is_unknown(jp_batik_book, extra):
    result = _jp_batik(jp_batik_book, "20000", **extra)
    assert result["complete"] is False
    (unknown,) = result["unknown_rates"]
    assert unknown["reason"].endswith("needs supplementary_quantity in m2")
    assert result["duties"][0]["amount"] is None


def test_jp_real_table_holds_batik_as_unknown():
    # the real 5208.52 lines split (JP.toml): a quote names the missing rate
    result = quote(request("JP", lines=[line("520852", "20000", origin="CN")]))
    assert result["complete"] is False
    assert result["unknown_rates"][0]["reason"] == "no JP duty rate known for HS 520852"


# --- contract validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        ({"net_weight_kg": "-0.1"}, "negative_amount", "lines[0].net_weight_kg"),
        ({"gross_weight_kg": "-1"}, "negative_amount", "lines[0].gross_weight_kg"),
        ({"net_weight_kg": "0.4kg"}, "invalid_request", "lines[0].net_weight_kg"),
        ({"net_weight_kg": 0.4}, "invalid_request", "lines[0].net_weight_kg"),
        ({"gross_weight_kg": "1e3"}, "invalid_request", "lines[0].gross_weight_kg"),
        (
            {"net_weight_kg": "2", "gross_weight_kg": "1"},
            "invalid_request",
            "lines[0].gross_weight_kg",
        ),
        (
            {"supplementary_quantity": "-2", "supplementary_unit": "m2"},
            "negative_amount",
            "lines[0].supplementary_quantity",
        ),
        ({"supplementary_quantity": "2"}, "invalid_request", "lines[0].supplementary_unit"),
        ({"supplementary_unit": "m2"}, "invalid_request", "lines[0].supplementary_quantity"),
        (
            {"supplementary_quantity": "2", "supplementary_unit": "dozen"},
            "invalid_request",
            "lines[0].supplementary_unit",
        ),
    ],
)
def test_bad_quantities_are_refused_with_the_field(extra, code, field):
    with pytest.raises(LandedCostInputError) as caught:
        quote(request("US", lines=[line("040900", "10.00", **extra)]))
    assert caught.value.code == code
    assert caught.value.detail["field"] == field


def test_new_fields_are_optional_and_null_is_accepted():
    payload = request(
        "US",
        lines=[
            line(
                "620610",
                "200.00",
                net_weight_kg=None,
                gross_weight_kg=None,
                supplementary_quantity=None,
                supplementary_unit=None,
            )
        ],
    )
    assert quote(payload) == quote(request("US", lines=[line("620610", "200.00")]))


# --- engine mechanics on a synthetic rule file ----------------------------------------------------

SYNTHETIC = """
country = "LI"
name = "Testland"
currency = "CHF"

[rounding]
mode = "half_up"
per = "line"

[tables.mfn]
id = "LI/duty/test"

[[tables.mfn.versions]]
effective_from = 2024-01-01
source = "https://example.org/tariff"

[tables.mfn.versions.rates]
"040900" = { specific = "26.00", per = "100", unit = "kg_gross", currency = "CHF" }
"200799" = { ad_valorem = "0.24", specific = "4.20", per = "100", unit = "kg", currency = "EUR" }

[tables.mfn.versions.rates.081340]
ad_valorem = "0.10"
specific = "0.50"
unit = "kg"
currency = "CHF"
combine = "max"

[tables.mfn.versions.rates.081040]
ad_valorem = "0.10"
specific = "0.50"
unit = "kg"
currency = "CHF"
combine = "min"

[tables.mfn.versions.rates.210112]
ad_valorem = "0.09"
specific = "0.10"
unit = "kg"
currency = "CHF"
min = "0.20"
max = "0.30"

[[regimes]]
id = "LI/regime/import"
name = "Testland import"
channels = ["default"]
effective_from = "2024-01-01"
source = "https://example.org/regime"
collected = "at_border"
valuation = "fob"
duty = { kind = "mfn" }
"""


@pytest.fixture(scope="module")
def synthetic_book(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("rules")
    (folder / "LI.toml").write_text(SYNTHETIC)
    return load_rulebook(folder)


def _li(book, hs_code: str, price: str, **kw: Any) -> dict[str, Any]:
    payload = {
        "date": "2026-03-01",
        "destination": "LI",
        "currency": "CHF",
        "fx": {"EUR/CHF": "0.95"},
        "lines": [line(hs_code, price, origin="US", **kw)],
    }
    parsed = parse_request(payload)
    fx = RateTable.from_pairs(parsed.fx, "from the request").merged_over(STORED)
    result = landed_cost(parsed, rulebook=book, fx=fx)
    return result_to_json(result)


def test_chf_per_100_kg_gross(synthetic_book):
    # CHF 26.00 per 100 kg gross x 0.76 kg = 0.1976 -> 0.20
    result = _li(synthetic_book, "040900", "40.00", gross_weight_kg="0.76", net_weight_kg="0.5")
    assert result["duties"][0]["amount"] == "0.20"
    assert result["duties"][0]["specific"]["amount_per_unit"] == "0.26"
    assert result["duties"][0]["specific"]["unit"] == "kg_gross"
    missing = _li(synthetic_book, "040900", "40.00", net_weight_kg="0.5")
    assert missing["unknown_rates"][0]["reason"].endswith("needs gross_weight_kg")


def test_compound_in_another_currency_is_converted(synthetic_book):
    # 24% of 100.00 = 24.00 + EUR 0.042/kg x 0.95 x 0.45 kg = 0.017955 -> 24.02
    result = _li(synthetic_book, "200799", "100.00", net_weight_kg="0.45")
    duty = result["duties"][0]
    assert (duty["rate"], duty["amount"]) == ("0.24", "24.02")
    assert duty["specific"]["currency"] == "EUR"
    assert any("EUR converted at 0.95 CHF" in text for text in result["explanation"])


@pytest.mark.parametrize(
    ("hs_code", "kg", "rate", "amount", "applied"),
    [
        ("081340", "3", "0", "1.50", True),  # max(10% of 10 = 1.00, 0.50 x 3 = 1.50)
        ("081340", "1", "0.1", "1.00", False),  # max(1.00, 0.50)
        ("081040", "3", "0.1", "1.00", False),  # min(1.00, 1.50)
        ("081040", "1", "0", "0.50", True),  # min(1.00, 0.50)
    ],
)
def test_alternatives_without_an_alternative_rate(
    synthetic_book, hs_code, kg, rate, amount, applied
):
    duty = _li(synthetic_book, hs_code, "10.00", net_weight_kg=kg)["duties"][0]
    assert (duty["rate"], duty["amount"], duty["specific"]["applied"]) == (rate, amount, applied)


@pytest.mark.parametrize(
    ("price", "amount"), [("1.00", "0.20"), ("2.00", "0.28"), ("10.00", "0.30")]
)
def test_minimum_and_maximum_per_unit(synthetic_book, price, amount):
    # 9% + CHF 0.10/kg on 1 kg, not below CHF 0.20/kg nor above CHF 0.30/kg
    assert _li(synthetic_book, "210112", price, net_weight_kg="1")["duty_total"] == amount


def test_zero_weight_gives_zero_specific_part(synthetic_book):
    assert _li(synthetic_book, "040900", "40.00", gross_weight_kg="0")["duty_total"] == "0.00"


# --- rule-file validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "key", "reason"),
    [
        ('{ specific = "0.1", unit = "litre", currency = "GBP" }', ".unit", "must be one of"),
        ('{ specific = "0.1", unit = "kg", currency = "ZZZ" }', ".currency", "ZZZ"),
        ('{ specific = 0.1, unit = "kg", currency = "GBP" }', ".specific", "not a float"),
        ('{ specific = "-1", unit = "kg", currency = "GBP" }', ".specific", "at least 0"),
        ('{ specific = "0.1", unit = "kg" }', ".currency", "is required"),
        ('{ specific = "0.1", unit = "kg", currency = "GBP", per_kg = "1" }', ".per_kg", "unknown"),
        ('{ specific = "0.1", unit = "kg", currency = "GBP", per = "0" }', ".per", "positive"),
        (
            '{ specific = "0.1", unit = "kg", currency = "GBP", alternative = "0.05" }',
            ".alternative",
            "needs combine",
        ),
        (
            '{ specific = "0.1", unit = "kg", currency = "GBP", combine = "max" }',
            ".combine",
            "two alternatives",
        ),
        (
            '{ specific = "0.1", unit = "kg", currency = "GBP", combine = "avg" }',
            ".combine",
            "must be one of",
        ),
        (
            '{ specific = "0.1", unit = "kg", currency = "GBP", min = "2", max = "1" }',
            ".min",
            "greater than max",
        ),
        (
            '{ ad_valorem = "16", specific = "0.1", unit = "kg", currency = "GBP" }',
            ".ad_valorem",
            "looks like a percentage",
        ),
    ],
)
def test_malformed_specific_rate_names_file_key_and_reason(tmp_path: Path, entry, key, reason):
    for name in ("EU.toml", "FI.toml", "GB.toml"):
        shutil.copy(RULES_DIR / name, tmp_path / name)
    path = tmp_path / "GB.toml"
    text = path.read_text()
    assert text.count('"040900" = "0.16"') == 1
    path.write_text(text.replace('"040900" = "0.16"', f'"040900" = {entry}'))
    with pytest.raises(RuleFileError) as caught:
        load_rulebook(tmp_path)
    error = caught.value
    assert error.file == "GB.toml"
    assert error.key == f"tables.mfn.versions[1].rates.040900{key}"
    assert reason in error.reason


def test_a_tax_table_cannot_hold_specific_rates(tmp_path: Path):
    text = SYNTHETIC.replace(
        'duty = { kind = "mfn" }',
        'duty = { kind = "mfn" }\ntaxes = [ { kind = "vat", table = "mfn" } ]',
    )
    (tmp_path / "LI.toml").write_text(text)
    with pytest.raises(RuleFileError) as caught:
        load_rulebook(tmp_path)
    assert caught.value.key == "regimes[LI/regime/import].taxes.table"
    assert "specific" in caught.value.reason


def test_real_files_specific_rates_are_sourced_and_dated():
    book = load_rulebook()
    us = book.for_destination("US", dt.date(2026, 3, 1)).tables["mfn"]
    assert set(us.specific) == {"040900", "821191", "821192"}
    assert us.specific["040900"].amount == Decimal("0.019")
    for table in (us,):
        for prefix in table.specific:
            assert table.sources[prefix].startswith("https://")
    # before 2026 the US table holds only 620610 (ad valorem)
    assert not book.for_destination("US", dt.date(2025, 12, 31)).tables["mfn"].specific
