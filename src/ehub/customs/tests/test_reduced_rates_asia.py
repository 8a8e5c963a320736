"""Reduced and zero VAT/sales tax on food: CN, PH, KR, ID and MY (issue 3).

Each destination: a food line at the reduced (or zero) rate with its rule id and amount, beside a
non-food line at the standard rate in the same parcel. Amounts are worked out by hand from the
rule files (sources in CN.toml, PH.toml, KR.toml, ID.toml, MY.toml). SG, NZ, IN, TH and VN keep
the standard rate on food (comments in their rule files say why).
"""

from __future__ import annotations

from typing import Any

from ehub.customs.tests.support import line, quote, regime_id, request


def _taxes(result: dict[str, Any]) -> list[tuple[str, str | None, str | None, str | None]]:
    return [(t["rule"], t["rate"], t["base"], t["amount"]) for t in result["taxes"]]


# --- CN: 9% VAT on agricultural products (vs 13%), at 70% in the CBEC channel ---


def test_cn_cbec_oolong_tea_at_9_percent_beside_skin_care_at_13_percent():
    # 0% tariff; VAT at 70%: 100 x 9% x 70% = 6.30; 100 x 13% x 70% = 9.10
    result = quote(request("CN", lines=[line("090230", "100.00"), line("330499", "100.00")]))
    assert regime_id(result) == "CN/regime/cbec-within-limits"
    assert _taxes(result) == [
        ("CN/vat/9-percent", "0.09", "100.00", "6.30"),
        ("CN/vat/standard", "0.13", "100.00", "9.10"),
    ]
    assert result["tax_total"] == "15.40"
    assert result["complete"] is True


def test_cn_single_item_above_order_limit_oolong_pays_full_duty_and_9_percent_vat():
    # MFN 15% of 6,000 = 900; VAT 9% of 6,900 = 621 (no 70% reduction above the limit)
    result = quote(request("CN", lines=[line("090230", "6000.00")]))
    assert regime_id(result) == "CN/regime/cbec-single-item-above-order-limit"
    assert result["duty_total"] == "900.00"
    assert _taxes(result) == [("CN/vat/9-percent", "0.09", "6900.00", "621.00")]


def test_cn_roasted_coffee_and_jam_keep_13_percent():
    result = quote(request("CN", lines=[line("090121", "100.00"), line("200799", "100.00")]))
    assert _taxes(result) == [("CN/vat/standard", "0.13", "200.00", "18.20")]


def test_cn_postal_article_tax_is_unchanged_for_tea():
    result = quote(request("CN", channel="postal", lines=[line("090230", "500.00")]))
    assert regime_id(result) == "CN/regime/postal"
    assert _taxes(result) == [("CN/postal/article-tax", "0.13", "500.00", "65.00")]


# --- PH: VAT-exempt importation of agricultural food products in their original state ---


def test_ph_dried_fruit_exempt_beside_skin_care_at_12_percent():
    # FOB 24,000 > PHP 10,000: dried fruit VAT 0; skin care 12% of 12,000 = 1,440 (duty unknown)
    result = quote(request("PH", lines=[line("081340", "12000.00"), line("330499", "12000.00")]))
    assert regime_id(result) == "PH/regime/import"
    assert _taxes(result) == [
        ("PH/vat/exempt-agricultural-food-original-state", "0", "12000.00", "0.00"),
        ("PH/vat/standard", "0.12", "12000.00", "1440.00"),
    ]
    assert result["tax_total"] == "1440.00"


def test_ph_fresh_berries_exempt_but_roasted_coffee_keeps_12_percent():
    result = quote(request("PH", lines=[line("081040", "6000.00"), line("090121", "6000.00")]))
    assert _taxes(result) == [
        ("PH/vat/exempt-agricultural-food-original-state", "0", "6000.00", "0.00"),
        ("PH/vat/standard", "0.12", "6000.00", "720.00"),
    ]


# --- KR: VAT-exempt importation of unprocessed foodstuffs (VAT Act art. 27) ---


def test_kr_fresh_berries_exempt_beside_blouse_at_10_percent():
    # above USD 150 (KRW 210,000): blouse duty 13% of 300,000 = 39,000, VAT 10% of 339,000 = 33,900;
    # berries: duty unknown, VAT 0
    result = quote(request("KR", lines=[line("081040", "300000"), line("620610", "300000")]))
    assert regime_id(result) == "KR/regime/import"
    assert result["duty_total"] == "39000"
    assert _taxes(result) == [
        ("KR/vat/exempt-unprocessed-food", "0", "300000", "0"),
        ("KR/vat/standard", "0.1", "339000", "33900"),
    ]


def test_kr_dried_fruit_keeps_10_percent():
    result = quote(request("KR", lines=[line("081340", "300000")]))
    assert _taxes(result) == [("KR/vat/standard", "0.1", "300000", "30000")]


# --- ID: PPN-exempt importation of basic necessities (fruit), PP 49/2022 ---


def test_id_fresh_berries_exempt_beside_knives_at_12_percent_on_11_12():
    # flat 7.5% duty on each line: 37,500 + 37,500; knives VAT 12% x 11/12 x 537,500 = 59,125
    result = quote(request("ID", lines=[line("081040", "500000"), line("821191", "500000")]))
    assert regime_id(result) == "ID/regime/shipment-flat-rate"
    assert result["duty_total"] == "75000.00"
    assert _taxes(result) == [
        ("ID/vat/exempt-basic-necessities", "0", "537500.00", "0.00"),
        ("ID/vat/12-on-11-12", "0.12", "537500.00", "59125.00"),
    ]
    assert result["tax_total"] == "59125.00"
    assert result["complete"] is True


# --- MY: 5% sales tax on imported fruit from 2025-07-01 (border regime) ---


def test_my_border_imported_berries_at_5_percent_beside_skin_care_at_10_percent():
    result = quote(request("MY", lines=[line("081040", "600.00"), line("330499", "600.00")]))
    assert regime_id(result) == "MY/regime/border"
    assert _taxes(result) == [
        ("MY/sales-tax/imported-fruit-5", "0.05", "600.00", "30.00"),
        ("MY/sales-tax/standard", "0.1", "600.00", "60.00"),
    ]
    assert result["tax_total"] == "90.00"


def test_my_fruit_rate_applies_from_2025_07_01_only():
    lines = [line("081040", "600.00"), line("330499", "600.00")]
    before = quote(request("MY", date="2025-06-30", lines=lines))
    assert _taxes(before) == [("MY/sales-tax/standard", "0.1", "1200.00", "120.00")]
    first_day = quote(request("MY", date="2025-07-01", lines=lines))
    assert _taxes(first_day)[0] == ("MY/sales-tax/imported-fruit-5", "0.05", "600.00", "30.00")


def test_my_low_value_goods_keep_10_percent_on_fruit():
    result = quote(request("MY", lines=[line("081040", "100.00")]))
    assert regime_id(result) == "MY/regime/low-value-goods"
    assert _taxes(result) == [("MY/sales-tax/LVG", "0.1", "100.00", "10.00")]
