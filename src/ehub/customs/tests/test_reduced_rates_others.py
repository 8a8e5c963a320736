"""Reduced and zero VAT/GST/consumption-tax rates on food: GB, JP, AU, CA and NO (issue 3).

Each destination: a food line at the reduced (or zero) rate with its rule id and amount, beside a
non-food line at the standard rate in the same parcel. Amounts are worked out by hand from the
rule files (sources in GB.toml, JP.toml, AU.toml, CA.toml).
"""

from __future__ import annotations

from typing import Any

import pytest

from ehub.core.errors import DomainError
from ehub.customs.tests.support import line, quote, regime_id, request


def _taxes(result: dict[str, Any]) -> list[tuple[str, str | None, str | None, str | None]]:
    return [(t["rule"], t["rate"], t["base"], t["amount"]) for t in result["taxes"]]


# --- GB: zero-rated food (VAT Act 1994 Sch 8 Group 1) ---


def test_gb_at_sale_honey_zero_rated_beside_standard_rated_skin_care():
    result = quote(
        request("GB", lines=[line("040900", "50.00", origin="NZ"), line("330499", "50.00")])
    )
    assert regime_id(result) == "GB/regime/low-value-at-sale"
    assert _taxes(result) == [
        ("GB/vat/zero-rated-food", "0", "50.00", "0.00"),
        ("GB/vat/standard", "0.2", "50.00", "10.00"),
    ]
    assert result["tax_total"] == "10.00"


def test_gb_border_tea_zero_rated_import_vat_beside_standard_rated_line():
    # above GBP 135: green tea 2% duty (UKGT 2026) = 2.00, VAT 0; skin care 0% duty, VAT 20%
    result = quote(request("GB", lines=[line("090210", "100.00"), line("330499", "100.00")]))
    assert regime_id(result) == "GB/regime/standard-import"
    assert result["duty_total"] == "2.00"
    assert _taxes(result) == [
        ("GB/vat/zero-rated-food", "0", "102.00", "0.00"),
        ("GB/vat/standard", "0.2", "100.00", "20.00"),
    ]
    assert result["complete"] is True


@pytest.mark.parametrize("code", ["180690", "190531", "081340", "170220"])
def test_gb_chocolate_biscuits_dried_fruit_and_maple_keep_the_standard_rate(code):
    result = quote(request("GB", lines=[line(code, "50.00")]))
    assert _taxes(result) == [("GB/vat/standard", "0.2", "50.00", "10.00")]


# --- JP: reduced consumption tax 8% on food (Customs Answer 1111) ---


def test_jp_honey_at_8_percent_beside_skin_care_at_10_percent():
    # business buyer: no 60% valuation. Honey duty 25.5% of 20,000 = 5,100; skin care WTO free.
    # Tax bases rounded down to JPY 1,000: 25,100 -> 25,000 x 8% = 2,000; 20,000 x 10% = 2,000.
    result = quote(
        request(
            "JP",
            buyer_type="business",
            lines=[line("040900", "20000"), line("330499", "20000")],
        )
    )
    assert regime_id(result) == "JP/regime/import"
    assert result["duty_total"] == "5100"
    assert _taxes(result) == [
        ("JP/consumption-tax/reduced-food", "0.08", "25000", "2000"),
        ("JP/consumption-tax/standard", "0.1", "20000", "2000"),
    ]
    assert result["tax_total"] == "4000"
    assert result["complete"] is True


def test_jp_reduced_rate_applies_from_2019_10_01_and_ehub_holds_no_rules_before():
    # 2019-10-01, first day of the reduced rate: honey 25.5% duty = 5,100 (WTO rate held since
    # then), 8% of 25,000 = 2,000; skin care has no WTO rate held before 2024 (duty unknown),
    # so its tax is 10% of the customs value alone
    payload = request(
        "JP",
        date="2019-10-01",
        buyer_type="business",
        lines=[line("040900", "20000"), line("330499", "20000")],
    )
    result = quote(payload)
    assert _taxes(result) == [
        ("JP/consumption-tax/reduced-food", "0.08", "25000", "2000"),
        ("JP/consumption-tax/standard", "0.1", "20000", "2000"),
    ]
    # the day before, Japan charged 8% on everything; ehub holds no JP rules for that date
    with pytest.raises(DomainError) as caught:
        quote({**payload, "date": "2019-09-30"})
    assert caught.value.code == "no_rules_for_date"


# --- AU: GST-free food (GST Act s 38-2, Schedules 1 and 2) ---


def test_au_at_sale_honey_gst_free_beside_taxable_skin_balm():
    result = quote(
        request(
            "AU",
            lines=[line("040900", "100.00", origin="NZ"), line("330499", "100.00", origin="NZ")],
        )
    )
    assert regime_id(result) == "AU/regime/low-value-imported-goods"
    assert _taxes(result) == [
        ("AU/gst/gst-free-food", "0", "100.00", "0.00"),
        ("AU/gst/standard", "0.1", "100.00", "10.00"),
    ]
    assert result["tax_total"] == "10.00"


