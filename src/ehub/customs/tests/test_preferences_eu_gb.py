"""Preferential duty between the EU and the UK: the Trade and Cooperation Agreement (TCA).

EU.toml (shared by the 27 member-state files) gives goods of origin GB 0% duty from 2021-01-01;
GB.toml gives goods of EU-27 origin 0% from the same day. The rule covers all goods ("customs
duties on all goods originating in the other Party shall be prohibited"), so both tables list
every HS chapter at 0. The preference applies by the line's origin alone (no proof-of-origin
check). Each case compares an originating good with the same good from China, which pays MFN.

Amounts worked out by hand: customs value = goods + shipping (CIF, one line); duty = rate x
customs value; VAT = rate x (customs value + duty); each tax and duty line rounded half up to the
cent. FI VAT 25.5% from 2024-09-01 (food 13.5% from 2026-01-01), DE 19%, GB 20% (zero-rated
food). EU.toml's rules start on 2021-07-01 and GB.toml's on 2021-01-01, the TCA's own start:
there is no date before the agreement to test, so the tests check its first day and dates on
each side of the MFN tables' 2026-01-01 edition.

Not modelled (no schedule read, see docs/landed-cost.md section 5): the EU-Japan EPA, UK-Japan
CEPA and the other EU and UK agreements. The last tests pin that Japanese goods still pay MFN, so
adding those preferences means updating them.
"""

from __future__ import annotations

from typing import Any

import pytest

from ehub.customs.tests.support import line, quote, regime_id, request

EU_27 = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip


def _quote(destination: str, code: str, origin: str, *, date: str = "2026-03-01", **kw: Any) -> Any:
    """One line of 200.00 plus 35.00 shipping, in EUR (GBP for GB): above both thresholds."""
    payload = request(
        destination,
        date=date,
        currency="GBP" if destination == "GB" else "EUR",
        lines=[line(code, "200.00", origin=origin, **kw.pop("line", {}))],
        shipping="35.00",
        **kw,
    )
    return quote(payload)


