"""Sourced MFN and preferential duty rates for US, CA, EU, GB, AU, NZ; Canada's provincial taxes.

Every demo-catalog subheading either has a known rate or is listed here explicitly as unknown, so
adding a rate to a rule file makes the matching assertion fail until the list is updated.
"""

from __future__ import annotations

from typing import Any

import pytest

from ehub.customs.tests.support import line, quote, regime_id, request

DEMO_CODES = frozenset(
    {
        "081040", "081340", "200899", "200799", "170220", "090121", "210112", "090210",
        "090230", "040900", "330499", "330590", "340111", "821192", "821191", "680430",
        "520852", "621410", "620630", "620520", "691200", "691110", "190531", "180690",
        "210390", "460219", "420221", "330410", "620610",
    }
)  # fmt: skip

# Subheadings whose duty rate is known on 2026-03-01 (MFN; a preference where stated).
KNOWN = {
    "US": {
        "620610", "090121", "090230", "330499", "340111", "081040", "170220", "330590",
        "330410", "680430", "190531", "210390", "621410", "620630", "620520", "420221",
        # compound "cents each + %": the line's quantity counts the pieces (2026-11-23)
        "821191", "821192",
    },
    "CA": {"090121"},
    "FI": {
        "090230", "340111", "821191", "821192", "620610", "620630", "620520", "621410",
        "040900", "090121", "090210", "330499", "420221", "691110", "081040", "170220",
        "210112", "330590", "330410", "680430", "460219", "210390",
    },
    "GB": {
        "090230", "340111", "821191", "821192", "620610", "620630", "620520", "621410",
        "040900", "090121", "090210", "330499", "420221", "691110", "081040", "170220",
        "210112", "330590", "330410", "680430", "460219", "210390", "190531",
    },
    # ABF Schedule 3 (machine-readable copy), one tariff item per subheading, from 2026-01-01;
    # chapters 33, 52, 62 and 82 were not found in the copy and stay unknown
    "AU": {
        "040900", "081340", "090121", "090210", "090230", "170220", "180690", "190531", "200799",
        "200899", "210112", "210390", "340111", "420221", "460219", "680430", "691110", "691200",
    },
    "NZ": set(),
}  # fmt: skip

# A one-line parcel above each destination's duty threshold, shipped from a non-preferential origin.
ABOVE_THRESHOLD = {
    "US": ("200.00", "JP"),
    "CA": ("200.00", "CN"),
    "FI": ("200.00", "CN"),
    "GB": ("200.00", "CN"),
    "AU": ("1500.00", "CN"),
    "NZ": ("1500.00", "CN"),
}

# AU and NZ refuse fresh fruit in parcels (biosecurity): no duty question arises.
REFUSED = {"AU": {"081040"}, "NZ": {"081040"}}


def _one_line(destination: str, hs_code: str, price: str, origin: str, **kw):
    return quote(request(destination, lines=[line(hs_code, price, origin=origin)], **kw))


@pytest.mark.parametrize("destination", sorted(KNOWN))
def test_every_demo_code_has_a_known_rate_or_is_listed_as_unknown(destination):
    price, origin = ABOVE_THRESHOLD[destination]
    unknown = set()
    for code in sorted(DEMO_CODES - REFUSED.get(destination, set())):
        # Canada's provincial tax needs the province: Alberta has none at the border.
        region = "CA-AB" if destination == "CA" else None
        result = _one_line(
            destination, code, price, origin, ship_from=origin, destination_region=region
        )
        duty_unknown = [u for u in result["unknown_rates"] if u["kind"] == "duty"]
        assert result["complete"] is (not duty_unknown), (destination, code)
        if duty_unknown:
            unknown.add(code)
    expected_unknown = DEMO_CODES - KNOWN[destination] - REFUSED.get(destination, set())
    assert unknown == expected_unknown


# Canada from 2026-09-01: CBSA Customs Tariff T2026-2 (CA.toml lists each tariff item). These four
# subheadings split by facts the demo products do not settle (wheat content and access quota;
# sambal as sauce or mixed condiment; Castile soap; basket or shopping bag).
CA_UNKNOWN_FROM_T2026_2 = {"190531", "210390", "340111", "460219"}


