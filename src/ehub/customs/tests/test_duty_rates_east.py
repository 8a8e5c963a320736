"""MFN and preferential duty rates of the demo catalog for CN, JP, KR, MY, SG, TH, ID, VN, PH,
IN, SA, NO, CH, BR and MX (issue 3, "Duty rates").

For each destination whose regime charges HS-based duty, a one-line parcel above the de minimis
is quoted for every demo subheading; the codes ehub cannot price are asserted exactly, so this
test fails (and must be updated) when someone adds a sourced rate. Sources are in the rule files.
"""

from __future__ import annotations

from typing import Any

import pytest

from ehub.customs.tests.support import line, quote, regime_id, request

DATE = "2026-03-01"

# HS 2022 subheadings used by src/ehub/demo/data/catalog.json, plus 620610 (the issue example).
DEMO_CODES = (
    "081040", "081340", "200899", "200799", "170220", "090121", "210112", "090210", "090230",
    "040900", "330499", "330590", "340111", "821192", "821191", "680430", "520852", "621410",
    "620630", "620520", "691200", "691110", "190531", "180690", "210390", "460219", "420221",
    "330410", "620610",
)  # fmt: skip

ALL = frozenset(DEMO_CODES)

# destination -> (unit price above the de minimis, request extras, regime that charges HS duty)
PARCELS: dict[str, tuple[str, dict[str, Any], str]] = {
    # CN: cross-border e-commerce, single item above CNY 5,000 -> full general-trade duty
    "CN": ("6000.00", {}, "CN/regime/cbec-single-item-above-order-limit"),
    "JP": ("100000", {}, "JP/regime/import"),
    "KR": ("300000", {}, "KR/regime/import"),
    "MY": ("1000.00", {}, "MY/regime/border"),
    "SG": ("1000.00", {}, "SG/regime/border"),
    "TH": ("5000.00", {}, "TH/regime/import"),
    "ID": ("30000000.00", {}, "ID/regime/import"),
    "VN": ("5000000", {}, "VN/regime/import"),
    "PH": ("20000.00", {}, "PH/regime/import"),
    "SA": ("5000.00", {}, "SA/regime/import"),
    "NO": ("5000.00", {"channel": "standard"}, "NO/regime/import"),
    "CH": ("1000.00", {}, "CH/regime/import"),
}

# Codes whose duty rate ehub does not know on 2026-03-01 (reasons in each rule file).
UNKNOWN: dict[str, frozenset[str]] = {
    "CN": frozenset(
        [
            "040900",
            "081040",
            "081340",
            "090121",
            "170220",
            "190531",
            "200899",
            "210112",
            "210390",
            "330410",
            "330590",
            "420221",
            "460219",
            "520852",
            "620520",
            "620610",
            "620630",
            "680430",
            "691110",
            "691200",
            "821191",
            "821192",
        ]
    ),
    "JP": frozenset(
        [
            "081340",
            "170220",
            "180690",
            "200799",
            "200899",
            "210112",
            "460219",
            "520852",
            "620610",
            "620630",
            "621410",
        ]
    ),
    "KR": frozenset(
        [
            "040900",
            "081040",
            "081340",
            "090121",
            "090210",
            "090230",
            "170220",
            "190531",
            "200799",
            "200899",
            "210112",
            "210390",
            "330410",
            "330499",
            "330590",
            "340111",
            "460219",
            "520852",
            "621410",
            "680430",
            "691110",
            "691200",
            "821191",
            "821192",
        ]
    ),
    "MY": ALL,
    "SG": frozenset(),
    "TH": ALL,
    "ID": ALL,
    # lines of these subheadings carry different rates by product (VN.toml lists them)
    "VN": frozenset(["180690", "200899", "210390", "330499"]),
    "PH": ALL,
    "SA": ALL,
    "NO": ALL,
    # agricultural duties (chapters 1-24) are specific (CHF per 100 kg gross): not expressible
    "CH": frozenset(
        [
            "040900",
            "081040",
            "081340",
            "090121",
            "090210",
            "090230",
            "170220",
            "180690",
            "190531",
            "200799",
            "200899",
            "210112",
            "210390",
        ]
    ),
}