def test_au_border_coffee_gst_free_beside_tableware_with_duty():
    # above AUD 1,000: roasted coffee Free, GST-free; ceramic tableware 5% = 25.00,
    # GST 10% of (500 + 25) = 52.50
    result = quote(
        request("AU", lines=[line("090121", "1000.00"), line("691200", "500.00", origin="DE")])
    )
    assert regime_id(result) == "AU/regime/border"
    assert result["duty_total"] == "25.00"
    assert _taxes(result) == [
        ("AU/gst/gst-free-food", "0", "1000.00", "0.00"),
        ("AU/gst/standard", "0.1", "525.00", "52.50"),
    ]
    assert result["complete"] is True


@pytest.mark.parametrize("code", ["180690", "190531", "170220"])
def test_au_chocolate_biscuits_and_maple_keep_gst(code):
    result = quote(request("AU", lines=[line(code, "100.00")]))
    assert _taxes(result) == [("AU/gst/standard", "0.1", "100.00", "10.00")]


# --- CA: zero-rated basic groceries; BC PST exempts all food ---


def _ca(region: str, *lines: dict[str, Any], date: str = "2026-03-01") -> dict[str, Any]:
    # from the US, CAD 40.01-150 by courier: no duty, GST/HST and provincial tax due
    return quote(
        request("CA", date=date, ship_from="US", destination_region=region, lines=list(lines))
    )


def test_ca_ontario_coffee_zero_rated_beside_hst_on_tableware():
    result = _ca(
        "CA-ON", line("090121", "50.00", origin="US"), line("691110", "50.00", origin="US")
    )
    assert regime_id(result) == "CA/regime/courier-CUSMA-tax-only"
    assert _taxes(result) == [
        ("CA/gst/zero-rated-basic-groceries", "0", "50.00", "0.00"),
        ("CA/hst/ON", "0.13", "50.00", "6.50"),
    ]


def test_ca_quebec_honey_free_of_gst_and_qst_beside_taxed_tableware():
    # GST 5% of 50 = 2.50; QST 9.975% of 50 = 4.9875 -> 4.99; honey: neither
    result = _ca(
        "CA-QC", line("040900", "50.00", origin="US"), line("691110", "50.00", origin="US")
    )
    assert _taxes(result) == [
        ("CA/gst/zero-rated-basic-groceries", "0", "50.00", "0.00"),
        ("CA/gst/federal", "0.05", "50.00", "2.50"),
        ("CA/qst/QC", "0.09975", "50.00", "4.99"),
    ]


def test_ca_bc_chocolate_pays_gst_but_no_pst_tableware_pays_both():
    # chocolate is not a basic grocery (GST 5%) but BC exempts all food from PST
    result = _ca(
        "CA-BC", line("180690", "50.00", origin="US"), line("691110", "50.00", origin="US")
    )
    assert _taxes(result) == [
        ("CA/gst/federal", "0.05", "100.00", "5.00"),
        ("CA/pst/BC", "0.07", "50.00", "3.50"),
    ]


def test_ca_saskatchewan_pst_follows_gst_chocolate_taxed_honey_exempt():
    result = _ca(
        "CA-SK", line("180690", "50.00", origin="US"), line("040900", "50.00", origin="US")
    )
    assert _taxes(result) == [
        ("CA/gst/federal", "0.05", "50.00", "2.50"),
        ("CA/gst/zero-rated-basic-groceries", "0", "50.00", "0.00"),
        ("CA/pst/SK", "0.06", "50.00", "3.00"),
    ]


@pytest.mark.parametrize(
    ("date", "hst"), [("2025-03-31", ("0.15", "7.50")), ("2025-04-01", ("0.14", "7.00"))]
)
def test_ca_nova_scotia_food_stays_zero_rated_across_the_hst_cut(date, hst):
    result = _ca(
        "CA-NS",
        line("090210", "50.00", origin="US"),
        line("691110", "50.00", origin="US"),
        date=date,
    )
    assert _taxes(result) == [
        ("CA/gst/zero-rated-basic-groceries", "0", "50.00", "0.00"),
        ("CA/hst/NS", hst[0], "50.00", hst[1]),
    ]


# --- NO: 15% on foodstuffs (VAT Act § 5-2), at the border (VOEC excludes food) ---


@pytest.mark.parametrize("channel", ["standard", "voec"])
def test_no_food_at_15_beside_a_blouse_at_25_whole_kroner(channel):
    # coffee NOK 1,000 and a silk blouse NOK 1,000 (CIF, no shipping); VOEC excludes foodstuffs,
    # so both channels clear at the border. Duty rates are unknown for NO (not included).
    result = quote(
        request(
            "NO",
            channel=channel,
            lines=[line("090121", "1000.00"), line("620610", "1000.00")],
        )
    )
    assert regime_id(result) == "NO/regime/import"
    assert _taxes(result) == [
        ("NO/vat/food", "0.15", "1000.00", "150.00"),
        ("NO/vat/standard", "0.25", "1000.00", "250.00"),
    ]
    assert result["tax_total"] == "400.00"