@pytest.mark.parametrize(
    ("date", "expected_unknown"),
    [
        # the day before T2026-2: only roasted coffee is held
        ("2026-08-31", DEMO_CODES - {"090121"}),
        ("2026-09-01", CA_UNKNOWN_FROM_T2026_2),
        ("2026-11-23", CA_UNKNOWN_FROM_T2026_2),
    ],
)
def test_canada_mfn_rates_from_the_t2026_2_customs_tariff(date, expected_unknown):
    unknown = set()
    for code in sorted(DEMO_CODES):
        result = _one_line(
            "CA", code, "200.00", "CN", ship_from="CN", destination_region="CA-AB", date=date
        )
        duty_unknown = [u for u in result["unknown_rates"] if u["kind"] == "duty"]
        assert result["complete"] is (not duty_unknown), code
        if duty_unknown:
            unknown.add(code)
    assert unknown == expected_unknown


def _canada_courier_2026_09(hs_code: str, origin: str) -> dict[str, Any]:
    """CAD 200.00 of goods of ``origin`` shipped from there to Alberta (GST only) on the first
    day of the T2026-2 rates (the courier regime: above CAD 20, duty and GST)."""
    result = _one_line(
        "CA",
        hs_code,
        "200.00",
        origin,
        ship_from=origin,
        destination_region="CA-AB",
        date="2026-09-01",
    )
    assert regime_id(result) == "CA/regime/courier-full"
    return result


@pytest.mark.parametrize(
    ("hs_code", "origin", "duty", "tax_total"),
    [
        # Chinese origin throughout: no preference ehub holds (the CPTPP, CETA, UK and Korea
        # origins take their agreement's table, tested below)
        # 6206.10.00 silk blouses 16% of 200.00 = 32.00; GST 5% of 232.00 = 11.60 (Alberta)
        ("620610", "CN", ("0.16", "32.00"), "11.60"),
        # 6205.20.00 cotton shirts 17% = 34.00; GST 5% of 234.00 = 11.70
        ("620520", "CN", ("0.17", "34.00"), "11.70"),
        # 2007.99.90 other jams 8.5% = 17.00; jam is zero-rated basic groceries: no GST
        ("200799", "CN", ("0.085", "17.00"), "0.00"),
        # 8211.91.90 table knives other than carving knives 11% = 22.00; GST 5% of 222.00 = 11.10
        ("821191", "CN", ("0.11", "22.00"), "11.10"),
        # 6911.10.90 porcelain tableware, other than undecorated ware for manufacturers, 7% = 14.00;
        # GST 5% of 214.00 = 10.70
        ("691110", "CN", ("0.07", "14.00"), "10.70"),
        # 3304.99.90 skin care 6.5% = 13.00; GST 5% of 213.00 = 10.65
        ("330499", "CN", ("0.065", "13.00"), "10.65"),
        # 0409.00.00 natural honey Free; zero-rated basic groceries
        ("040900", "CN", ("0", "0.00"), "0.00"),
    ],
)
def test_canada_mfn_quotes_from_2026_09_01(hs_code, origin, duty, tax_total):
    result = _canada_courier_2026_09(hs_code, origin)
    assert [(d["rate"], d["amount"], d["rule"]) for d in result["duties"]] == [
        (*duty, "CA/duty/MFN")
    ]
    assert result["tax_total"] == tax_total
    assert result["complete"] is True


def test_canada_split_subheading_stays_unknown_and_cusma_still_applies():
    # sweet biscuits from Singapore: 1905.31 splits by wheat content and access quota
    after = {"destination_region": "CA-AB", "date": "2026-09-01"}
    sg = _one_line("CA", "190531", "200.00", "SG", ship_from="SG", **after)
    assert sg["duties"][0]["rate"] is None
    assert sg["complete"] is False
    # US-origin silk blouse: CUSMA (UST) Free, not the 16% MFN rate
    us = _one_line("CA", "620610", "200.00", "US", ship_from="US", **after)
    assert [(d["rate"], d["rule"]) for d in us["duties"]] == [("0", "CA/duty/CUSMA-UST")]