def _quote(destination: str, hs_code: str, *, origin: str = "FR", price: str | None = None):
    default_price, extras, _ = PARCELS[destination]
    payload = request(
        destination,
        date=DATE,
        lines=[line(hs_code, price or default_price, origin=origin)],
        **extras,
    )
    return quote(payload)


def _unknown_duty(result: dict[str, Any]) -> bool:
    return any(u["kind"] == "duty" for u in result["unknown_rates"])


@pytest.mark.parametrize("destination", sorted(PARCELS))
def test_demo_catalog_duty_rates_known_or_listed(destination):
    expected_regime = PARCELS[destination][2]
    unknown = set()
    for code in DEMO_CODES:
        result = _quote(destination, code)
        assert regime_id(result) == expected_regime, code
        if _unknown_duty(result):
            unknown.add(code)
            assert result["complete"] is False
        else:
            assert result["complete"] is True, code
            (duty,) = [d for d in result["duties"] if d["line"] == 0]
            assert duty["rate"] is not None
            assert duty["amount"] is not None
    assert unknown == UNKNOWN[destination]


@pytest.mark.parametrize("destination", ["IN", "BR", "MX"])
def test_flat_regimes_do_not_need_hs_rates(destination):
    # IN courier personal imports (CTH 9804 flat BCD), BR Remessa Conforme / non-PRC (flat II)
    # and MX courier "tasa global" do not use HS duty rates: every demo code is complete.
    for code in DEMO_CODES:
        result = quote(request(destination, date=DATE, lines=[line(code, "100.00", origin="FR")]))
        assert not _unknown_duty(result), code


# --- CN: general-trade MFN for a single item above the CNY 5,000 order limit ---


def test_cn_single_item_cosmetics_pays_1_percent_duty():
    result = _quote("CN", "330499")
    assert [(d["rate"], d["amount"], d["rule"]) for d in result["duties"]] == [
        ("0.01", "60.00", "CN/duty/MFN")
    ]
    # VAT 13% on (6,000 + 60), no consumption tax below the high-end price test
    assert [(t["kind"], t["amount"]) for t in result["taxes"]] == [("vat", "787.80")]


@pytest.mark.parametrize(
    ("code", "duty"), [("090230", "900.00"), ("180690", "480.00"), ("340111", "390.00")]
)
def test_cn_single_item_mfn_figures(code, duty):
    assert _quote("CN", code)["duty_total"] == duty


def test_cn_single_item_silk_scarf_pays_6_percent_duty():
    # 6214.1000 (both statistical lines 6%); VAT 13% of (6,000 + 360)
    result = _quote("CN", "621410", origin="MY")
    assert [(d["rate"], d["amount"], d["rule"]) for d in result["duties"]] == [
        ("0.06", "360.00", "CN/duty/MFN")
    ]
    assert [(t["kind"], t["amount"]) for t in result["taxes"]] == [("vat", "826.80")]
    assert result["complete"] is True


def test_cn_within_limits_still_has_no_duty():
    result = _quote("CN", "330499", price="4000.00")
    assert regime_id(result) == "CN/regime/cbec-within-limits"
    assert result["duty_total"] == "0.00"


def test_cn_mfn_table_starts_2024():
    result = quote(request("CN", date="2023-12-31", lines=[line("330499", "6000.00")]))
    assert result["complete"] is False


# --- JP: WTO rates on 60% of the retail price, EPA rates by origin ---
# Japan's rounding (JP.toml, Customs Answer 1111): each base down to JPY 1,000, each tax total
# down to JPY 100; consumption tax 10% of (customs value + duty) so rounded, 8% (reduced rate)
# on food.


@pytest.mark.parametrize(
    ("code", "duty", "tax"),
    [
        ("090210", "10200", "5600"),  # green tea 17% of 60,000; 8% of 70,200 -> 70,000
        ("090121", "7200", "5300"),  # roasted coffee 12%; 8% of 67,200 -> 67,000 = 5,360
        ("090230", "10200", "5600"),  # oolong 17%; 8% of 70,000
        ("040900", "15300", "6000"),  # honey 25.5%; 8% of 75,300 -> 75,000
        ("420221", "6000", "6600"),  # leather handbag 10%
        ("330499", "0", "6000"),  # skin care: WTO free
        ("210390", "4300", "5100"),  # sauces 7.2% = 4,320 -> 4,300; 8% of 64,320 -> 64,000 = 5,120
    ],
)
def test_jp_mfn_figures(code, duty, tax):
    result = _quote("JP", code, origin="CN")
    assert result["duty_total"] == duty
    assert result["tax_total"] == tax