def _duty(result: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    (duty,) = result["duties"]
    return duty["rate"], duty["amount"], duty["rule"]


def _taxes(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [(t["rule"], t["rate"], t["base"], t["amount"]) for t in result["taxes"]]


# --- EU side: British goods into the member states ---


def test_british_scarf_into_finland_pays_no_duty():
    result = _quote("FI", "621410", "GB")

    assert regime_id(result) == "EU/regime/standard-import"
    assert result["customs_value"] == "235.00"
    assert _duty(result) == ("0", "0.00", "EU/duty/TCA-GB")
    # 25.5% x 235.00 = 59.925 -> 59.93
    assert _taxes(result) == [("FI/vat/standard", "0.255", "235.00", "59.93")]
    assert result["import_charges_total"] == "59.93"
    assert result["landed_total"] == "294.93"
    assert result["complete"] is True
    assert (
        "Line 0 (621410): preferential (TCA) duty 0% of EUR 235.00 = EUR 0.00."
        in (result["explanation"])
    )
    assert {
        "id": "EU/duty/TCA-GB",
        "source": ("https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=OJ:L:2021:149:TOC"),
    } in result["rules"]


def test_chinese_scarf_into_finland_pays_mfn():
    result = _quote("FI", "621410", "CN")

    # 8% x 235.00 = 18.80; VAT 25.5% x 253.80 = 64.719 -> 64.72
    assert _duty(result) == ("0.08", "18.80", "EU/duty/MFN")
    assert _taxes(result) == [("FI/vat/standard", "0.255", "253.80", "64.72")]
    assert result["import_charges_total"] == "83.52"


def test_british_blouse_into_germany_pays_no_duty_a_chinese_one_12_percent():
    british = _quote("DE", "620610", "GB")
    chinese = _quote("DE", "620610", "CN")

    assert _duty(british) == ("0", "0.00", "EU/duty/TCA-GB")
    # 19% x 235.00 = 44.65
    assert _taxes(british) == [("DE/vat/standard", "0.19", "235.00", "44.65")]
    assert british["import_charges_total"] == "44.65"
    # 12% x 235.00 = 28.20; VAT 19% x 263.20 = 50.008 -> 50.01
    assert _duty(chinese) == ("0.12", "28.20", "EU/duty/MFN")
    assert _taxes(chinese) == [("DE/vat/standard", "0.19", "263.20", "50.01")]
    assert chinese["import_charges_total"] == "78.21"


def test_british_jam_is_complete_where_the_mfn_rate_is_unknown():
    # 2007.99: the EU's MFN lines split by fruit and sugar content ("unknown"); the TCA covers
    # all goods, so a British jam is 0 and the quote is complete. Food VAT 13.5% x 235.00 =
    # 31.725 -> 31.73.
    british = _quote("FI", "200799", "GB")
    chinese = _quote("FI", "200799", "CN")

    assert _duty(british) == ("0", "0.00", "EU/duty/TCA-GB")
    assert _taxes(british) == [("FI/vat/reduced", "0.135", "235.00", "31.73")]
    assert british["complete"] is True
    assert _duty(chinese) == (None, None, None)
    assert chinese["complete"] is False


def test_tca_applies_before_the_2026_mfn_edition():
    # Before 2026-01-01 EU.toml holds MFN only for 620610: a Chinese scarf's duty is unknown,
    # a British one is 0 (TCA since 2021-01-01). FI VAT 25.5% from 2024-09-01.
    british = _quote("FI", "621410", "GB", date="2025-12-31")
    chinese = _quote("FI", "621410", "CN", date="2025-12-31")

    assert _duty(british) == ("0", "0.00", "EU/duty/TCA-GB")
    assert _taxes(british) == [("FI/vat/standard", "0.255", "235.00", "59.93")]
    assert _duty(chinese) == (None, None, None)


def test_tca_on_the_first_day_of_eu_rules():
    # EU.toml starts on 2021-07-01 (IOSS package); FI VAT then 24%: 24% x 235.00 = 56.40.
    result = _quote("FI", "620610", "GB", date="2021-07-01")

    assert _duty(result) == ("0", "0.00", "EU/duty/TCA-GB")
    assert _taxes(result) == [("FI/vat/standard", "0.24", "235.00", "56.40")]


@pytest.mark.parametrize("destination", EU_27)
def test_every_member_state_takes_the_tca_from_the_shared_file(destination):
    # EUR 200 (converted at the test rates for the non-euro members) is above EUR 150.
    result = _quote(destination, "620610", "GB")
    (duty,) = result["duties"]

    assert regime_id(result) == "EU/regime/standard-import"
    assert (duty["rate"], duty["rule"]) == ("0", "EU/duty/TCA-GB")
    assert result["duty_total"] in {"0.00", "0"}


def test_origin_decides_not_the_country_of_shipment():
    # ehub applies a preference by origin: British goods shipped from China are still 0;
    # Chinese goods shipped from the UK pay MFN (12% x 235.00 = 28.20).
    british = _quote("FI", "620610", "GB", ship_from="CN")
    chinese = _quote("FI", "620610", "CN", ship_from="GB")

    assert _duty(british) == ("0", "0.00", "EU/duty/TCA-GB")
    assert _duty(chinese) == ("0.12", "28.20", "EU/duty/MFN")


def test_a_line_duty_rate_override_still_wins_over_the_tca():
    result = _quote("FI", "620610", "GB", line={"duty_rate": "0.12"})

    assert _duty(result) == ("0.12", "28.20", "request/duty_rate")


def test_ioss_parcels_pay_no_duty_whatever_the_origin():
    # Up to EUR 150 under IOSS (before 2026-07-01) there is no duty at all: VAT 25.5% x 100.00.
    result = quote(request("FI", lines=[line("620610", "100.00", origin="GB")]))

    assert regime_id(result) == "EU/regime/IOSS"
    assert result["duty_total"] == "0.00"
    assert _taxes(result) == [("FI/vat/standard", "0.255", "100.00", "25.50")]


# --- UK side: EU goods into Great Britain ---


@pytest.mark.parametrize("origin", ["FR", "DE"])
def test_french_or_german_blouse_into_the_uk_pays_no_duty(origin):
    result = _quote("GB", "620610", origin)

    assert regime_id(result) == "GB/regime/standard-import"
    assert _duty(result) == ("0", "0.00", "GB/duty/TCA-EU")
    # 20% x 235.00 = 47.00
    assert _taxes(result) == [("GB/vat/standard", "0.2", "235.00", "47.00")]
    assert result["landed_total"] == "282.00"
    assert {
        "id": "GB/duty/TCA-EU",
        "source": (
            "https://www.gov.uk/government/publications/ukeu-and-eaec-trade-and-cooperation-agreement-"
            "ts-no82021"
        ),
    } in result["rules"]


def test_chinese_blouse_into_the_uk_pays_the_ukgt_rate():
    result = _quote("GB", "620610", "CN")

    # 12% x 235.00 = 28.20; VAT 20% x 263.20 = 52.64
    assert _duty(result) == ("0.12", "28.20", "GB/duty/UKGT")
    assert _taxes(result) == [("GB/vat/standard", "0.2", "263.20", "52.64")]
    assert result["import_charges_total"] == "80.84"


def test_french_jam_into_the_uk_is_duty_free_and_zero_rated():
    # 2007.99: UKGT "unknown" (compound lines by fruit); TCA 0; jam is zero-rated food.
    french = _quote("GB", "200799", "FR")
    chinese = _quote("GB", "200799", "CN")

    assert _duty(french) == ("0", "0.00", "GB/duty/TCA-EU")
    assert _taxes(french) == [("GB/vat/zero-rated-food", "0", "235.00", "0.00")]
    assert french["import_charges_total"] == "0.00"
    assert french["complete"] is True
    assert _duty(chinese) == (None, None, None)


def test_german_knives_before_2026_tca_known_ukgt_not():
    # GB.toml's UKGT table is empty before 2026-01-01: Chinese knives' duty is unknown there,
    # German knives take the TCA's 0. From 2026-01-01 the Chinese ones pay 8% (x 235.00 = 18.80).
    german = _quote("GB", "821192", "DE", date="2025-12-31")
    chinese = _quote("GB", "821192", "CN", date="2025-12-31")
    chinese_2026 = _quote("GB", "821192", "CN", date="2026-01-01")

    assert _duty(german) == ("0", "0.00", "GB/duty/TCA-EU")
    assert _taxes(german) == [("GB/vat/standard", "0.2", "235.00", "47.00")]
    assert _duty(chinese) == (None, None, None)
    assert _duty(chinese_2026) == ("0.08", "18.80", "GB/duty/UKGT")


def test_tca_on_its_first_day_in_the_uk():
    # GB.toml starts on 2021-01-01, the TCA's provisional application.
    result = _quote("GB", "620610", "IT", date="2021-01-01")

    assert _duty(result) == ("0", "0.00", "GB/duty/TCA-EU")
    assert _taxes(result) == [("GB/vat/standard", "0.2", "235.00", "47.00")]


@pytest.mark.parametrize("origin", EU_27)
def test_every_member_state_origin_qualifies_in_the_uk(origin):
    assert _duty(_quote("GB", "621410", origin)) == ("0", "0.00", "GB/duty/TCA-EU")


def test_british_goods_into_the_uk_low_value_regime_pay_no_duty_anyway():
    # Up to GBP 135: VAT at sale, no duty, whatever the origin. 20% x 100.00 = 20.00.
    result = quote(request("GB", lines=[line("620610", "100.00", origin="FR")]))

    assert regime_id(result) == "GB/regime/low-value-at-sale"
    assert result["duty_total"] == "0.00"
    assert _taxes(result) == [("GB/vat/standard", "0.2", "100.00", "20.00")]


# --- Japanese goods: no EU-Japan EPA / UK-Japan CEPA rates held yet (MFN applies) ---


@pytest.mark.parametrize(("destination", "rule"), [("FI", "EU/duty/MFN"), ("GB", "GB/duty/UKGT")])
def test_japanese_blouse_still_pays_mfn(destination, rule):
    result = _quote(destination, "620610", "JP")

    # 12% x 235.00 = 28.20 in both (EUR, GBP)
    assert _duty(result) == ("0.12", "28.20", rule)