# Canada's preferential tariffs from 2026-09-01 (CA.toml: CPTPT, CEUT, UKT, KRT columns of the
# T2026-2 copy): Free on every demo subheading, except CPTPT on 1905.31 (over-access items at
# cents/kg). Applied by the line's origin alone (no proof-of-origin check).
CA_PREF_RULES = {
    "JP": "CA/duty/CPTPP-CPTPT",
    "FR": "CA/duty/CETA-CEUT",
    "GB": "CA/duty/CUKTCA-UKT",
    "KR": "CA/duty/CKFTA-KRT",
}


@pytest.mark.parametrize(
    ("origin", "date", "expected_unknown"),
    [
        # the day before T2026-2: no preference table yet, MFN held only for roasted coffee
        ("JP", "2026-08-31", DEMO_CODES - {"090121"}),
        ("FR", "2026-08-31", DEMO_CODES - {"090121"}),
        # CPTPT: 1905.31 splits (Free, or 0.99 / 0.98 cents/kg over access commitment)
        ("JP", "2026-09-01", {"190531"}),
        # CEUT, UKT and KRT are Free on every item, so even the MFN-unknown subheadings are known
        ("FR", "2026-09-01", set()),
        ("GB", "2026-09-01", set()),
        ("KR", "2026-11-23", set()),
    ],
)
def test_canada_preferences_cover_the_demo_catalog_from_t2026_2(origin, date, expected_unknown):
    unknown = set()
    for code in sorted(DEMO_CODES):
        result = _one_line(
            "CA", code, "200.00", origin, ship_from=origin, destination_region="CA-AB", date=date
        )
        duty_unknown = [u for u in result["unknown_rates"] if u["kind"] == "duty"]
        assert result["complete"] is (not duty_unknown), code
        if duty_unknown:
            unknown.add(code)
        elif date >= "2026-09-01" and code not in expected_unknown:
            assert [(d["rate"], d["rule"]) for d in result["duties"]] == [
                ("0", CA_PREF_RULES[origin])
            ], code
    assert unknown == expected_unknown


@pytest.mark.parametrize(
    ("hs_code", "origin", "rule", "tax_total"),
    [
        # Japanese kitchen knife 8211.92.00: CPTPT Free (MFN 7% = 14.00, see the Chinese one
        # below); GST 5% of 200.00 = 10.00 (Alberta)
        ("821192", "JP", "CA/duty/CPTPP-CPTPT", "10.00"),
        # Malaysian cotton shirt 6205.20.00: CPTPT Free (MFN 17%); GST 5% of 200.00 = 10.00
        ("620520", "MY", "CA/duty/CPTPP-CPTPT", "10.00"),
        # Singapore kaya jam 2007.99.90: CPTPT Free (MFN 8.5%); zero-rated groceries: no GST
        ("200799", "SG", "CA/duty/CPTPP-CPTPT", "0.00"),
        # Malaysian sambal 2103.90: MFN unknown (.20 or .90), CPTPT Free on both; zero-rated
        ("210390", "MY", "CA/duty/CPTPP-CPTPT", "0.00"),
        # Vietnamese origin (CPTPP from 2019-01-14): silk blouse 6206.10.00 Free (MFN 16%)
        ("620610", "VN", "CA/duty/CPTPP-CPTPT", "10.00"),
        # French silk blouse: CEUT Free (MFN 16%); GST 5% of 200.00 = 10.00
        ("620610", "FR", "CA/duty/CETA-CEUT", "10.00"),
        # French olive-oil soap 3401.11: MFN unknown (Castile soap or not), CEUT Free on both
        ("340111", "FR", "CA/duty/CETA-CEUT", "10.00"),
        # German sweet biscuits 1905.31: MFN unknown, CEUT Free on every item; biscuits keep GST
        ("190531", "DE", "CA/duty/CETA-CEUT", "10.00"),
        # British cotton shirt 6205.20.00: UKT Free (MFN 17%)
        ("620520", "GB", "CA/duty/CUKTCA-UKT", "10.00"),
        # Korean skin cream 3304.99.90: KRT Free (MFN 6.5%)
        ("330499", "KR", "CA/duty/CKFTA-KRT", "10.00"),
    ],
)
def test_canada_preferential_quotes_from_2026_09_01(hs_code, origin, rule, tax_total):
    result = _canada_courier_2026_09(hs_code, origin)
    assert [(d["rate"], d["amount"], d["rule"]) for d in result["duties"]] == [("0", "0.00", rule)]
    assert result["tax_total"] == tax_total
    assert result["complete"] is True


