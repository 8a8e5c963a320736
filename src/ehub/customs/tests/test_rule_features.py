"""Rule-file features for surcharges and fees, on a synthetic destination (Liechtenstein's code,
Testland's rules): extra duties from an HS table, limited to HS prefixes, or topping the line's
duty up to a rate ("15% all-in"); fees on some channels only, fees whose amount is not known on
the date, and taxes whose base includes the regime's fees. Every figure is worked by hand in the
comment above its assertion."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ehub.core.fx import RateTable
from ehub.customs.contract import parse_request, result_to_json
from ehub.customs.domain import landed_cost
from ehub.customs.rulebook import RuleFileError, load_rulebook
from ehub.customs.tests.support import STORED, line

TESTLAND = """
country = "LI"
name = "Testland"
currency = "CHF"

[rounding]
mode = "half_up"
per = "line"

[params.vat]
id = "LI/vat/standard"
kind = "vat"
versions = [ { value = "0.10", effective_from = "2024-01-01", source = "https://example.org/vat" } ]

[params.all_in]
id = "LI/surcharge/all-in-15"
versions = [ { value = "0.15", effective_from = "2024-01-01", source = "https://example.org/all-in" } ]

[params.processing]
id = "LI/fee/processing"
currency = "CHF"
versions = [
  { value = "5.00", effective_from = "2024-01-01", effective_to = "2026-09-30", source = "https://example.org/fee" },
  { value = "unknown", effective_from = "2026-10-01", source = "https://example.org/fee-notice" },
]

[params.stamp]
id = "LI/fee/stamp"
currency = "CHF"
versions = [ { value = "3.00", effective_from = "2024-01-01", source = "https://example.org/stamp" } ]

[tables.mfn]
id = "LI/duty/MFN"
versions = [
  { effective_from = "2024-01-01", source = "https://example.org/mfn", rates = { "620610" = "0.05", "620630" = "0.20", "090121" = "0", "821192" = "unknown", "040900" = { specific = "0.50", unit = "kg", currency = "CHF" } } },
]

[tables.retaliation]
id = "LI/surcharge/retaliation"
versions = [
  { effective_from = "2024-01-01", source = "https://example.org/lists", rates = { "62" = "0.25", "620630" = "0.075", "0901" = "unknown" } },
]

[tables.fta]
id = "LI/duty/FTA-KR"
versions = [
  { effective_from = "2024-01-01", source = "https://example.org/fta", rates = { "620610" = "0", "620630" = "unknown" } },
]

[[preferences]]
id = "LI-KR FTA"
table = "fta"
origin_in = ["KR"]
effective_from = "2024-01-01"
source = "https://example.org/fta-text"

