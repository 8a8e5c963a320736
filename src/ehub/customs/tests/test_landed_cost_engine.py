"""Engine behaviour: overrides, unknown rates, refusals, explanation, comprehensive formulas."""

from __future__ import annotations

from decimal import Decimal

from ehub.customs.tests.support import line, quote, request


def test_unknown_duty_rate_is_reported_not_zero():
    result = quote(request("GB", lines=[line("520852", "200.00")]))

    assert result["duties"] == [
        {
            "line": 0,
            "hs_code": "520852",
            "rate": None,
            "base": "200.00",
            "amount": None,
            "rule": None,
        }
    ]
    assert result["complete"] is False
    assert result["unknown_rates"] == [
        {
            "line": 0,
            "hs_code": "520852",
            "kind": "duty",
            "reason": "no GB duty rate known for HS 520852",
        }
    ]
    assert any("duty rate unknown" in text for text in result["explanation"])
    assert result["duty_total"] == "0.00"


def test_duty_rate_override_replaces_the_data_and_completes_the_quote():
    result = quote(request("GB", lines=[line("520852", "200.00", duty_rate="0.02")]))

    assert result["duties"][0]["rate"] == "0.02"
    assert result["duties"][0]["amount"] == "4.00"
    assert result["duties"][0]["rule"] == "request/duty_rate"
    assert result["tax_total"] == "40.80"  # VAT 20% on 200 + 4
    assert result["complete"] is True
    assert {"id": "request/duty_rate", "source": "the request (line override)"} in result["rules"]


def test_tax_rate_override_keeps_the_regime_logic():
    # a reduced rate the data does not know: still IOSS, still at checkout
    result = quote(request("FI", lines=[line("090121", "100.00", tax_rate="0.14")]))

    assert result["collected"] == "at_checkout"
    assert result["taxes"][0]["rate"] == "0.14"
    assert result["tax_total"] == "14.00"


def test_mixed_tax_rates_make_one_tax_line_per_rate():
    result = quote(
        request("FI", lines=[line("620610", "50.00"), line("090121", "50.00", tax_rate="0.14")])
    )
    assert [(t["rate"], t["amount"]) for t in result["taxes"]] == [
        ("0.255", "12.75"),
        ("0.14", "7.00"),
    ]


def test_restricted_line_refuses_the_quote_with_reason_and_source():
    result = quote(request("AU", lines=[line("620610", "10.00"), line("081040", "20.00")]))

    assert result["allowed"] is False
    assert result["refusals"] == [
        {
            "line": 1,
            "hs_code": "081040",
            "reason": (
                "fresh fruit is removed from international mail and parcels by Australian "
                "biosecurity"
            ),
            "rule": "AU/restricted/fresh-fruit",
            "source": "http://www.daff.gov.au/travelling/mail/cant-mail?wasRedirectedByModule=true",
        }
    ]


def test_cn_comprehensive_rate_for_high_end_cosmetics():
    # [(15% + 13%) / (1 - 15%)] x 70% = 23.0588...% (published as 23.1% by
    # https://mymypanda.com/positive-list-the-first-step-of-selling-directly-to-china-in-2023)
    result = quote(request("CN", lines=[line("330499", "1000.00", consumption_tax_rate="0.15")]))

    assert [(t["kind"], t["amount"]) for t in result["taxes"]] == [
        ("consumption_tax", "123.53"),
        ("vat", "107.06"),
    ]
    total = Decimal(result["tax_total"])
    assert total == Decimal("230.59")
    assert abs(total / 1000 - Decimal("0.231")) < Decimal("0.001")


def test_cn_comprehensive_rate_without_consumption_tax_is_9_1_percent():
    # 13% x 70% = 9.1% (same published table)
    result = quote(request("CN", price="1000.00"))
    assert result["tax_total"] == "91.00"
    assert [t["kind"] for t in result["taxes"]] == ["vat"]


def test_br_icms_por_dentro():
    # ICMS = (value + II) / (1 - 17%) x 17%
    result = quote(request("BR", price="100.00", destination_region="BR-SP"))
    assert result["duty_total"] == "20.00"
    assert result["taxes"][0]["base"] == "120.00"
    assert result["taxes"][0]["amount"] == "24.58"


def test_in_total_is_30_98_percent_of_assessable_value():
    # Mumbai Customs: BCD 10% + SWS 10% of BCD + IGST 18% = 30.98%
    # (https://mumbaicustomszone3.gov.in/apsc-ict-faq)
    result = quote(request("IN", price="10000.00"))
    assert result["import_charges_total"] == "3098.00"
    assert [d["rule"] for d in result["duties"]] == ["IN/duty/BCD-9804", "IN/duty/SWS"]


def test_id_effective_vat_is_11_percent():
    result = quote(request("ID", lines=[line("090121", "40000.00")]))
    assert result["tax_total"] == "4400.00"


def test_eu_vat_base_excludes_carrier_fees_but_ch_includes_them():
    fee = [{"name": "handling", "amount": "10.00", "in_tax_base": True}]
    eu = quote(request("FI", price="200.00", carrier_fees=fee))
    ch = quote(request("CH", price="200.00", carrier_fees=fee))
    assert eu["taxes"][0]["base"] == "224.00"
    assert ch["taxes"][0]["base"] == "210.00"
    # carrier fees are never import charges nor part of the landed total
    assert ch["landed_total"] == str(Decimal("200.00") + Decimal(ch["import_charges_total"]))


def test_amounts_in_a_foreign_currency_follow_thresholds_in_the_destination_currency():
    # GBP 135 threshold, price in EUR at 0.85: EUR 158.82 -> GBP 135.00 (at), EUR 158.83 -> 135.01
    fx = {"EUR/GBP": "0.85"}
    at = quote(request("GB", currency="EUR", fx=fx, lines=[line(price="158.82")]))
    above = quote(request("GB", currency="EUR", fx=fx, lines=[line(price="158.83")]))
    assert at["collected"] == "at_checkout"
    assert above["collected"] == "at_border"


def test_shipping_is_allocated_to_lines_by_value():
    result = quote(
        request("FI", shipping="10.00", lines=[line("620610", "100.00"), line("620610", "200.00")])
    )
    assert [d["base"] for d in result["duties"]] == ["103.33", "206.67"]
    assert result["customs_value"] == "310.00"


def test_explanation_names_threshold_and_collection():
    result = quote(request("AU", price="50.00"))
    text = " ".join(result["explanation"])
    assert "Goods value AUD 50.00 is at most the threshold of AUD 1000." in text
    assert "collected at checkout" in text


def test_ch_import_tax_of_chf_5_or_less_is_not_levied_published_bases():
    """BAZG: import tax of CHF 5 or less is not levied, i.e. up to an assessment basis of about
    CHF 62 at 8.1% and CHF 193 at 2.6%
    (https://bazg.admin.ch/bazg/en/home/information-individuals/online-shopping--mail-and-courier-consignments/importation-into-switzerland/receipt-of-letters-and-parcels.html).
    """
    standard_below = quote(request("CH", price="61.00"))
    standard_above = quote(request("CH", price="62.00"))
    reduced_below = quote(request("CH", lines=[line("190531", "192.00")]))
    reduced_above = quote(request("CH", lines=[line("190531", "193.00")]))

    assert standard_below["tax_total"] == "0.00"
    assert standard_below["taxes"][0]["rate"] == "0.081"
    assert standard_above["tax_total"] == "5.02"
    assert reduced_below["tax_total"] == "0.00"
    assert reduced_above["tax_total"] == "5.02"