def test_canada_preference_needs_an_origin_in_the_agreement_and_its_start():
    after = {"destination_region": "CA-AB", "date": "2026-09-01"}
    # the same knife of Chinese origin: MFN 7% of 200.00 = 14.00; GST 5% of 214.00 = 10.70
    cn = _one_line("CA", "821192", "200.00", "CN", ship_from="CN", **after)
    assert [(d["rate"], d["amount"], d["rule"]) for d in cn["duties"]] == [
        ("0.07", "14.00", "CA/duty/MFN")
    ]
    assert cn["tax_total"] == "10.70"
    # British goods left CEUT on 2021-01-01 and are not CPTPT goods in Canada: UKT
    gb = _one_line("CA", "821192", "200.00", "GB", ship_from="GB", **after)
    assert [d["rule"] for d in gb["duties"]] == ["CA/duty/CUKTCA-UKT"]
    # Mexico is in CPTPP and CUSMA: CUSMA comes first in the file
    mx = _one_line("CA", "821192", "200.00", "MX", ship_from="MX", **after)
    assert [d["rule"] for d in mx["duties"]] == ["CA/duty/CUSMA-UST"]
    # the preference follows the line's origin, not the place of shipment
    jp_via_sg = _one_line("CA", "821192", "200.00", "JP", ship_from="SG", **after)
    assert [d["rule"] for d in jp_via_sg["duties"]] == ["CA/duty/CPTPP-CPTPT"]
    # the day before T2026-2 the Japanese knife's duty is unknown (no MFN rate, no preference
    # rate held yet), never 0; GST on the goods alone (a lower bound): 5% of 200.00 = 10.00
    day_before = {"destination_region": "CA-AB", "date": "2026-08-31"}
    before = _one_line("CA", "821192", "200.00", "JP", ship_from="JP", **day_before)
    assert before["duties"][0]["rate"] is None
    assert before["complete"] is False
    assert before["tax_total"] == "10.00"
    # roasted coffee from Japan before 2026-09-01: the MFN table's Free, not a preference
    coffee = _one_line("CA", "090121", "200.00", "JP", ship_from="JP", **day_before)
    assert [(d["rate"], d["rule"]) for d in coffee["duties"]] == [("0", "CA/duty/MFN")]


@pytest.mark.parametrize(
    ("destination", "hs_code", "origin", "duties", "tax_total"),
    [
        # EU (FI, food VAT 13.5% from 2026-01-01, FI/vat/reduced): highbush blueberries
        # 0810 40 50 at 3.2%; VAT 13.5% of 206.40 = 27.864 -> 27.86
        ("FI", "081040", "US", [("0.032", "6.40")], "27.86"),
        # EU: 3-in-1 instant white coffee 2101 12 92 at 11.5%; 13.5% of 223.00 = 30.105 -> 30.11
        ("FI", "210112", "MY", [("0.115", "23.00")], "30.11"),
        # EU: maple syrup 1702 20 90 at 8%; VAT 13.5% on 216.00 = 29.16
        ("FI", "170220", "CA", [("0.08", "16.00")], "29.16"),
        # GB (VAT 20%): sweet biscuits 8%, sauces 2103 90 90 at 6% (sauces are zero-rated food:
        # no VAT; GB.toml tables.vat_zero_food)
        ("GB", "190531", "SG", [("0.08", "16.00")], "43.20"),
        ("GB", "210390", "SG", [("0.06", "12.00")], "0.00"),
        ("GB", "460219", "MY", [("0.02", "4.00")], "40.80"),
        # US: BBQ sauce / sambal 2103.90.90 at 6.4%, plus the Section 122 surcharge of 10%
        ("US", "210390", "SG", [("0.064", "12.80"), ("0.1", "20.00")], "0.00"),
        # US: pure maple syrup 1702.20.40 Free; Canadian origin is exempt from Section 122
        ("US", "170220", "CA", [("0", "0.00")], "0.00"),
    ],
)
def test_exact_duty_quotes(destination, hs_code, origin, duties, tax_total):
    result = _one_line(destination, hs_code, "200.00", origin, ship_from=origin)
    assert [(d["rate"], d["amount"]) for d in result["duties"]] == duties
    assert result["tax_total"] == tax_total
    assert result["complete"] is True


