"""United States: the merchandise processing fee (MPF) and the IEEPA reciprocal rates of Annex I.

Figures come from rules/US.toml (sources cited there; TRADE_RULES.md section 1.2) and every
expected amount below is worked out by hand:

- MPF, 19 CFR 24.23(b): an informal entry (goods valued at USD 2,500 or less) pays a flat fee,
  USD 2.62 in FY2025 (from 2024-10-01) and USD 2.69 in FY2026 (from 2025-10-01); a formal entry
  pays 0.3464% of the goods, at least USD 32.71 / 33.58 and at most USD 634.62 / 651.50. FY2027
  (from 2026-10-01) is not held: no fee, and a note says so.
- IEEPA reciprocal duty from 2025-08-07 (EO 14326 Annex I): Malaysia 19%, New Zealand 15%,
  Singapore, Australia and the United Kingdom 10%; from 2025-11-13 the product-dependent
  agricultural exemption makes it unknown for them; other origins (EU, Japan, ...) stay unknown.

Silk blouses (620610, MFN 6.9%) are the test line: its MFN rate is held for every date.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from ehub.customs.tests.support import line, quote, regime_id, request

BLOUSE = "620610"


def _us(date: str, price: str, origin: str = "JP", channel: str | None = None, **kw: Any):
    return quote(
        request("US", date=date, channel=channel, lines=[line(BLOUSE, price, origin=origin, **kw)])
    )


def _fees(result: dict[str, Any]) -> list[tuple[str, str]]:
    return [(fee["name"], fee["amount"]) for fee in result["fees"]]


INFORMAL = "Merchandise processing fee (informal entry)"
FORMAL = "Merchandise processing fee (formal entry)"


# --- MPF tiers at the informal entry limit (USD 2,500) and at the formal minimum and maximum ---


@pytest.mark.parametrize(
    ("price", "fees"),
    [
        ("2499.99", [(INFORMAL, "2.69")]),
        ("2500.00", [(INFORMAL, "2.69")]),  # "not exceeding $2,500": still informal
        ("2500.01", [(FORMAL, "33.58")]),  # 0.3464% = 8.66, below the minimum
        ("9690.00", [(FORMAL, "33.58")]),  # 0.3464% = 33.566..., minimum applies
        ("9700.00", [(FORMAL, "33.60")]),  # 0.3464% = 33.6008
        ("10000.00", [(FORMAL, "34.64")]),
        ("188000.00", [(FORMAL, "651.23")]),  # 0.3464% = 651.232
        ("188080.00", [(FORMAL, "651.50")]),  # 0.3464% = 651.509..., maximum applies
        ("200000.00", [(FORMAL, "651.50")]),  # 0.3464% = 692.80, capped
    ],
)
def test_mpf_fy2026_informal_flat_fee_and_formal_rate_within_minimum_and_maximum(price, fees):
    # 2026-09-01: no surcharge in force (Section 122 ended 2026-07-23), last month of FY2026
    result = _us("2026-09-01", price)
    assert regime_id(result) == "US/regime/entry"
    assert _fees(result) == fees
    assert result["fee_total"] == fees[0][1]
    assert result["collected"] == "at_border"
    duty = (Decimal(price) * Decimal("0.069")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert Decimal(result["import_charges_total"]) == duty + Decimal(fees[0][1])


def test_mpf_rules_cite_the_fee_amounts():
    informal = {r["id"] for r in _us("2026-09-01", "100.00")["rules"]}
    formal = {r["id"] for r in _us("2026-09-01", "3000.00")["rules"]}
    assert "US/fee/MPF-informal-automated" in informal
    assert "US/fee/MPF-ad-valorem" in formal


@pytest.mark.parametrize(
    ("date", "informal", "formal_minimum"),
    [
        ("2017-12-31", "2.00", "25.00"),  # FY2014 base, before the first FAST Act adjustment
        ("2018-01-01", "2.05", "25.67"),
        ("2024-09-30", "2.53", "31.67"),  # FY2024
        ("2024-10-01", "2.62", "32.71"),  # FY2025
        ("2025-09-30", "2.62", "32.71"),
        ("2025-10-01", "2.69", "33.58"),  # FY2026
        ("2026-09-30", "2.69", "33.58"),
    ],
)
def test_mpf_amounts_change_on_the_first_day_of_each_fiscal_year(date, informal, formal_minimum):
    # USD 900 (above the USD 800 de minimis) is an informal entry; USD 2,600 a formal one whose
    # 0.3464% (9.01) is below every year's minimum
    assert _fees(_us(date, "900.00")) == [(INFORMAL, informal)]
    assert _fees(_us(date, "2600.00")) == [(FORMAL, formal_minimum)]


def test_mpf_maximum_by_fiscal_year():
    assert _fees(_us("2025-09-30", "200000.00")) == [(FORMAL, "634.62")]
    assert _fees(_us("2025-10-01", "200000.00")) == [(FORMAL, "651.50")]


@pytest.mark.parametrize(
    ("price", "fee"),
    [("900.00", "informal entry"), ("2500.01", "formal entry")],
)
def test_fy2027_mpf_is_reported_unknown_not_charged(price, fee):
    # from 2026-10-01 the MPF amounts are "unknown": no fee line, and the quote is incomplete
    result = _us("2026-10-01", price)
    assert regime_id(result) == "US/regime/entry"
    assert result["fees"] == []
    assert result["fee_total"] == "0.00"
    assert result["unknown_rates"] == [
        {
            "line": None,
            "hs_code": None,
            "kind": "fee",
            "reason": f"the Merchandise processing fee ({fee}) on 2026-10-01 is not known to ehub",
        }
    ]
    assert result["complete"] is False
    # the day before, FY2026's amounts apply
    assert _us("2026-09-30", price)["complete"] is True


def test_fy2027_mail_entry_has_no_unknown_informal_fee():
    # the informal-entry MPF is a courier-channel fee: a mail entry up to USD 2,500 has none
    result = _us("2026-10-01", "900.00", channel="postal")
    assert result["fees"] == []
    assert result["complete"] is True
    assert result["duty_total"] == "62.10"  # 6.9% of 900


def test_mail_entry_pays_no_informal_mpf_but_a_formal_one_above_2500():
    # 2026-07-24: postal items go through an ordinary entry (US.toml); mail entries up to USD
    # 2,500 are prepared by CBP and pay its dutiable mail fee (not held), not the MPF
    informal = _us("2026-07-24", "2500.00", channel="postal")
    assert regime_id(informal) == "US/regime/entry"
    assert informal["fees"] == []
    assert any("dutiable mail fee" in line for line in informal["explanation"])
    formal = _us("2026-07-24", "2500.01", channel="postal")
    assert _fees(formal) == [(FORMAL, "33.58")]


def test_goods_under_de_minimis_pay_no_mpf():
    # 2025-08-28: Japanese goods up to USD 800 still entered under Section 321
    result = _us("2025-08-28", "800.00")
    assert regime_id(result) == "US/regime/de-minimis-except-CN-HK"
    assert result["fees"] == []


# --- IEEPA reciprocal duty of Annex I (EO 14326), 2025-08-07 to 2026-02-23 ---


@pytest.mark.parametrize(
    ("origin", "date", "rate", "amount", "rule"),
    [
        # USD 900 of blouses: MFN 6.9% = 62.10, plus the reciprocal duty
        ("MY", "2025-08-06", "0.1", "90.00", "US/surcharge/IEEPA-reciprocal-baseline"),
        ("MY", "2025-08-07", "0.19", "171.00", "US/surcharge/IEEPA-reciprocal-MY"),
        ("MY", "2025-11-12", "0.19", "171.00", "US/surcharge/IEEPA-reciprocal-MY"),
        ("NZ", "2025-08-06", "0.1", "90.00", "US/surcharge/IEEPA-reciprocal-baseline"),
        ("NZ", "2025-08-07", "0.15", "135.00", "US/surcharge/IEEPA-reciprocal-NZ"),
        ("NZ", "2025-11-12", "0.15", "135.00", "US/surcharge/IEEPA-reciprocal-NZ"),
        ("SG", "2025-08-07", "0.1", "90.00", "US/surcharge/IEEPA-reciprocal-10"),
        ("AU", "2025-08-07", "0.1", "90.00", "US/surcharge/IEEPA-reciprocal-10"),
        ("GB", "2025-08-07", "0.1", "90.00", "US/surcharge/IEEPA-reciprocal-10"),
        ("GB", "2025-11-12", "0.1", "90.00", "US/surcharge/IEEPA-reciprocal-10"),
    ],
)
def test_annex_i_rate_of_the_origin_on_an_entry(origin, date, rate, amount, rule):
    result = _us(date, "900.00", origin=origin)
    assert regime_id(result) == "US/regime/entry"
    surcharges = [(d["rate"], d["amount"], d["rule"]) for d in result["duties"][1:]]
    assert surcharges == [(rate, amount, rule)]
    assert result["duty_total"] == str(Decimal("62.10") + Decimal(amount))
    assert result["complete"] is True


@pytest.mark.parametrize("origin", ["MY", "NZ", "SG", "AU", "GB", "FR", "JP", "CN"])
def test_from_2025_11_13_jam_lines_split_by_the_exemption_are_unknown(origin):
    # 2007.99: only some national lines are exempt from 2025-11-13, so the reciprocal duty of
    # a jam is a stated unknown (the MFN rate, 2007.99 "unknown", is another)
    result = quote(
        request("US", date="2025-12-01", lines=[line("200799", "100.00", origin=origin)])
    )
    reasons = [u["reason"] for u in result["unknown_rates"]]
    assert any("some national lines of this subheading are exempt" in r for r in reasons)
    assert result["complete"] is False


@pytest.mark.parametrize("origin", ["KR", "IN"])
def test_annex_i_rates_not_held_stay_unknown(origin):
    # origins whose Annex I rate was not researched
    result = _us("2025-08-07", "900.00", origin=origin)
    assert result["complete"] is False
    assert result["duty_total"] == "62.10"
    assert any("Annex I" in u["reason"] for u in result["unknown_rates"])


@pytest.mark.parametrize("origin", ["MY", "NZ", "SG", "AU", "GB", "FR"])
def test_reciprocal_duties_end_with_ieepa_and_section_122_applies(origin):
    result = _us("2026-02-24", "900.00", origin=origin)
    assert [(d["rate"], d["amount"], d["rule"]) for d in result["duties"][1:]] == [
        ("0.1", "90.00", "US/surcharge/section-122")
    ]
    assert result["complete"] is True


@pytest.mark.parametrize(
    ("origin", "date", "amount"),
    [
        ("MY", "2025-08-29", "19.00"),
        ("NZ", "2025-11-12", "15.00"),
        ("SG", "2025-08-29", "10.00"),
        ("GB", "2025-11-12", "10.00"),
    ],
)
def test_postal_duty_is_the_annex_i_rate_of_the_origin(origin, date, amount):
    result = _us(date, "100.00", origin=origin, channel="postal")
    assert regime_id(result) == "US/regime/postal-ieepa"
    assert result["duty_total"] == amount
    assert result["fees"] == []
    assert result["complete"] is True


def test_postal_duty_after_2025_11_13_keeps_the_annex_i_rate_for_other_goods():
    # a Malaysian blouse is not an exempt agricultural product: 19% of 100.00
    result = _us("2025-11-13", "100.00", origin="MY", channel="postal")
    assert regime_id(result) == "US/regime/postal-ieepa"
    assert result["duty_total"] == "19.00"
    assert result["complete"] is True


def test_malaysian_coffee_after_the_agricultural_exemption_is_not_charged_19_percent():
    # roasted coffee from Malaysia, 2025-12-01: exempt from the reciprocal duty since
    # 2025-11-13; the only gap left is the MFN rate (the 2025 table holds only 620610)
    result = quote(request("US", date="2025-12-01", lines=[line("090121", "900.00", origin="MY")]))
    assert result["duty_total"] == "0.00"
    assert [u["reason"] for u in result["unknown_rates"]] == ["no US duty rate known for HS 090121"]
    assert not any(d["rule"] == "US/surcharge/IEEPA-reciprocal-MY" for d in result["duties"])


# --- Section 301, the EU/Japan 15% all-in rate, the 2025-11-13 agricultural exemption ---

S301 = "US/duty/Section-301-China"


def _us_line(date: str, hs: str, price: str, origin: str, channel: str | None = None, **kw: Any):
    return quote(
        request("US", date=date, channel=channel, lines=[line(hs, price, origin=origin, **kw)])
    )


def _surcharges(result: dict[str, Any]) -> list[tuple[Any, Any, Any]]:
    """The duty lines after the MFN line: (rate, amount, rule)."""
    return [(d["rate"], d["amount"], d["rule"]) for d in result["duties"][1:]]


# --- Section 301 ---


@pytest.mark.parametrize(
    ("date", "s301", "total"),
    [
        ("2019-08-31", None, "62.10"),  # List 4A not yet in force
        ("2019-09-01", "135.00", "197.10"),  # 15% of 900
        ("2020-02-13", "135.00", "197.10"),
        ("2020-02-14", "67.50", "129.60"),  # 7.5% of 900
        ("2026-09-01", "67.50", "129.60"),
        ("2026-10-01", "67.50", "129.60"),  # the FY2027 entry record
    ],
)
def test_list_4a_blouse_from_china(date, s301, total):
    result = _us_line(date, "620610", "900.00", "CN")
    assert regime_id(result) == "US/regime/entry"
    amounts = [d["amount"] for d in result["duties"] if d["rule"] == S301]
    assert amounts == ([s301] if s301 else [])
    assert result["duty_total"] == total


@pytest.mark.parametrize(
    ("date", "s301"),
    [
        ("2018-09-23", None),
        ("2018-09-24", "90.00"),  # List 3 10% of 900
        ("2019-05-09", "90.00"),
        ("2019-05-10", "225.00"),  # 25%
    ],
)
def test_list_3_handbag_from_china_by_date(date, s301):
    result = _us_line(date, "420221", "900.00", "CN")
    assert [d["amount"] for d in result["duties"] if d["rule"] == S301] == ([s301] if s301 else [])


def test_list_3_handbag_from_china_2026():
    result = _us_line("2026-09-01", "420221", "900.00", "CN")
    assert _surcharges(result) == [("0.25", "225.00", S301)]
    assert result["duty_total"] == "306.00"  # 9% MFN 81.00 + 225.00
    assert result["complete"] is True


def test_hong_kong_goods_pay_no_section_301():
    result = _us_line("2026-09-01", "420221", "900.00", "HK")
    assert _surcharges(result) == []
    assert result["duty_total"] == "81.00"


def test_sauce_uses_the_demo_national_line_2103_90_90():
    result = _us_line("2026-09-01", "210390", "900.00", "CN")
    assert _surcharges(result) == [("0.075", "67.50", S301)]
    assert result["duty_total"] == "125.10"  # 6.4% 57.60 + 67.50


@pytest.mark.parametrize("hs", ["691110", "691200", "200799", "200899"])
def test_section_301_unknown_where_national_lines_differ(hs):
    result = _us_line("2026-09-01", hs, "900.00", "CN", duty_rate="0")
    assert result["complete"] is False
    assert result["duty_total"] == "0.00"
    assert len(result["unknown_rates"]) == 1


def test_mail_entry_of_chinese_goods_pays_section_301():
    result = _us_line("2026-07-24", "620610", "900.00", "CN", channel="postal")
    assert regime_id(result) == "US/regime/entry"
    assert result["duty_total"] == "129.60"


# --- EU and Japan: 15% including the MFN duty ---


@pytest.mark.parametrize("origin", ["FR", "DE", "JP"])
@pytest.mark.parametrize("date", ["2025-08-07", "2025-11-12", "2026-02-23"])
def test_eu_and_japan_top_up_to_15_percent(origin, date):
    result = _us_line(date, "620610", "900.00", origin)
    # 15% - 6.9% = 8.1% of 900 = 72.90; with the MFN 62.10 the line pays 15% in all
    assert _surcharges(result) == [
        ("0.081", "72.90", "US/surcharge/IEEPA-reciprocal-EU-JP-15-all-in")
    ]
    assert result["duty_total"] == "135.00"
    assert result["complete"] is True


def test_eu_line_with_mfn_of_15_percent_or_more_pays_no_reciprocal_duty():
    result = _us_line("2025-08-07", "620610", "900.00", "DE", duty_rate="0.20")
    assert result["duty_total"] == "180.00"
    assert all(d["amount"] in ("180.00", "0.00") for d in result["duties"])
    assert result["complete"] is True


@pytest.mark.parametrize(("date", "total"), [("2025-08-06", "152.10"), ("2026-02-24", "152.10")])
def test_eu_before_and_after_annex_i(date, total):
    # 10% baseline before 2025-08-07; Section 122 10% from 2026-02-24
    assert _us_line(date, "620610", "900.00", "FR")["duty_total"] == total


# --- 2025-11-13: coffee and tea exempt from the reciprocal duties ---


@pytest.mark.parametrize(
    ("origin", "hs", "before", "after"),
    [
        ("MY", "090121", "171.00", "0.00"),  # 19%
        ("NZ", "090121", "135.00", "0.00"),  # 15%
        ("GB", "090230", "90.00", "0.00"),  # 10%
        ("SG", "090210", "90.00", "0.00"),
        ("FR", "090121", "135.00", "0.00"),  # 15% - 0
    ],
)
def test_coffee_and_tea_exempt_from_2025_11_13(origin, hs, before, after):
    assert _us_line("2025-11-12", hs, "900.00", origin, duty_rate="0")["duty_total"] == before
    exempt = _us_line("2025-11-13", hs, "900.00", origin, duty_rate="0")
    assert exempt["duty_total"] == after
    assert exempt["complete"] is True


@pytest.mark.parametrize(
    ("origin", "total"), [("MY", "233.10"), ("NZ", "197.10"), ("AU", "152.10")]
)
def test_non_agricultural_goods_keep_the_reciprocal_duty_after_2025_11_13(origin, total):
    result = _us_line("2025-11-13", "620610", "900.00", origin)
    assert result["duty_total"] == total  # 62.10 + 19% / 15% / 10% of 900
    assert result["complete"] is True


def test_postal_duty_exemption_for_coffee_from_2025_11_13():
    coffee = _us_line("2025-11-13", "090121", "100.00", "MY", channel="postal")
    assert regime_id(coffee) == "US/regime/postal-ieepa"
    assert coffee["duty_total"] == "0.00"
    assert coffee["complete"] is True
    batik = _us_line("2025-11-13", "620610", "100.00", "MY", channel="postal")
    assert batik["duty_total"] == "19.00"


# --- China from 2025-11-13: fentanyl 10% stays, reciprocal 10% exempt on coffee and tea ---


@pytest.mark.parametrize(
    ("date", "hs", "origin", "total"),
    [
        ("2025-11-12", "090230", "CN", "247.50"),  # 301 7.5% 67.50 + IEEPA 20% 180.00
        ("2025-11-13", "090230", "CN", "157.50"),  # 67.50 + fentanyl 90.00
        ("2025-11-13", "620610", "CN", "309.60"),  # 62.10 + 67.50 + 90.00 + 90.00
        ("2025-11-13", "620610", "HK", "242.10"),  # 62.10 + 90.00 + 90.00, no Section 301
        ("2026-02-23", "090230", "CN", "157.50"),
    ],
)
def test_china_fentanyl_and_reciprocal_parts_from_2025_11_13(date, hs, origin, total):
    kw = {"duty_rate": "0"} if hs == "090230" else {}
    result = _us_line(date, hs, "900.00", origin, **kw)
    assert result["duty_total"] == total
    assert result["complete"] is True