@pytest.mark.parametrize(("origin", "duty"), [("MY", "0"), ("SG", "0"), ("TH", "10200")])
def test_jp_green_tea_epa_only_for_qualifying_origin(origin, duty):
    result = _quote("JP", "090210", origin=origin)
    assert result["duty_total"] == duty
    rule = result["duties"][0]["rule"]
    expected = {"MY": "JP/duty/JMEPA", "SG": "JP/duty/JSEPA"}.get(origin, "JP/duty/MFN")
    assert rule == expected


def test_jp_preference_falls_back_to_mfn_for_codes_outside_the_epa_table():
    assert _quote("JP", "420221", origin="MY")["duties"][0]["rule"] == "JP/duty/MFN"


@pytest.mark.parametrize(
    ("code", "rate", "duty", "tax"),
    [
        # 6804.30-000 whetstones WTO 2.6% of 60,000 = 1,560 -> 1,500; 10% of 61,560 -> 61,000
        ("680430", "0.026", "1500", "6100"),
        # 6911.10-000 porcelain tableware WTO 2.3% = 1,380 -> 1,300; 10% of 61,380 -> 61,000
        ("691110", "0.023", "1300", "6100"),
        # 8211.92-000 kitchen knives WTO 3.7% = 2,220 -> 2,200; 10% of 62,220 -> 62,000
        ("821192", "0.037", "2200", "6200"),
        # 3304.10-000 lip make-up WTO free
        ("330410", "0", "0", "6000"),
        # 6205.20-000 men's cotton shirts WTO 7.4% = 4,440 -> 4,400; 10% of 64,440 -> 64,000
        ("620520", "0.074", "4400", "6400"),
        # 1905.31-000 sweet biscuits WTO 20.4% = 12,240 -> 12,200; 8% (food) of 72,240 -> 72,000
        # = 5,760 -> 5,700
        ("190531", "0.204", "12200", "5700"),
        # 0810.40-000 cranberries, blueberries WTO 6% = 3,600; 8% of 63,600 -> 63,000 = 5,040
        ("081040", "0.06", "3600", "5000"),
    ],
)
def test_jp_wto_rates_from_the_2025_tariff_schedule(code, rate, duty, tax):
    result = _quote("JP", code, origin="CN")
    (line_duty,) = result["duties"]
    assert (line_duty["rate"], line_duty["rule"]) == (rate, "JP/duty/MFN")
    assert result["duty_total"] == duty
    assert result["tax_total"] == tax
    # asserted from the 2025-04-01 schedule only: unknown the day before
    before = quote(request("JP", date="2025-03-31", lines=[line(code, "100000", origin="CN")]))
    assert before["complete"] is False


@pytest.mark.parametrize("origin", ["MY", "SG"])
@pytest.mark.parametrize("code", ["821192", "520852", "620630", "621410", "460219"])
def test_jp_epa_free_from_2025_even_where_the_mfn_lines_split(origin, code):
    # every statistical line of these subheadings is Free in the Malaysia and Singapore EPA
    # columns, so the preference is known even where the MFN rate is not (batik, blouses)
    result = _quote("JP", code, origin=origin)
    expected = {"MY": "JP/duty/JMEPA", "SG": "JP/duty/JSEPA"}[origin]
    assert (result["duties"][0]["rule"], result["duty_total"]) == (expected, "0")
    assert result["complete"] is True


def test_jp_malaysian_coffee_has_no_epa_rate_and_pays_mfn():
    result = _quote("JP", "090121", origin="MY")
    assert (result["duties"][0]["rule"], result["duty_total"]) == ("JP/duty/MFN", "7200")


def test_jp_honey_rate_before_2024_04_01_unchanged():
    result = quote(request("JP", date="2024-03-31", lines=[line("040900", "100000")]))
    assert result["duty_total"] == "15300"


# US–Japan Trade Agreement (JP.toml [tables.usjta]): US-origin goods on the lines Japan freed.
# Customs value 60% of 100,000 = 60,000; duty 0; food consumption tax 8% of 60,000 = 4,800.