def test_usmca_rate_applies_only_to_canadian_or_mexican_origin():
    # Quebec wild-blueberry jam (CA -> US): USMCA Free
    ca = _one_line("US", "200799", "200.00", "CA", ship_from="CA")
    assert [(d["rate"], d["rule"]) for d in ca["duties"]] == [("0", "US/duty/USMCA")]
    assert ca["complete"] is True
    # Singapore kaya jam: the MFN line depends on the fruit -> unknown, surcharge still due
    sg = _one_line("US", "200799", "200.00", "SG", ship_from="SG")
    assert sg["duties"][0]["rate"] is None
    assert sg["duties"][1]["rule"] == "US/surcharge/section-122"
    assert sg["complete"] is False


def test_cusma_rate_applies_only_to_us_or_mexican_origin():
    # above CAD 150 from the US: duty regime, CUSMA (UST) Free
    us = _one_line("CA", "200799", "200.00", "US", ship_from="US", destination_region="CA-ON")
    assert [(d["rate"], d["rule"]) for d in us["duties"]] == [("0", "CA/duty/CUSMA-UST")]
    assert us["complete"] is True
    # the same jam from Singapore: no CA MFN rate sourced -> unknown, not 0
    sg = _one_line("CA", "200799", "200.00", "SG", ship_from="SG", destination_region="CA-ON")
    assert sg["duties"][0]["rate"] is None
    assert sg["complete"] is False


def test_australia_singapore_and_new_zealand_origin_free():
    sg = _one_line("AU", "200799", "1500.00", "SG", ship_from="SG")
    assert [(d["rate"], d["rule"]) for d in sg["duties"]] == [("0", "AU/duty/SAFTA-ANZCERTA")]
    assert sg["tax_total"] == "0.00"  # jam is GST-free food (AU.toml tables.gst_free_food)
    assert sg["complete"] is True
    nz = _one_line("AU", "040900", "1500.00", "NZ", ship_from="NZ")
    assert nz["duties"][0]["rule"] == "AU/duty/SAFTA-ANZCERTA"
    # Malaysian origin: MAFTA/AANZFTA rates not sourced -> the general rate (2007.99.00 5%)
    my = _one_line("AU", "200799", "1500.00", "MY", ship_from="MY")
    assert [(d["rate"], d["amount"], d["rule"]) for d in my["duties"]] == [
        ("0.05", "75.00", "AU/duty/MFN")
    ]
    assert my["complete"] is True


def test_australia_mfn_roasted_coffee_free_from_2026():
    # Chinese roasted coffee above AUD 1,000: general rate Free; coffee is GST-free (Schedule 2)
    result = _one_line("AU", "090121", "1500.00", "CN", ship_from="CN")
    assert [(d["rate"], d["amount"], d["rule"]) for d in result["duties"]] == [
        ("0", "0.00", "AU/duty/MFN")
    ]
    assert result["tax_total"] == "0.00"
    assert result["complete"] is True
    # the ABF page is undated: the rate is not asserted before 2026
    before = _one_line("AU", "090121", "1500.00", "CN", ship_from="CN", date="2025-12-31")
    assert before["duties"][0]["rate"] is None
    assert before["complete"] is False
    # chapter 33 was not found in the Schedule 3 copy: French cosmetics stay unknown
    assert _one_line("AU", "330499", "1500.00", "FR", ship_from="FR")["complete"] is False