[[regimes]]
id = "LI/regime/import"
name = "Testland import"
channels = ["default", "postal"]
effective_from = "2024-01-01"
source = "https://example.org/regime"
collected = "at_border"
valuation = "fob"
duty = { kind = "mfn" }
extra_duties = [
  { table = "retaliation", label = "Retaliatory duty", origin_in = ["CN"] },
  { param = "all_in", label = "All-in top-up", origin_in = ["JP"], top_up = true, hs_not_in = ["0901"] },
]
taxes = [ { kind = "vat", rate = "vat", base = ["customs_value", "duty", "fees"] } ]
fees = [
  { name = "Processing fee", amount = "processing", channels = ["default"] },
  { name = "Stamp", amount = "stamp", only_if_charges = true },
]
"""  # noqa: E501 (rule-file lines)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("rules")
    (folder / "LI.toml").write_text(TESTLAND)
    return load_rulebook(folder)


def _quote(book, *lines: dict[str, Any], date: str = "2026-03-01", **kw: Any) -> dict[str, Any]:
    payload = {"date": date, "destination": "LI", "currency": "CHF", "lines": list(lines), **kw}
    parsed = parse_request(payload)
    fx = RateTable.from_pairs(parsed.fx, "from the request").merged_over(STORED)
    result = landed_cost(parsed, rulebook=book, fx=fx)
    response = result_to_json(result)
    # the response does not say which duty lines are surcharges; the result does
    response["surcharges"] = [
        (
            d.line,
            None if d.rate is None else str(d.rate),
            None if d.amount is None else str(d.amount),
        )
        for d in result.duties
        if d.kind == "surcharge"
    ]
    return response


def _surcharges(result: dict[str, Any]) -> list[tuple[int, str | None, str | None]]:
    return result["surcharges"]


# -- preferences ---------------------------------------------------------------------------------


def test_preference_listed_rate_replaces_mfn(book):
    # Korean silk blouse: the FTA table lists 620610 at 0 (MFN 5%)
    result = _quote(book, line("620610", "100.00", origin="KR"))
    assert [(d["rate"], d["amount"], d["rule"]) for d in result["duties"]] == [
        ("0", "0.00", "LI/duty/FTA-KR")
    ]
    assert result["complete"] is True


def test_preference_listed_unknown_is_an_unknown_duty_not_mfn(book):
    # 620630 is covered by the FTA at a rate ehub does not hold: not MFN 20%, not 0
    result = _quote(book, line("620630", "100.00", origin="KR"))
    assert result["complete"] is False
    (unknown,) = [u for u in result["unknown_rates"] if u["kind"] == "duty"]
    assert unknown["line"] == 0
    assert "preferential rate (LI/duty/FTA-KR) is not held" in unknown["reason"]
    assert "LI/duty/FTA-KR" in {r["id"] for r in result["rules"]}


def test_product_left_out_of_a_preference_pays_mfn(book):
    # coffee is not in the FTA table: the MFN rate (free) applies, labelled as MFN
    result = _quote(book, line("090121", "100.00", origin="KR"))
    assert [(d["rate"], d["rule"]) for d in result["duties"]] == [("0", "LI/duty/MFN")]
    assert result["complete"] is True


# -- extra duty from an HS table ------------------------------------------------------------------


def test_table_surcharge_takes_the_longest_listed_prefix(book):
    # 620610 is listed by its chapter (62: 25%): 100.00 x 25% = 25.00; 620630 by its own
    # subheading (7.5%): 200.00 x 7.5% = 15.00
    result = _quote(book, line("620610", "100.00"), line("620630", "200.00"))
    assert _surcharges(result) == [(0, "0.25", "25.00"), (1, "0.075", "15.00")]
    rules = {r["id"] for r in result["rules"]}
    assert "LI/surcharge/retaliation" in rules


def test_table_surcharge_skips_unlisted_products_and_other_origins(book):
    # 340111 is not listed; a Japanese blouse is not of the listed origin
    assert _surcharges(_quote(book, line("340111", "100.00"))) == []
    japanese = _quote(book, line("620630", "100.00", origin="JP"))
    assert all(d["rule"] != "LI/surcharge/retaliation" for d in japanese["duties"])


def test_table_surcharge_listed_as_unknown_makes_the_quote_incomplete(book):
    result = _quote(book, line("090121", "100.00"))
    assert result["complete"] is False
    assert result["unknown_rates"] == [
        {
            "line": 0,
            "hs_code": "090121",
            "kind": "duty",
            "reason": "the Retaliatory duty rate for HS 090121 is not known to ehub",
        }
    ]
    # the MFN duty (0) is still there, and no surcharge amount is invented
    assert result["duty_total"] == "0.00"


# -- top-up to an all-in rate, and HS exemptions --------------------------------------------------


@pytest.mark.parametrize(
    ("hs_code", "rate", "amount"),
    [
        ("620610", "0.10", "10.00"),  # MFN 5%: 15% - 5% = 10% of 100.00
        ("620630", "0", "0.00"),  # MFN 20% is above 15%: nothing more
    ],
)
def test_top_up_charges_the_difference_to_the_all_in_rate(book, hs_code, rate, amount):
    result = _quote(book, line(hs_code, "100.00", origin="JP"))
    assert _surcharges(result) == [(0, rate, amount)]


def test_top_up_follows_a_duty_rate_override(book):
    # the line's duty is the override 12%: the top-up is 15% - 12% = 3% of 100.00 = 3.00
    result = _quote(book, line("620610", "100.00", origin="JP", duty_rate="0.12"))
    assert _surcharges(result) == [(0, "0.03", "3.00")]


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"hs_code": "821192"}, "which is not known to ehub or not ad valorem"),  # MFN unknown
        ({"hs_code": "040900", "net_weight_kg": "1"}, "not ad valorem"),  # a specific duty
    ],
)
def test_top_up_over_an_unknown_or_specific_duty_is_unknown(book, extra, reason):
    hs_code = extra.pop("hs_code")
    result = _quote(book, line(hs_code, "100.00", origin="JP", **extra))
    assert _surcharges(result)[-1] == (0, None, None)
    assert result["unknown_rates"][-1]["reason"].endswith(reason)
    assert result["complete"] is False


def test_hs_not_in_exempts_the_listed_products(book):
    # coffee (0901) is exempt from the top-up: MFN 0 and no surcharge line at all
    result = _quote(book, line("090121", "100.00", origin="JP"))
    assert _surcharges(result) == []
    assert result["complete"] is True


# -- fees: channels, unknown amounts, and taxes on the fees ---------------------------------------


def test_fee_in_the_tax_base_is_shared_over_the_lines_by_customs_value(book):
    # duty: 100.00 x 5% = 5.00 (620610, Japanese: top-up 10% = 10.00) and 300.00 x 0 (340111,
    # not in the MFN table: unknown). Fees before tax: processing 5.00 (default channel); the
    # stamp is charged only because duty is due: 3.00, not in the VAT base.
    # VAT base: customs value 400.00 + duty 15.00 + fees 5.00 = 420.00 -> VAT 10% = 42.00
    # (the processing fee is shared 1.25 / 3.75 by customs value 100 / 300)
    result = _quote(book, line("620610", "100.00", origin="JP"), line("340111", "300.00"))
    assert [(f["name"], f["amount"]) for f in result["fees"]] == [
        ("Processing fee", "5.00"),
        ("Stamp", "3.00"),
    ]
    assert [(t["base"], t["amount"]) for t in result["taxes"]] == [("420.00", "42.00")]
    assert result["fee_total"] == "8.00"
    assert result["import_charges_total"] == "65.00"  # 15.00 + 42.00 + 8.00


def test_fees_in_the_tax_base_keep_the_standard_rate_when_the_goods_do_not(book):
    # the line is zero-rated by its override: its own base 100.00 + duty 5.00 pays 0; the
    # processing fee 5.00 is still taxed at the standard 10% = 0.50 (a tax line of its own,
    # covering no goods line); the stamp (3.00, charged because duty is due) is not in the base
    result = _quote(book, line("620610", "100.00", origin="US", tax_rate="0"))
    assert [(t["rate"], t["base"], t["amount"], t["rule"]) for t in result["taxes"]] == [
        ("0", "105.00", "0.00", "request/tax_rate"),
        ("0.1", "5.00", "0.50", "LI/vat/standard"),
    ]
    assert result["complete"] is True


def test_fee_limited_to_a_channel(book):
    # postal: no processing fee; VAT 10% of 100.00 + 5.00 duty + 10.00 top-up = 11.50
    result = _quote(book, line("620610", "100.00", origin="JP"), channel="postal")
    assert [f["name"] for f in result["fees"]] == ["Stamp"]
    assert result["taxes"][0]["amount"] == "11.50"


def test_fee_whose_amount_is_not_known_is_reported_not_zero(book):
    # from 2026-10-01 the processing fee's amount is "unknown": no fee line, an unknown_rates
    # entry for the parcel (line null), and the VAT base leaves it out (100.00 + 5.00 + 10.00)
    result = _quote(book, line("620610", "100.00", origin="JP"), date="2026-10-01")
    assert [f["name"] for f in result["fees"]] == ["Stamp"]
    assert result["unknown_rates"] == [
        {
            "line": None,
            "hs_code": None,
            "kind": "fee",
            "reason": "the Processing fee on 2026-10-01 is not known to ehub",
        }
    ]
    assert result["complete"] is False
    assert "Fee: Processing fee unknown to ehub; not included." in result["explanation"]
    assert result["taxes"][0]["base"] == "115.00"
    # the day before, the fee is 5.00
    before = _quote(book, line("620610", "100.00", origin="JP"), date="2026-09-30")
    assert before["complete"] is True
    assert [f["amount"] for f in before["fees"]] == ["5.00", "3.00"]


# -- malformed files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "key", "reason"),
    [
        (
            '{ table = "retaliation", label',
            '{ table = "retaliation", param = "all_in", label',
            "regimes[0].extra_duties[0].param",
            "give exactly one of param, table or unknown",
        ),
        (
            '{ table = "retaliation", label = "Retaliatory duty", origin_in = ["CN"] }',
            '{ table = "retaliation", label = "Retaliatory duty", top_up = true }',
            "regimes[0].extra_duties[0].top_up",
            "needs a rate param on the customs value",
        ),
        (
            'hs_not_in = ["0901"]',
            'hs_not_in = ["090"]',
            "regimes[0].extra_duties[1].hs_not_in",
            "",
        ),
        (
            '{ table = "retaliation", label',
            '{ table = "mfn", label',
            "regimes[LI/regime/import].extra_duties.table",
            "has specific (per-unit) rates",
        ),
        (
            '{ table = "retaliation", label',
            '{ table = "nothing", label',
            "regimes[LI/regime/import].extra_duties.table",
            "refers to unknown table 'nothing'",
        ),
        (
            'channels = ["default"] }',
            'channels = ["courier"] }',
            "regimes[0].fees[0].channels",
            "lists channels the regime does not have",
        ),
        (
            '{ value = "unknown", effective_from = "2026-10-01"',
            '{ value = "unknowable", effective_from = "2026-10-01"',
            "params.processing.versions[1].value",
            "",
        ),
    ],
)
def test_malformed_features_name_file_key_and_reason(tmp_path: Path, old, new, key, reason):
    assert old in TESTLAND
    (tmp_path / "LI.toml").write_text(TESTLAND.replace(old, new, 1))
    with pytest.raises(RuleFileError) as caught:
        load_rulebook(tmp_path)
    assert caught.value.file == "LI.toml"
    assert caught.value.key == key
    assert reason in caught.value.reason