@pytest.mark.parametrize(
    "code",
    ["040900", "081040", "081340", "090121", "090210", "090230", "200799", "210390"],
)
def test_jp_us_origin_free_under_the_us_japan_trade_agreement(code):
    result = _quote("JP", code, origin="US")
    assert [(d["rate"], d["rule"]) for d in result["duties"]] == [("0", "JP/duty/USJTA")]
    assert result["duty_total"] == "0"
    assert result["tax_total"] == "4800"
    assert result["complete"] is True


def test_jp_us_japan_trade_agreement_dates_and_scope():
    def us(code: str, date: str):
        return quote(request("JP", date=date, lines=[line(code, "100000", origin="US")]))

    # sauces: the US column is held from the 2025-04-01 schedule; the day before, WTO 7.2%
    # of 60,000 = 4,320 -> 4,300, consumption tax 8% of 64,320 -> 64,000 = 5,120 -> 5,100
    before = us("210390", "2025-03-31")
    assert (before["duties"][0]["rule"], before["duty_total"]) == ("JP/duty/MFN", "4300")
    assert before["tax_total"] == "5100"
    # blueberries: free from entry into force (2020-01-01), when no WTO rate is held; unknown
    # the day before
    assert (us("081040", "2020-01-01")["duties"][0]["rule"]) == "JP/duty/USJTA"
    assert us("081040", "2024-06-01")["duty_total"] == "0"
    assert us("081040", "2019-12-31")["complete"] is False
    # no US rate on industrial goods: whetstones pay WTO 2.6% = 1,560 -> 1,500
    whetstone = _quote("JP", "680430", origin="US")
    assert (whetstone["duties"][0]["rule"], whetstone["duty_total"]) == ("JP/duty/MFN", "1500")
    # other origins keep the WTO rate (honey 25.5% = 15,300) or stay unknown (dried fruit)
    assert _quote("JP", "040900", origin="CN")["duty_total"] == "15300"
    assert _quote("JP", "081340", origin="CN")["complete"] is False


# --- KR ---


@pytest.mark.parametrize(
    ("code", "duty", "tax"),
    [("620630", "39000", "33900"), ("420221", "24000", "32400"), ("180690", "24000", "32400")],
)
def test_kr_mfn_figures(code, duty, tax):
    result = _quote("KR", code, origin="CN")
    assert result["duty_total"] == duty
    assert result["tax_total"] == tax


# KORUS (KR.toml [tables.korus]): US-origin goods, KRW 300,000 CIF, VAT 10% of (customs value +
# duty); staged cuts each 1 January. Above USD 200 (KRW 280,000), so no list clearance.


@pytest.mark.parametrize(
    ("code", "date", "rate", "duty", "tax"),
    [
        # 2103.90-9090 other sauces: 18% in 2020 = 54,000; VAT 10% of 354,000
        ("210390", "2020-06-01", "0.18", "54000", "35400"),
        # 3% in 2025 = 9,000; VAT 10% of 309,000; free from 2026
        ("210390", "2025-12-31", "0.03", "9000", "30900"),
        ("210390", "2026-01-01", "0", "0", "30000"),
        # 0902.10 green tea: 68.4% in 2024 = 205,200; VAT 10% of 505,200
        ("090210", "2024-06-01", "0.684", "205200", "50520"),
        ("090210", "2026-03-01", "0", "0", "30000"),
        # 0810.40 fresh blueberries: 4.5% in 2020 = 13,500, free from 2021; VAT-exempt food
        ("081040", "2020-12-31", "0.045", "13500", "0"),
        ("081040", "2021-01-01", "0", "0", "0"),
        # 2008.99-9000 fruit in syrup: 4.5% in 2020 = 13,500; VAT 10% of 313,500
        ("200899", "2020-06-01", "0.045", "13500", "31350"),
        # 3304.99-1000 skin care: 0.8% in 2020 = 2,400; VAT 10% of 302,400
        ("330499", "2020-06-01", "0.008", "2400", "30240"),
        # woven blouse: free for US origin (13% MFN for China, test_kr_mfn_figures)
        ("620630", "2026-03-01", "0", "0", "30000"),
    ],
)
def test_kr_korus_rates_for_us_origin(code, date, rate, duty, tax):
    result = quote(request("KR", date=date, lines=[line(code, "300000", origin="US")]))
    assert regime_id(result) == "KR/regime/import"
    assert [(d["rate"], d["rule"]) for d in result["duties"]] == [(rate, "KR/duty/KORUS")]
    assert result["duty_total"] == duty
    assert result["tax_total"] == tax