@pytest.mark.parametrize(
    ("hs_code", "origin", "duty", "tax_total"),
    [
        # 6912.00.00 ceramic tableware, 5%: duty 75.00; GST 10% of (1,500 + 75) = 157.50
        ("691200", "DE", ("0.05", "75.00", "AU/duty/MFN"), "157.50"),
        # 4202.21.00 handbags, outer surface of leather, 5%
        ("420221", "CN", ("0.05", "75.00", "AU/duty/MFN"), "157.50"),
        # 0902.30.00 black and partly fermented tea (oolong) in packings <= 3 kg, Free; tea is
        # GST-free (Schedule 2 item 5)
        ("090230", "CN", ("0", "0.00", "AU/duty/MFN"), "0.00"),
        # 2103.90.00 sauces NES, Free (US origin: AUSFTA, test below); sauces are GST-free
        # condiments
        ("210390", "CN", ("0", "0.00", "AU/duty/MFN"), "0.00"),
        # 1905.31.00 sweet biscuits: 5% general; Canada has no CA rate on this line
        ("190531", "CA", ("0.05", "75.00", "AU/duty/MFN"), "157.50"),
        # ... and Singapore-origin biscuits are Free under the SG column footnote
        ("190531", "SG", ("0", "0.00", "AU/duty/SAFTA-ANZCERTA"), "150.00"),
    ],
)
def test_australia_border_regime_quotes_schedule_3_rates(hs_code, origin, duty, tax_total):
    result = _one_line("AU", hs_code, "1500.00", origin, ship_from=origin)
    assert regime_id(result) == "AU/regime/border"
    assert [(d["rate"], d["amount"], d["rule"]) for d in result["duties"]] == [duty]
    assert result["tax_total"] == tax_total
    assert result["complete"] is True


@pytest.mark.parametrize(
    ("hs_code", "date", "tax_total", "china"),
    [
        # blueberry jam: general rate 5% (75.00 from China), Free from the US; jam is GST-free
        ("200799", "2026-03-01", "0.00", ("0.05", "75.00", "AU/duty/MFN")),
        # cherries in syrup: general 5%; GST 10% of 1,500 = 150.00 on the US parcel
        ("200899", "2026-03-01", "150.00", ("0.05", "75.00", "AU/duty/MFN")),
        # BBQ sauce: general rate Free as well; GST-free condiment
        ("210390", "2026-03-01", "0.00", ("0", "0.00", "AU/duty/MFN")),
        # men's cotton shirts: general rate unknown (chapter 62 not in the copy), US rate Free
        ("620520", "2026-03-01", "150.00", (None, None, None)),
        # dried fruit before the general rates are asserted (2026): US rate Free since 2018-07-01
        ("081340", "2025-06-01", "150.00", (None, None, None)),
        ("081340", "2018-07-01", "150.00", (None, None, None)),
    ],
)
def test_australia_us_origin_free_under_ausfta(hs_code, date, tax_total, china):
    us = _one_line("AU", hs_code, "1500.00", "US", ship_from="US", date=date)
    assert regime_id(us) == "AU/regime/border"
    assert [(d["rate"], d["amount"], d["rule"]) for d in us["duties"]] == [
        ("0", "0.00", "AU/duty/AUSFTA")
    ]
    assert us["tax_total"] == tax_total
    assert us["complete"] is True
    # the same goods from China: the general rate, or unknown where it is not held
    cn = _one_line("AU", hs_code, "1500.00", "CN", ship_from="CN", date=date)
    assert [(d["rate"], d["amount"], d["rule"]) for d in cn["duties"]] == [china]


def test_australia_general_rates_are_not_asserted_before_2026_or_below_aud_1000():
    # the Schedule 3 copy is undated: 5% tableware has no rate on 2025-12-31
    before = _one_line("AU", "691200", "1500.00", "DE", ship_from="DE", date="2025-12-31")
    assert before["duties"][0]["rate"] is None
    assert before["complete"] is False
    # at AUD 1,000 the low-value regime applies: GST at checkout, no duty
    low = _one_line("AU", "691200", "1000.00", "DE", ship_from="DE")
    assert regime_id(low) == "AU/regime/low-value-imported-goods"
    assert low["duty_total"] == "0.00"
    assert low["tax_total"] == "100.00"


@pytest.mark.parametrize(
    ("region", "taxes", "total"),
    [
        ("CA-BC", [("gst", "0.05", "10.00"), ("sales_tax", "0.07", "14.00")], "24.00"),
        ("CA-SK", [("gst", "0.05", "10.00"), ("sales_tax", "0.06", "12.00")], "22.00"),
        ("CA-MB", [("gst", "0.05", "10.00"), ("sales_tax", "0.07", "14.00")], "24.00"),
        # QST: collected by CBSA on release in Quebec (Revenu Quebec), not on the GST
        ("CA-QC", [("gst", "0.05", "10.00"), ("sales_tax", "0.09975", "19.95")], "29.95"),
        ("CA-ON", [("hst", "0.13", "26.00")], "26.00"),
        ("CA-NS", [("hst", "0.14", "28.00")], "28.00"),
        ("CA-NB", [("hst", "0.15", "30.00")], "30.00"),
        ("CA-NL", [("hst", "0.15", "30.00")], "30.00"),
        ("CA-PE", [("hst", "0.15", "30.00")], "30.00"),
        ("CA-AB", [("gst", "0.05", "10.00")], "10.00"),
        ("CA-YT", [("gst", "0.05", "10.00")], "10.00"),
    ],
)
def test_canada_provincial_taxes_courier(region, taxes, total):
    # porcelain tableware (CUSMA Free) from the US by courier, CAD 200 (a non-food line: roasted
    # coffee is zero-rated basic groceries, see test_reduced_rates_others.py)
    result = _one_line("CA", "691110", "200.00", "US", ship_from="US", destination_region=region)
    assert [(t["kind"], t["rate"], t["amount"]) for t in result["taxes"]] == taxes
    assert result["import_charges_total"] == total
    assert result["complete"] is True


def test_canada_pst_on_mail_with_canada_post_fee():
    result = _one_line(
        "CA", "691110", "200.00", "US", ship_from="US", destination_region="CA-MB", channel="mail"
    )
    assert [(t["rule"], t["amount"]) for t in result["taxes"]] == [
        ("CA/gst/federal", "10.00"),
        ("CA/rst/MB", "14.00"),
    ]
    assert result["fee_total"] == "9.95"
    assert result["import_charges_total"] == "33.95"


def test_canada_pst_in_cusma_tax_only_band_and_not_in_tax_free_band():
    # CAD 40.01-150 from the US: duty-free, GST and BC PST due
    taxed = _one_line("CA", "691110", "100.00", "US", ship_from="US", destination_region="CA-BC")
    assert [(t["rule"], t["amount"]) for t in taxed["taxes"]] == [
        ("CA/gst/federal", "5.00"),
        ("CA/pst/BC", "7.00"),
    ]
    # up to CAD 40 from the US: no duty, no GST, no PST
    free = _one_line("CA", "691110", "40.00", "US", ship_from="US", destination_region="CA-BC")
    assert free["taxes"] == []
    assert free["import_charges_total"] == "0.00"


def test_canada_provincial_tax_is_on_value_plus_duty_not_on_gst():
    # a duty-bearing line: CUSMA does not apply to Chinese origin, and on 2026-03-01 (before the
    # T2026-2 rates) the CA MFN rate of 691110 is not held: the quote passes a line override (10%)
    payload = request(
        "CA",
        lines=[line("691110", "200.00", origin="CN", duty_rate="0.10")],
        ship_from="CN",
        destination_region="CA-QC",
    )
    result = quote(payload)
    assert result["duty_total"] == "20.00"
    # GST 5% of 220.00 = 11.00; QST 9.975% of 220.00 = 21.945 -> 21.95 (half-up)
    assert [(t["rule"], t["base"], t["amount"]) for t in result["taxes"]] == [
        ("CA/gst/federal", "220.00", "11.00"),
        ("CA/qst/QC", "220.00", "21.95"),
    ]
    assert any("released from customs" in text for text in result["explanation"])