def test_kr_korus_covers_the_demo_catalog_except_honey():
    unknown = set()
    for code in DEMO_CODES:
        result = _quote("KR", code, origin="US")
        assert regime_id(result) == "KR/regime/import", code
        if _unknown_duty(result):
            unknown.add(code)
    # honey: KORUS gives only a duty-free quota; US honey is unknown like any other origin's
    assert unknown == {"040900"}
    # the same sauce from a non-KORUS origin has no rate (Korea's MFN table holds few codes)
    assert _unknown_duty(_quote("KR", "210390", origin="CA"))


# --- SG: no customs duty on the demo catalog, whatever the origin (ATIGA moot) ---


@pytest.mark.parametrize("origin", ["MY", "CN"])
def test_sg_demo_catalog_duty_free_any_origin(origin):
    result = _quote("SG", "090121", origin=origin)
    assert result["duty_total"] == "0.00"
    assert result["duties"][0]["rule"] == "SG/duty/customs"
    assert result["tax_total"] == "90.00"


@pytest.mark.parametrize("code", ["081340", "200799", "200899", "210390"])
def test_sg_us_origin_needs_no_ussfta_rate(code):
    # the US seller's goods: Singapore charges no customs duty on these chapters from any
    # origin, so USSFTA is moot; GST 9% of 1,000
    result = _quote("SG", code, origin="US")
    assert [(d["rate"], d["rule"]) for d in result["duties"]] == [("0", "SG/duty/customs")]
    assert result["tax_total"] == "90.00"


# --- CH: industrial goods duty-free since 2024, agricultural duties unknown ---


def test_ch_industrial_free_agricultural_unknown():
    assert _quote("CH", "420221")["duty_total"] == "0.00"
    result = _quote("CH", "090121")
    assert result["complete"] is False
    assert result["duties"][0]["rate"] is None


# --- MY: ATIGA for ASEAN origins, ACFTA for Chinese coffee and tea; MFN unknown ---


@pytest.mark.parametrize(
    ("origin", "code", "rule"),
    [
        ("SG", "190531", "MY/duty/ATIGA"),
        ("TH", "620630", "MY/duty/ATIGA"),
        ("ID", "330499", "MY/duty/ATIGA"),
        ("CN", "090230", "MY/duty/ACFTA"),
        ("CN", "090121", "MY/duty/ACFTA"),
    ],
)
def test_my_preferences_for_qualifying_origin(origin, code, rule):
    result = _quote("MY", code, origin=origin)
    assert result["complete"] is True
    assert result["duties"][0]["rule"] == rule
    assert result["duty_total"] == "0.00"
    assert result["tax_total"] == "100.00"  # 10% sales tax on RM 1,000 + 0 duty


@pytest.mark.parametrize(
    ("origin", "code"),
    [("US", "190531"), ("CN", "620630"), ("SG", "200799"), ("SG", "081040"), ("JP", "090121")],
)
def test_my_no_preference_outside_its_origins_or_table(origin, code):
    result = _quote("MY", code, origin=origin)
    assert result["complete"] is False
    assert result["duties"][0]["rate"] is None


# --- VN: preferential (MFN) rates of Decree 26/2023/ND-CP as amended, from 2026-01-01 ---


@pytest.mark.parametrize(
    ("code", "rate", "duty", "tax"),
    [
        ("090210", "0.4", "2000000", "700000"),  # green tea 40%; VAT 10% of 7,000,000
        ("420221", "0.25", "1250000", "625000"),  # leather handbag 25%
        ("821192", "0.05", "250000", "525000"),  # kitchen knife 5%
    ],
)
def test_vn_mfn_figures(code, rate, duty, tax):
    result = _quote("VN", code, origin="CN")
    assert [(d["rate"], d["amount"], d["rule"]) for d in result["duties"]] == [
        (rate, duty, "VN/duty/MFN")
    ]
    assert result["tax_total"] == tax
    assert result["complete"] is True


def test_vn_mfn_table_starts_2026():
    result = quote(request("VN", date="2025-12-31", lines=[line("090210", "5000000")]))
    assert result["complete"] is False
