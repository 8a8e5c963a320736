"""Landed-cost tests built from published worked examples (issue 3).

Each test quotes a worked example published by a customs or tax authority (or, where none could be
found, a named secondary source that shows the whole arithmetic) and feeds the engine exactly the
example's inputs. Conventions:

- The source's figures and address are quoted in the test's docstring.
- A rate that is an *input* of the example ("a duty rate of 5% is used for this example") is passed
  as the line's ``duty_rate`` override; rates that are rule facts (GST 10%, VAT 25%, BCD 10% + SWS
  + IGST 18%, Remessa Conforme 20% / 60% minus USD 20, ...) come from the rule files, so the test
  also checks the data.
- The example's exchange rate is passed in the request's ``fx``; no stored rate is used
  (``NO_STORED_RATES``), so a missing pair fails loudly instead of silently using a test rate.
- The date is the example's date when the engine holds rules for it, otherwise a date on which the
  same rules are in force (the docstring says why).
- Where the destination's rounding rule is modelled (``[rounding]`` in its rule file: NO whole
  kroner, NL duty down to the cent, JP bases down to JPY 1,000 and tax totals down to JPY 100),
  the test asserts the published figures exactly. Where a source rounds in a way the rules do not
  model (a result rounded in another currency), the test asserts what the engine computes and
  shows how the published figure follows from it.
- An example the engine disagrees with because of a real engine or data gap is kept and marked
  ``xfail(strict=True)`` with the exact difference.

Covered (2026-11-23): NL (for the EU rules), AU, NZ, SG, CA, BR, IN, NO, CH, JP, KR (KCS's duty
example as reproduced by a customs broker; a newspaper's example), SA (ZATCA's example as
reproduced by a secondary source); FI has the issue's own example
(``test_landed_cost_issue_example.py``). US: CBP's official postal-duty worksheet example is kept
as a strict xfail (ehub does not hold the origins' IEEPA rates). No worked example with full
arithmetic that ehub's rules reproduce was found for GB, US, CN, MX, MY, TH, ID, VN or PH; examples
found for them were from forwarders or forums, predate the rules ehub holds, or rely on facts the
contract cannot express (the CN dutiable-value table for postal articles; Thai excise and
interior tax).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from ehub.core.fx import RateTable
from ehub.customs.tests.support import amount, line, quote, regime_id

NO_STORED_RATES = RateTable()


def _request(
    destination: str,
    currency: str,
    date: str,
    lines: list[dict[str, Any]],
    **kw: Any,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "date": date,
        "destination": destination,
        "destination_region": None,
        "ship_from": None,
        "currency": currency,
        "fx": {},
        "buyer_type": "consumer",
        "channel": None,
        "lines": lines,
        "shipping": "0.00",
        "insurance": "0.00",
        "carrier_fees": [],
    }
    payload.update(kw)
    return payload


def _quote(payload: dict[str, Any]) -> dict[str, Any]:
    return quote(payload, NO_STORED_RATES)


def _only(entries: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(entries) == 1, entries
    return entries[0]


def _rate(entry: dict[str, Any]) -> Decimal:
    assert entry["rate"] is not None
    return Decimal(entry["rate"])


# --------------------------------------------------------------------------------------------
# Netherlands (EU): Belastingdienst, calculation examples for parcels from businesses
# --------------------------------------------------------------------------------------------


def test_nl_belastingdienst_camera_149_vat_only_on_price_shipping_insurance():
    """Belastingdienst example 1: goods of EUR 150 or less, VAT only (official).

    Source: Belastingdienst (Dutch Tax and Customs Administration), "Rekenvoorbeelden
    invoerrechten voor zendingen van bedrijven",
    https://www.belastingdienst.nl/wps/wcm/connect/bldcontentnl/belastingdienst/prive/douane/goederen_ontvangen_uit_het_buitenland/van_organisaties_en_bedrijven/rekenvoorbeelden:

        "Voorbeeld 1: Waarde ontvangen goederen niet meer dan € 150
        U koopt buiten de Europese Unie (EU) een fotocamera voor € 149.
        prijs fotocamera: € 149; verzendkosten (bijvoorbeeld): € 25; verzekeringskosten (in dit
        voorbeeld) € 10; invoerrechten: € 0;
        btw (omzetbelasting) 21% over: (€ 149 + € 25 + € 10 = € 184): € 38,64
        Totaal (€ 149 + € 25 + € 10 + € 38,64): € 222,64 ...
        U betaalt alleen btw, geen invoerrechten omdat de waarde niet meer is dan € 150."

    The tax is paid "bij invoer" (at import), so the seller does not use IOSS: channel
    ``no_ioss`` (with the default IOSS channel ehub charges the same EUR 38.64, at checkout). VAT
    21% and the EUR 150 duty relief are rule data. Date 2026-03-01: the page version without the
    EUR 22 VAT exemption, i.e. after 2021-07-01, and before the EUR 3 interim duty on IOSS
    consignments (2026-07-01).
    """
    result = _quote(
        _request(
            "NL",
            "EUR",
            "2026-03-01",
            [line("852589", "149.00")],
            channel="no_ioss",
            shipping="25.00",
            insurance="10.00",
        )
    )

    assert regime_id(result) == "EU/regime/low-value-no-IOSS"
    assert result["collected"] == "at_border"
    assert result["duty_total"] == "0.00"
    vat = _only(result["taxes"])
    assert (_rate(vat), vat["base"], vat["amount"]) == (Decimal("0.21"), "184.00", "38.64")
    assert result["landed_total"] == "222.64"


def test_nl_belastingdienst_handbag_199_duty_3pc_on_cif_and_vat_on_duty_inclusive_value():
    """Belastingdienst example 2: goods above EUR 150, duty and VAT (official).

    Source: as the previous test,
    https://www.belastingdienst.nl/wps/wcm/connect/bldcontentnl/belastingdienst/prive/douane/goederen_ontvangen_uit_het_buitenland/van_organisaties_en_bedrijven/rekenvoorbeelden:

        "Voorbeeld 2: Waarde ontvangen goederen € 150 of meer
        U koopt buiten de Europese Unie een handtas van kunstleer, van € 199.
        verzendkosten (bijvoorbeeld): € 25; verzekeringskosten (in dit voorbeeld): € 10
        invoerrechten 3% over (€ 199 + € 25 + € 10 = € 234): € 7,02
        btw (omzetbelasting) 21% over (€ 199 + € 25 + € 10 + € 7,02= € 241,02): € 50,61
        Totaal ...: € 291,63 ... U betaalt in dit voorbeeld dus € 57,63 aan belastingen bij
        invoer."

    The 3% duty is the example's input (``duty_rate``; EU.toml holds no rate for HS 4202.22,
    handbags with an outer surface of plastic sheeting). Channel ``no_ioss`` as above (above
    EUR 150 every EU channel gives the standard import). Date 2026-03-01.
    """
    result = _quote(
        _request(
            "NL",
            "EUR",
            "2026-03-01",
            [line("420222", "199.00", duty_rate="0.03")],
            channel="no_ioss",
            shipping="25.00",
            insurance="10.00",
        )
    )

    assert regime_id(result) == "EU/regime/standard-import"
    assert result["collected"] == "at_border"
    assert result["customs_value"] == "234.00"
    duty = _only(result["duties"])
    assert (_rate(duty), duty["base"], duty["amount"]) == (Decimal("0.03"), "234.00", "7.02")
    vat = _only(result["taxes"])
    assert (_rate(vat), vat["base"], vat["amount"]) == (Decimal("0.21"), "241.02", "50.61")
    assert result["import_charges_total"] == "57.63"
    assert result["landed_total"] == "291.63"


def test_nl_belastingdienst_suit_from_a_friend_duty_2_5pc_rounded_down_to_the_cent():
    """Belastingdienst example for a parcel from a private person (official; rounds duty down).

    Source: Belastingdienst, "Rekenvoorbeeld invoerrechten voor pakjes van particulieren",
    https://www.belastingdienst.nl/wps/wcm/connect/bldcontentnl/belastingdienst/prive/douane/goederen_ontvangen_uit_het_buitenland/van_particulieren_aan_particulieren/rekenvoorbeeld:

        "U krijgt een pak toegezonden van een vriend uit Hong Kong. De omgerekende waarde van het
        maatpak is € 200. ... Verzendkosten (bijvoorbeeld € 25) € 25; Verzekeringskosten (in dit
        voorbeeld € 10) € 10; U moet invoerrechten betalen over: € 200 + € 25 + € 10 = € 235;
        Invoerrechten: 2,5% van € 235 = € 5,87; U moet btw (omzetbelasting) betalen over: € 200 +
        € 25 + € 10 + € 5,87 = € 240,87; btw voor dit maatpak: 21% van € 240,87 = € 50,58;
        Totaal (prijs, kosten, belastingen) € 291,45. U betaalt in dit voorbeeld € 56,45 aan
        belastingen bij invoer (€ 5,87 + € 50,58)."

    2.5% of EUR 235 is 5.875: the published EUR 5.87 is rounded down, which NL.toml models
    (``[rounding.duty] mode = "down"``, citing this page). The 2.5% duty is the example's input
    (``duty_rate``). The suit is worth more than the EUR 45 gift relief, so it is taxed in full
    as any consignment above EUR 150: channel ``no_ioss`` (taxes at import). Date 2026-03-01.
    """
    result = _quote(
        _request(
            "NL",
            "EUR",
            "2026-03-01",
            [line("620311", "200.00", origin="HK", duty_rate="0.025")],
            ship_from="HK",
            channel="no_ioss",
            shipping="25.00",
            insurance="10.00",
        )
    )

    assert regime_id(result) == "EU/regime/standard-import"
    assert result["collected"] == "at_border"
    duty = _only(result["duties"])
    assert (_rate(duty), duty["base"], duty["amount"]) == (Decimal("0.025"), "235.00", "5.87")
    vat = _only(result["taxes"])
    assert (_rate(vat), vat["base"], vat["amount"]) == (Decimal("0.21"), "240.87", "50.58")
    assert result["import_charges_total"] == "56.45"
    assert result["landed_total"] == "291.45"


# --------------------------------------------------------------------------------------------
# Australia: Australian Customs and Border Protection Service, "When buying over the internet"
# --------------------------------------------------------------------------------------------


def test_au_customs_amplifier_example_duty_on_customs_value_gst_on_voti():
    """Australian Customs' worked example for goods above A$1,000 (official).

    Source: Australian Customs and Border Protection Service, "When buying over the internet"
    (section "Calculating Duty and Taxes"), http://www.customs.gov.au/site/page5549.asp. The page
    as stored here shows the section headings; the example's text was read as quoted from "the
    customs website" at http://clubcobra.com/forums/1097338-post12.html (2010):

        "an electric sound amplifier with a duty rate of 5%. The purchase price was US$1,274 and
        the exchange rate on the day it was exported was 0.9100 (A$1 = US$0.91). The postage and
        insurance was US$118.30
        Customs value converted to Australian currency = US$1274/0.9100 = A$1,400.00
        Postage and insurance converted = US$118.30/0.9100 = A$130.00
        Duty (amount payable) = 5% of A$1,400 = A$70.00
        VoTI = (customs value + duty + postage and insurance) = A$1,400 + A$70 + A$130 = A$1600.00
        GST = 10% of VoTI (amount payable) = 10% of A$1,600 = A$160.00
        Duty + GST = A$70.00 + A$160 = A$230.00
        Plus import declaration (lodgement) charge ..."

    The 5% duty rate is an input of the example (AU.toml holds no MFN rate for amplifiers), so it
    is passed as ``duty_rate``; GST 10%, the A$1,000 threshold, duty on the (FOB) customs value
    and the VoTI are the rule data under test. Date: the example predates ehub's AU rules
    (2018-07-01); the border calculation above A$1,000 is unchanged since, so the test uses
    2026-03-01. The import declaration processing charge is not modelled (AU.toml notes), hence
    no fee.
    """
    result = _quote(
        _request(
            "AU",
            "USD",
            "2026-03-01",
            [line("851840", "1274.00", origin="US", duty_rate="0.05")],
            ship_from="US",
            fx={"AUD/USD": "0.9100"},
            shipping="118.30",
        )
    )

    assert regime_id(result) == "AU/regime/border"
    assert result["collected"] == "at_border"
    assert result["customs_value"] == "1400.00"
    duty = _only(result["duties"])
    assert (_rate(duty), duty["base"], duty["amount"]) == (Decimal("0.05"), "1400.00", "70.00")
    gst = _only(result["taxes"])
    assert gst["kind"] == "gst"
    assert (_rate(gst), gst["base"], gst["amount"]) == (Decimal("0.10"), "1600.00", "160.00")
    assert result["duty_total"] == "70.00"
    assert result["tax_total"] == "160.00"
    # The example totals duty and GST (A$230); the declaration's charges come on top (rule data,
    # not the example's): Import Processing Charge A$50 and biosecurity charge (air) A$45.
    assert result["fee_total"] == "95.00"
    assert result["import_charges_total"] == "325.00"
    # goods A$1,400 + postage and insurance A$130 + duty and GST A$230 + charges A$95
    assert result["landed_total"] == "1855.00"
    assert result["complete"] is True


def test_au_customs_cval_1200_example_voti_includes_transport_and_insurance():
    """The same Customs page, an Australian-dollar version of the example (official).

    Source: http://www.customs.gov.au/site/page5549.asp, as quoted with its address at
    https://www.vwwatercooled.com.au/forums/f39/tirerack-com-why-would-buy-anywhere-else-39174-post445942.html:

        "Customs value (Cval) = A$1200.00 (converted to A$ on day of arrival)
        Customs duty (Duty) @ 5% of Cval = A$60.00 (Payable)
        International transport and insurance or postage (T&I) A$150.00
        Value of the Taxable Importation (VoTI) (Cval+Duty+T&I) A$1410.00
        Goods and Services Tax (GST) @ 10 per cent of the VoTI = A$141.00 (Payable)
        Total payable Duty + GST = A$201.00"

    Duty 5% is the example's input (``duty_rate``); T&I goes in ``shipping``. Date as in the
    previous test (same rules since 2018-07-01).
    """
    result = _quote(
        _request(
            "AU",
            "AUD",
            "2026-03-01",
            [line("851840", "1200.00", origin="US", duty_rate="0.05")],
            ship_from="US",
            shipping="150.00",
        )
    )

    assert regime_id(result) == "AU/regime/border"
    assert result["customs_value"] == "1200.00"
    assert _only(result["duties"])["amount"] == "60.00"
    gst = _only(result["taxes"])
    assert (gst["base"], gst["amount"]) == ("1410.00", "141.00")
    # "Total payable Duty + GST = A$201.00"; the declaration's charges (A$95) come on top.
    assert amount(result["duty_total"]) + amount(result["tax_total"]) == Decimal("201.00")
    assert result["import_charges_total"] == "296.00"
    assert result["collected"] == "at_border"


# --------------------------------------------------------------------------------------------
# New Zealand: NZ Customs Service, "Examples of how to calculate Customs Charges"
# --------------------------------------------------------------------------------------------


def test_nz_customs_gst_only_example_gst_on_goods_plus_freight_now_charged_at_sale():
    """NZ Customs' GST-only example (official; the collection point has changed since).

    Source: New Zealand Customs Service, "Examples of how to calculate Customs Charges i.e Duty
    and GST", released under the Official Information Act,
    https://fyi.org.nz/request/657/response/3311/attach/html/3/Copy%20of%20Examples%20of%20how%20to%20calculate%20Customs%20Charges.pdf.html:

        "GST of 15% is calculated on the total of; the cost of the goods plus the cost of the
        insurance and freight plus duty where applicable. ...
        Example 1 (GST Only): Cost of goods = NZ$1000  Cost of insurance and freight = NZ$100
        NZ$1000 + NZ$100 = NZ$1100 x 15% = NZ$165 GST payable"

    The example predates 2019-12-01, when GST on goods of NZ$1,000 or less moved to the point of
    sale (https://www.customs.govt.nz/about-us/news/important-notices/new-gst-rules-for-low-value-imported-goods/);
    ehub's NZ rules start that day, so the test uses 2026-03-01. The GST figure and its base are
    unchanged (15% of goods + insurance and freight); what changed is who collects it: the seller
    at checkout, not Customs at the border. Example 2 of the same document (5% duty on the same
    NZ$1,000) is left out: under the rules since 2019-12-01 goods of NZ$1,000 are not dutiable at
    the border, and ehub holds no NZ rules before that date.
    """
    result = _quote(
        _request("NZ", "NZD", "2026-03-01", [line("620610", "1000.00")], shipping="100.00")
    )

    assert regime_id(result) == "NZ/regime/low-value-imported-goods"
    assert result["collected"] == "at_checkout"
    gst = _only(result["taxes"])
    assert gst["kind"] == "gst"
    assert (_rate(gst), gst["base"], gst["amount"]) == (Decimal("0.15"), "1100.00", "165.00")
    assert result["duty_total"] == "0.00"
    assert result["import_charges_total"] == "165.00"
    assert result["landed_total"] == "1265.00"


# --------------------------------------------------------------------------------------------
# Singapore: IRAS and Singapore Customs
# --------------------------------------------------------------------------------------------


def test_sg_iras_2022_example_gst_7pc_on_cif_above_400_and_relief_at_200():
    """IRAS' table for consumers importing goods, GST 7% era (official).

    Source: IRAS, "Consumers Importing Goods into Singapore",
    https://www.iras.gov.sg/IRASHome/GST/Consumers/Consumers-Importing-Goods-into-Singapore/
    ("GST need not be paid for goods (except for dutiable products) with CIF value of not more
    than $400. Where the CIF value is more than $400, the entire sum will be subject to GST."); the
    page's table, as reproduced with that link at http://101bao.com/content-56.html:

        "Total Value of Goods | Do I need to pay GST?
        $200 | No. The CIF value is not more than $400.
        $450 | Yes. The CIF value is more than $400. GST payable = $450 X 7% = $31.50"

    Date 2022-06-01: GST was 7% and the S$400 import relief applied to every air/post parcel
    (before GST on low-value goods at sale, 2023-01-01). The "total value" is the CIF value, so it
    is the whole line price with no separate shipping. Clothing (chapter 62) is duty-free.
    """
    above = _quote(_request("SG", "SGD", "2022-06-01", [line("620610", "450.00")]))
    assert regime_id(above) == "SG/regime/border"
    assert above["collected"] == "at_border"
    gst = _only(above["taxes"])
    assert (_rate(gst), gst["base"], gst["amount"]) == (Decimal("0.07"), "450.00", "31.50")
    assert above["duty_total"] == "0.00"
    assert above["import_charges_total"] == "31.50"
    assert above["complete"] is True

    relieved = _quote(_request("SG", "SGD", "2022-06-01", [line("620610", "200.00")]))
    assert regime_id(relieved) == "SG/regime/import-relief"
    assert relieved["import_charges_total"] == "0.00"


def test_sg_customs_item_395_plus_shipping_25_is_low_value_goods_taxed_at_purchase():
    """Singapore Customs' definition of low-value goods (official).

    Source: Singapore Customs, "GST on Low-Value Goods",
    https://www.customs.gov.sg/personal-shipment/buying-from-overseas/gst-on-low-value-goods:

        "Low-value goods are goods with a sales value of S$400 or less that are imported into
        Singapore by air or post. Sales value refers to the price of the goods only. It does not
        include: Transportation and insurance charges, GST, Customs duty. If an item costs S$395
        and shipping costs S$25, the sales value is S$395. ... GST is charged at checkout if all
        of the following apply: Each item costs S$400 or less; The goods are imported by air or
        post; The overseas seller or marketplace is GST-registered ... GST is not charged again
        at import."

    ehub's default SG channel is a GST-registered (OVR) seller, the case the quoted rule covers.
    The page gives no GST amount, so the test asserts the regime and the collection point only.
    Date: 2026-03-01 (GST on low-value goods since 2023-01-01, 9% since 2024-01-01).
    """
    result = _quote(
        _request("SG", "SGD", "2026-03-01", [line("620610", "395.00")], shipping="25.00")
    )

    assert regime_id(result) == "SG/regime/low-value-goods"
    assert result["collected"] == "at_checkout"


# --------------------------------------------------------------------------------------------
# Canada: CBSA example of customs duty and GST
# --------------------------------------------------------------------------------------------


def test_ca_cbsa_example_us100_at_115_duty_4pc_gst_on_value_for_tax():
    """CBSA's example of a calculation of customs duty and GST (CBSA text via a reproduction).

    Source: CBSA guidance text ("To obtain the proper exchange rate, call the Border Information
    Service (BIS)"), read as reproduced at
    https://smallformfactor.net/forum/threads/s4-mini-classic-s4m-c.96/post-46018; the CBSA page
    itself could not be retrieved here:

        "The following is an example of a calculation of customs duty and GST on imported goods
        with a value for currency conversion of US$100. The example exchange rate is US$1 =
        CAN$1.15. The goods are subject to 4% customs duty and 5% GST:
        US$100 x 1.15 = CAN$115 (value for duty)
        $115.00 (value for duty) x 4% (customs duty rate) = $4.60 (customs duty)
        $115.00 (value for duty) + $4.60 (customs duty) = $119.60 (value for tax)
        $119.60 x 5% (GST) = $5.98 (GST)
        Total of customs duty and GST payable (in Canadian dollars) is $4.60 + $5.98 = $10.58"

    The 4% duty is the example's input (``duty_rate``); GST 5%, the CAD 20 courier threshold and
    the value-for-tax base are rule data. The goods must not be CUSMA goods (from the US they
    would be duty-free up to CAD 150), so the line is of Chinese origin shipped from China. The
    example shows GST alone (no HST or provincial tax): a province that levies neither at the
    border, Alberta (``CA-AB``); without a province ehub reports the provincial tax as unknown.
    Date: undated example; 2026-03-01 (GST 5% throughout).
    """
    result = _quote(
        _request(
            "CA",
            "USD",
            "2026-03-01",
            [line("620610", "100.00", origin="CN", duty_rate="0.04")],
            ship_from="CN",
            fx={"USD/CAD": "1.15"},
            destination_region="CA-AB",
        )
    )

    assert regime_id(result) == "CA/regime/courier-full"
    assert result["collected"] == "at_border"
    assert result["customs_value"] == "115.00"
    duty = _only(result["duties"])
    assert (_rate(duty), duty["base"], duty["amount"]) == (Decimal("0.04"), "115.00", "4.60")
    gst = _only(result["taxes"])
    assert gst["kind"] == "gst"
    assert (_rate(gst), gst["base"], gst["amount"]) == (Decimal("0.05"), "119.60", "5.98")
    assert result["import_charges_total"] == "10.58"
    assert result["landed_total"] == "125.58"


# --------------------------------------------------------------------------------------------
# Brazil: Remessa Conforme (secondary source: no Receita Federal worked example was found)
# --------------------------------------------------------------------------------------------


def test_br_remessa_conforme_usd_50_import_tax_20pc_and_icms_por_dentro():
    """UOL Economia with IBET-RS, purchase of US$50 (secondary: full arithmetic shown).

    Source: UOL Economia, 2025-07-29, calculation "realizado com o auxílio de Antonio Rodrigues,
    professor no Instituto Brasileiro de Estudos Tributários do RS, com o dólar a R$ 5,52
    (cotação de 24 de julho)",
    https://economia.uol.com.br/noticias/redacao/2025/07/29/e-mail-cobrando-taxa-das-blusinhas-pode-ser-golpe-quando-devo-pagar.htm:

        "Compras de até US$ 50: pagam 20% de imposto de importação e ICMS (de 17%). A conta fica
        assim: US$ 50 (compra) + US$ 10 (20% de imposto) + US$ 12,29 (17% de ICMS) = US$ 72,29,
        ou R$ 399,04."

    ICMS is charged "por dentro": 17% of (50 + 10) / (1 - 0.17) = US$12.29. All rates are rule
    data (BR.toml); the exchange rate is the example's (``fx``). Region BR-SP (ICMS 17%, the
    example's rate). Date 2025-07-24, the day of the exchange rate.
    """
    result = _quote(
        _request(
            "BR",
            "USD",
            "2025-07-24",
            [line("620610", "50.00")],
            fx={"USD/BRL": "5.52"},
            destination_region="BR-SP",
        )
    )

    assert regime_id(result) == "BR/regime/PRC-up-to-USD-50"
    assert result["collected"] == "at_checkout"
    assert result["customs_value"] == "276.00"  # US$50 x 5.52
    duty = _only(result["duties"])
    assert (_rate(duty), duty["amount"]) == (Decimal("0.20"), "55.20")  # US$10 x 5.52
    icms = _only(result["taxes"])
    assert icms["kind"] == "icms"
    # US$12.29 x 5.52 = 67.84; por dentro: 17% x 331.20 / 0.83 = 67.836...
    assert (_rate(icms), icms["base"], icms["amount"]) == (Decimal("0.17"), "331.20", "67.84")
    assert result["landed_total"] == "399.04"  # R$ 399,04 as published


def test_br_remessa_conforme_usd_100_import_tax_60pc_minus_usd_20_and_icms():
    """UOL Economia with IBET-RS, purchase of US$100 (secondary: full arithmetic shown).

    Source: as the previous test,
    https://economia.uol.com.br/noticias/redacao/2025/07/29/e-mail-cobrando-taxa-das-blusinhas-pode-ser-golpe-quando-devo-pagar.htm:

        "Compras a partir de US$ 50,01: o imposto de importação é de 60%, com uma dedução de US$ 20
        no cálculo do tributo. ... A conta para uma compra de US$ 100 (R$ 552) fica assim: US$ 100
        (compra) + US$ 40 (60% de imposto, com o desconto fixo de US$ 20) + US$ 28,67 (17% de
        ICMS, o mais baixo) = US$ 168,67, ou R$ 931,05"

    Rounding: the source rounds ICMS in dollars (US$28.67) and converts the dollar total at the
    end (168.67 x 5.52 = 931.0584, shown as R$931,05). ehub computes in reais: ICMS 17% x 772.80 /
    0.83 = R$158.28 (= US$28.6739), landed R$931.08 (= US$168.6739). The test asserts ehub's reais
    figures and that, converted back at the example's rate, they give the published dollar
    figures to the cent.
    """
    rate = Decimal("5.52")
    result = _quote(
        _request(
            "BR",
            "USD",
            "2025-07-24",
            [line("620610", "100.00")],
            fx={"USD/BRL": "5.52"},
            destination_region="BR-SP",
        )
    )

    assert regime_id(result) == "BR/regime/PRC-up-to-USD-3000"
    assert result["collected"] == "at_checkout"
    assert result["customs_value"] == "552.00"  # R$ 552 as published
    duty = _only(result["duties"])
    assert duty["line"] is None  # computed on the whole consignment
    assert duty["amount"] == "220.80"  # (60% x 552) - (20 x 5.52) = US$40 x 5.52
    icms = _only(result["taxes"])
    assert (icms["base"], icms["amount"]) == ("772.80", "158.28")
    assert result["landed_total"] == "931.08"
    cents = Decimal("0.01")
    assert (Decimal(icms["amount"]) / rate).quantize(cents, ROUND_HALF_UP) == Decimal("28.67")
    landed_usd = (Decimal(result["landed_total"]) / rate).quantize(cents, ROUND_HALF_UP)
    assert landed_usd == Decimal("168.67")


# --------------------------------------------------------------------------------------------
# India: Mumbai Customs Zone-III, Air Cargo Complex courier FAQ
# --------------------------------------------------------------------------------------------


def test_in_courier_personal_9804_bcd_sws_igst_breakup_30_98_pc_of_assessable_value():
    """Mumbai Customs Zone-III's duty break-up for CTH 9804 personal imports (official).

    Source: Mumbai Customs Zone-III, APSC / courier FAQ, https://mumbaicustomszone3.gov.in/apsc-ict-faq:

        "All goods imported under CTH 9804, intended for personal use ... attract duty of BCD 10%,
        SWS 10%, IGST 18% as per SI No. 608 of Customs Notification No. 50/2017. ...
        Assuming Assessable Value of Goods (Cost, Insurance & Frieght) is Rs. X
        1 Basic Customs Duty (BCD)          | 10% of X              | 10.00% of X
        2 Social Welfare Surcharge (SWS)    | 10% of BCD            |  1.00% of X
        3 IGST                              | 18% of (X+BCD+SWS)    | 19.98% of X
        Total Duty (1+2+3)                                          | 30.98% of X"

    The example is in terms of X; the test takes X = Rs 10,000 (CIF, no separate freight), which
    makes every published percentage an exact rupee figure. All rates are rule data (IN.toml).
    Date 2026-03-01 (the FAQ cites the Postal Imports Regulations, 2025: current).
    """
    result = _quote(_request("IN", "INR", "2026-03-01", [line("620610", "10000.00")]))

    assert regime_id(result) == "IN/regime/courier-personal-9804"
    assert result["collected"] == "at_border"
    assert result["customs_value"] == "10000.00"
    bcd, sws = result["duties"]
    assert (bcd["rule"], _rate(bcd), bcd["amount"]) == (
        "IN/duty/BCD-9804",
        Decimal("0.10"),
        "1000.00",
    )  # 10.00% of X
    assert (sws["rule"], sws["base"], sws["amount"]) == ("IN/duty/SWS", "1000.00", "100.00")
    igst = _only(result["taxes"])
    assert igst["kind"] == "igst"
    # 18% of (X + BCD + SWS) = 19.98% of X
    assert (_rate(igst), igst["base"], igst["amount"]) == (Decimal("0.18"), "11100.00", "1998.00")
    assert result["import_charges_total"] == "3098.00"  # 30.98% of X


# --------------------------------------------------------------------------------------------
# Norway: Norwegian Customs (toll.no)
# --------------------------------------------------------------------------------------------


def test_no_toll_skirt_example_duty_on_price_plus_shipping_vat_on_duty_inclusive_basis():
    """Norwegian Customs' online-shopping example (official; published in whole kroner).

    Source: Norwegian Customs, "Calculation of Norwegian VAT" (updated 13/11/2024),
    https://toll.no/en/online-shopping/calculation-norwegian-vat:

        "Example, a skirt is purchased from an English online store:
        Price of the item: NOK 1,000
        + Shipping costs: NOK 250
        + Duty (10.7% of NOK 1,250): NOK 134
        = The basis for calculation of VAT: NOK 1,384
        + VAT (25% of NOK 1,384): NOK 346
        = In this case the skirt will cost: NOK 1,730"

    Inputs: duty 10.7% is the example's input (NO.toml holds no duty rates) -> ``duty_rate``;
    VAT 25% is rule data. The store charged no Norwegian VAT, i.e. it is not VOEC-registered, so
    the channel is ``standard`` (under VOEC, ehub would charge VAT at sale and no duty).
    Rounding: NO.toml rounds Customs' duty and VAT half up to whole kroner, per line, so the
    duty of 133.75 is 134 and enters the basis as such (1,384), as published. The usual clearance
    fee of the shipping agent is not a public charge and is not in the example. Date 2024-11-13
    (page update; VAT 25%, no NOK 350 exemption).
    """
    result = _quote(
        _request(
            "NO",
            "NOK",
            "2024-11-13",
            [line("620452", "1000.00", origin="GB", duty_rate="0.107")],
            ship_from="GB",
            channel="standard",
            shipping="250.00",
        )
    )

    assert regime_id(result) == "NO/regime/import"
    assert result["collected"] == "at_border"
    assert result["customs_value"] == "1250.00"
    duty = _only(result["duties"])
    assert (duty["base"], duty["amount"]) == ("1250.00", "134.00")
    vat = _only(result["taxes"])
    assert (_rate(vat), vat["base"], vat["amount"]) == (Decimal("0.25"), "1384.00", "346.00")
    assert result["landed_total"] == "1730.00"


def test_no_toll_business_examples_vat_only_and_duty_plus_vat_on_cif():
    """Norwegian Customs' two examples for businesses (official; published in whole kroner).

    Source: Norwegian Customs, "Examples of the calculation of taxes",
    https://toll.no/en/corporate/import/calculating-customs-duty-and-taxes/examples-of-the-calculation/:

        "Building materials, purchase price NOK 20,000  Shipping costs NOK 850  Insurance NOK 500
        Customs duty NOK 0  VAT (21,350 x 25%) NOK 5,338  Total NOK 26,688
        Trousers, purchase price NOK 50,000  Shipping costs NOK 500  Insurance NOK 100
        Customs duty (50 600 x 10.7 %) NOK 5,414  VAT (56,014 x 25 %) NOK 14,004  Sum NOK 70,018"

    Duty rates (0 and 10.7%) are the examples' inputs -> ``duty_rate``; VAT 25% is rule data.
    Business buyer, ``standard`` channel. Rounding (NO.toml, whole kroner half up per line): VAT
    5,337.50 -> 5,338; duty 5,414.20 -> 5,414, then VAT 25% of 56,014 = 14,003.50 -> 14,004, as
    published (rounding down would give 5,337 and 14,003). The page says it predates the Customs
    Duty Act of 2023-01-01, so the test uses 2022-12-01 (VAT 25%, same valuation).
    """
    building = _quote(
        _request(
            "NO",
            "NOK",
            "2022-12-01",
            [line("441899", "20000.00", duty_rate="0")],
            buyer_type="business",
            channel="standard",
            shipping="850.00",
            insurance="500.00",
        )
    )
    assert regime_id(building) == "NO/regime/import"
    assert building["customs_value"] == "21350.00"
    assert building["duty_total"] == "0.00"
    vat = _only(building["taxes"])
    assert (vat["base"], vat["amount"]) == ("21350.00", "5338.00")
    assert building["landed_total"] == "26688.00"

    trousers = _quote(
        _request(
            "NO",
            "NOK",
            "2022-12-01",
            [line("620342", "50000.00", duty_rate="0.107")],
            buyer_type="business",
            channel="standard",
            shipping="500.00",
            insurance="100.00",
        )
    )
    duty = _only(trousers["duties"])
    assert (duty["base"], duty["amount"]) == ("50600.00", "5414.00")
    vat = _only(trousers["taxes"])
    assert (vat["base"], vat["amount"]) == ("56014.00", "14004.00")
    assert trousers["landed_total"] == "70018.00"


def test_no_voec_vat_charged_by_the_seller_stays_in_ore():
    """Norway's whole-kroner rounding is Customs' (``collected = "at_border"`` in NO.toml): VAT a
    VOEC seller charges at checkout keeps øre (25% of NOK 1,250.50 = 312.625 -> 312.63)."""
    result = _quote(
        _request("NO", "NOK", "2026-03-01", [line("620452", "1000.50")], shipping="250.00")
    )
    assert regime_id(result) == "NO/regime/VOEC"
    assert result["collected"] == "at_checkout"
    assert _only(result["taxes"])["amount"] == "312.63"


# --------------------------------------------------------------------------------------------
# Switzerland: Federal Office for Customs and Border Security (BAZG)
# --------------------------------------------------------------------------------------------


def test_ch_bazg_vacuum_cleaner_example_post_fees_in_taxable_value():
    """BAZG's sample calculation of the taxable goods value (official).

    Source: BAZG, "Onlineshopping: Sample calculation - taxable goods value",
    https://bazg.admin.ch/bazg/en/home/information-individuals/online-shopping--mail-and-courier-consignments/onlineshopping--sample-calculation---taxable-goods-value.html:

        "You have ordered a handheld vacuum cleaner from a German online shop. The purchase price
        is EUR 150 (net amount, excluding foreign VAT). For dispatch to Switzerland, an additional
        EUR 12.50 must be paid to the online shop. The overall payment to the online shop is thus
        EUR 162.50.
        Full amount according to the online shop invoice CHF 159.25 (EUR 162.50 converted into
        CHF using the rate of 0.98)
        Swiss Post costs for customs declaration CHF 17.45
        Swiss Post costs for opening the consignment CHF 20.00
        Total taxable goods value CHF 196.70
        8,1 % VAT is calculated based on this amount ..."

    Amounts: the request has one currency, and the Swiss Post costs are in francs, so the request
    is in CHF with the invoice converted at the example's 0.98 (EUR 150 -> CHF 147.00, EUR 12.50
    -> CHF 12.25; together the published CHF 159.25). The Post costs are ``carrier_fees`` with
    ``in_tax_base`` (CH.toml: ``carrier_fees_in_tax_base = true``). The vacuum cleaner (HS 8508.11)
    is duty-free since industrial tariffs were abolished on 2024-01-01; VAT 8.1% is rule data.
    The page does not state the VAT amount: ehub's is 8.1% of CHF 196.70 = CHF 15.93. (The stored
    copy of the page ends the sentence with "(rounded to the nearest franc)" without saying what
    is rounded; if BAZG rounded the basis to CHF 197 the VAT would be CHF 15.96. Unresolved, so
    the test asserts the published basis and ehub's VAT on it.)
    Carrier fees are not import charges and stay out of ``landed_total``. Date 2026-03-01.
    """
    result = _quote(
        _request(
            "CH",
            "CHF",
            "2026-03-01",
            [line("850811", "147.00", origin="DE")],
            ship_from="DE",
            shipping="12.25",
            carrier_fees=[
                {"name": "Swiss Post customs declaration", "amount": "17.45", "in_tax_base": True},
                {
                    "name": "Swiss Post opening the consignment",
                    "amount": "20.00",
                    "in_tax_base": True,
                },
            ],
        )
    )

    assert regime_id(result) == "CH/regime/import"
    assert result["collected"] == "at_border"
    assert result["customs_value"] == "159.25"
    assert result["duty_total"] == "0.00"
    vat = _only(result["taxes"])
    assert vat["kind"] == "vat"
    assert (_rate(vat), vat["base"]) == (Decimal("0.081"), "196.70")  # total taxable goods value
    assert vat["amount"] == "15.93"
    assert result["landed_total"] == "175.18"  # 159.25 + 15.93; Post costs are carrier charges
    assert result["complete"] is True


# --------------------------------------------------------------------------------------------
# Japan: Japan Customs, Customs Answer 1111
# --------------------------------------------------------------------------------------------


def test_jp_customs_answer_1111_bases_down_to_1000_yen_tax_totals_down_to_100_yen():
    """Japan Customs' calculation example for two items (official).

    Source: Japan Customs, "1111 Calculation Method of Amount of Tariff Duty, Consumption Tax,
    etc", https://www.customs.go.jp/english/c-answer_e/imtsukan/1111_e.htm (the stored copy of
    the page shows the example as a chart; its text was read from the copy at
    https://www.scribd.com/document/533923890/JAPAN-Consumption-Tax-Rate):

        "A 534,795yen 14% 7.8%(Standard tax rate) 22/78
        534,000 yen x 0.14 = 74,760 yen (Before rounding) ... 74,700 yen (After rounding)
        (Amount of tax base for consumption tax) 609,495 yen 609,000 yen x 0.078 = 47,502 yen
        (Before rounding) ... 47,500 yen (After rounding)
        47,500 yen x 22 / 78 = 13,397 yen (Fractions smaller than a yen omitted)
        B 126,258 yen 14% 6.24%(Reduced tax rate) 22/78
        126,000 yen x 0.14 = 17,640 yen ... 143,858 yen 143,000 yen x 0.0624 = 8,923 yen ...
        8,900 yen x 22 / 78 = 2,510 yen
        (Amount of tariff duty) 92,400 yen -> 92,400 yen
        (Amount of consumption tax) 56,425 yen -> 56,400 yen
        (Amount of local consumption tax) 15,907 yen -> 15,900 yen"

    JP.toml models the rounding: each line's base down to JPY 1,000 and each tax's total down to
    JPY 100 (``per = "total"``). Inputs: the CIF prices (business import: no 60% personal-use
    valuation, no separate freight), the 14% duty (``duty_rate``) and, for B, the reduced 8%
    (``tax_rate``: JP.toml's 8% food table lists the demo catalog's food codes, not 2106.90).
    ehub charges consumption tax as one
    10% (8%) tax where Japan splits it into national 7.8% (6.24%) and local 22/78 of it; the
    published totals agree: 56,400 + 15,900 = 72,300. Differences that remain in general: Japan
    adds each item's duty rounded down to JPY 100 (74,700) to the consumption-tax base where ehub
    adds the unrounded line (74,760; both give 609,000 here), and computes the local tax on the
    national tax (a difference of at most JPY 100). Date 2026-03-01 (the 7.8% + 2.2% since
    2019-10-01).
    """
    result = _quote(
        _request(
            "JP",
            "JPY",
            "2026-03-01",
            [
                line("420292", "534795", duty_rate="0.14"),
                line("210690", "126258", duty_rate="0.14", tax_rate="0.08"),
            ],
            buyer_type="business",
        )
    )

    assert regime_id(result) == "JP/regime/import"
    assert result["collected"] == "at_border"
    a, b = result["duties"]
    assert (a["base"], a["amount"]) == ("534000", "74760")  # 534,000 yen x 0.14
    assert (b["base"], b["amount"]) == ("126000", "17640")  # 126,000 yen x 0.14
    assert result["duty_total"] == "92400"  # 92,400 yen -> 92,400 yen
    standard, reduced = result["taxes"]
    assert (_rate(standard), standard["base"]) == (Decimal("0.10"), "609000")
    assert (_rate(reduced), reduced["base"]) == (Decimal("0.08"), "143000")
    assert result["tax_total"] == "72300"  # 56,400 + 15,900
    assert result["import_charges_total"] == "164700"


# --------------------------------------------------------------------------------------------
# South Korea: Korea Customs Service guidance (secondary reproductions)
# --------------------------------------------------------------------------------------------


def test_kr_hankyung_clothing_krw_300000_duty_13pc_vat_on_value_plus_duty():
    """Personal import of clothing above the USD 150 limit (secondary: full arithmetic shown).

    Source: Hankyung (The Korea Economic Daily), 2025-03-29, republished by Korea Economic TV,
    https://www.wowtv.co.kr/NewsCenter/News/Read?articleId=2025040635441 (a newspaper, not KCS;
    it explains the Customs Act and KCS's list-clearance rules and works this example):

        "30만원어치(과세 가격) 의류 제품을 직구했을 때 총 7만2900원(관세+부가세)을 세금으로 내야
        한다. 의류 관세율 13%가 적용돼 관세 3만9000원이 부과된다. 여기에 과세 가격(30만원)에
        관세(3만9000원)를 더한 33만9000원에 부가세 10%(3만3900원)..."

    (Clothing of a dutiable value of KRW 300,000: duty 13% = KRW 39,000; VAT 10% of
    300,000 + 39,000 = 339,000 = KRW 33,900; total KRW 72,900.) Every rate is rule data: KR.toml's
    13% for woven blouses (6206.30) and 10% VAT on value + duty. The dutiable value already
    includes the freight, so the line carries the whole KRW 300,000 and no separate shipping.
    The example fixes no exchange rate; one is needed only to compare the value with the USD 150
    limit, which KRW 300,000 exceeds at any rate below KRW 2,000 per dollar, so the test passes
    KRW 1,400 and no figure depends on it. Date 2025-03-29 (the article's).
    """
    result = _quote(
        _request(
            "KR",
            "KRW",
            "2025-03-29",
            [line("620630", "300000")],
            fx={"USD/KRW": "1400"},
        )
    )

    assert regime_id(result) == "KR/regime/import"
    assert result["collected"] == "at_border"
    assert result["customs_value"] == "300000"
    duty = _only(result["duties"])
    assert (duty["rule"], _rate(duty), duty["amount"]) == ("KR/duty/MFN", Decimal("0.13"), "39000")
    vat = _only(result["taxes"])
    assert vat["kind"] == "vat"
    assert (_rate(vat), vat["base"], vat["amount"]) == (Decimal("0.10"), "339000", "33900")
    assert result["import_charges_total"] == "72900"  # 7만2900원 (관세+부가세)
    assert result["complete"] is True


def test_kr_hankyung_clothing_usd_130_plus_usd_30_shipping_is_list_cleared_duty_free():
    """The same article: the USD 150 limit is tested on the goods price, shipping excluded.

    Source: as the previous test,
    https://www.wowtv.co.kr/NewsCenter/News/Read?articleId=2025040635441:

        "예컨대 해외직구로 130달러짜리 의류를 주문했을 때 한국까지 배송료가 30달러라면 총지급액
        160달러가 아니라 물품 금액인 130달러를 목록통관 금액으로 보는 만큼 면세 혜택을 받을 수
        있다. 하지만 직구 제품 가격이 150달러를 초과해 세금을 내야 할 경우 과세 가격은 한국으로
        배송되는 운임과 보험료까지 포함된다."

    (USD 130 of clothing with USD 30 shipping: the list-clearance amount is the goods' USD 130,
    not the USD 160 paid, so the parcel is duty- and VAT-free; above USD 150 the dutiable value
    includes freight and insurance.) KR.toml tests the goods price ("sources disagree", its
    header says); this example supports that reading. The goods are shipped from China (from
    the US the limit is USD 200). The example fixes no exchange rate: the request is in dollars
    and the KRW 1,400 passed only converts the amounts. Date 2025-03-29.
    """
    free = _quote(
        _request(
            "KR",
            "USD",
            "2025-03-29",
            [line("620630", "130.00")],
            ship_from="CN",
            shipping="30.00",
            fx={"USD/KRW": "1400"},
        )
    )
    assert regime_id(free) == "KR/regime/de-minimis"
    assert free["import_charges_total"] == "0"

    # Above USD 150 the whole dutiable value is taxed, freight included: USD 151 + USD 30 =
    # USD 181 = KRW 253,400; duty 13% = 32,942; VAT 10% of 286,342 = 28,634.20 -> 28,634.
    taxed = _quote(
        _request(
            "KR",
            "USD",
            "2025-03-29",
            [line("620630", "151.00")],
            ship_from="CN",
            shipping="30.00",
            fx={"USD/KRW": "1400"},
        )
    )
    assert regime_id(taxed) == "KR/regime/import"
    assert taxed["customs_value"] == "253400"
    assert _only(taxed["duties"])["amount"] == "32942"
    assert _only(taxed["taxes"])["amount"] == "28634"


def test_kr_customs_duty_example_cif_usd_1000_at_1200_duty_8pc():
    """KCS's example of the duty calculation (KCS text via a customs broker's reproduction).

    Source: Korea Customs Service, "통관정보의 문", as quoted with its source by AK Woongjin
    customs brokers (2021-04-21), http://akcustoms.com/bbs/board.php?bo_table=comm_resources&wr_id=4
    (the KCS page itself was not retrieved here):

        "관세는 운임·보험료포함조건(CIF)가격에 수입신고일의 과세환율을 적용한 금액에 해당 물품의
        관세율을 곱해 산출합니다. 이때 부가가치세 등 내국세도 함께 부과됩니다(통관정보의 문,
        관세청).
        ※ 관세 계산방법 예시
        1) 가격: CIF US$1,000, 과세환율: 1,200원/$, 관세율 8%(해당 품목)인 경우
        2) 관세의 계산방법 CIF $1,000 × 1,200원(1$)× 8% = 96,000원"

    The 8% rate ("of the item concerned") and the exchange rate are the example's inputs
    (``duty_rate``, ``fx``); the product is not named, so the line uses a handbag code. The
    example stops at the duty; the VAT that "is also levied" is rule data (10% of the CIF value
    plus duty: 10% of 1,296,000 = 129,600) and is asserted as such, not as a published figure.
    Date 2021-04-21 (the reproduction's; KR rules from 2020-01-01).
    """
    result = _quote(
        _request(
            "KR",
            "USD",
            "2021-04-21",
            [line("420221", "1000.00", duty_rate="0.08")],
            fx={"USD/KRW": "1200"},
        )
    )

    assert regime_id(result) == "KR/regime/import"
    assert result["customs_value"] == "1200000"  # CIF $1,000 x 1,200원
    duty = _only(result["duties"])
    assert (_rate(duty), duty["base"], duty["amount"]) == (Decimal("0.08"), "1200000", "96000")
    vat = _only(result["taxes"])
    assert (vat["base"], vat["amount"]) == ("1296000", "129600")  # rule data, not published


# --------------------------------------------------------------------------------------------
# Saudi Arabia: ZATCA's VAT-rate guidance (secondary reproduction)
# --------------------------------------------------------------------------------------------


def test_sa_book_sar_75_plus_sar_10_delivery_vat_15pc_on_customs_value_85():
    """The book bought online from the USA (ZATCA example via a secondary reproduction).

    Source: "Rules: 15% Vat for Goods Imported through Customs - Saudi VAT", CPA Club KSA,
    https://cpaclubksa.com/Articles/rules15-vat-for-goods-imported-through-customs---saudi-vat,
    which sets out the rules of ZATCA (then GAZT) for the VAT rise of 2020-07-01 with their
    examples (the authority's own guideline was not retrieved here):

        "Example 1: Ahmed purchased a book online from the USA on 1 May 2020 for SAR 75 and SAR 10
        delivery ... the book did not arrive in KSA until 3 July 2020 ... Saudi Customs will
        calculate the VAT payable at 15% on the customs value of SAR 85. VAT will be SAR 12.75."

    VAT 15%, the CIF customs value (goods + delivery) and the personal-shipment duty exemption
    below SAR 1,000 (goods and shipping) are rule data (SA.toml). The example is about the date
    of the rate change; ehub's SA rules start 2024-10-06 and the VAT figure is unchanged since,
    so the test uses 2026-03-01. SA.toml adds ZATCA's SAR 15 customs service fee for e-commerce
    shipments (from 2024-10-06, after the example), asserted separately.
    """
    result = _quote(
        _request(
            "SA",
            "SAR",
            "2026-03-01",
            [line("490199", "75.00", origin="US")],
            ship_from="US",
            shipping="10.00",
        )
    )

    assert regime_id(result) == "SA/regime/personal-below-1000"
    assert result["collected"] == "at_border"
    assert result["customs_value"] == "85.00"  # the customs value of SAR 85
    assert result["duty_total"] == "0.00"
    vat = _only(result["taxes"])
    assert vat["kind"] == "vat"
    assert (_rate(vat), vat["base"], vat["amount"]) == (Decimal("0.15"), "85.00", "12.75")
    # Not in the 2020 example: the SAR 15 e-commerce customs service fee (rule data).
    assert _only(result["fees"])["amount"] == "15.00"
    assert result["import_charges_total"] == "27.75"


# --------------------------------------------------------------------------------------------
# United States: CBP International Mail Duty Worksheet (postal duty, from 2025-08-29)
# --------------------------------------------------------------------------------------------


@pytest.mark.xfail(
    strict=True,
    reason=(
        "ehub holds the IEEPA rate of China/Hong Kong only: for postal items of other origins "
        "from 2025-08-29 it reports the duty unknown (rate null, amount null) where CBP's "
        "worksheet charges UK 10% ($4.70 on $47), FR 10% ($2.30 on $23) and BR 50% ($22.50 on "
        "$45)"
    ),
)
def test_us_cbp_mail_duty_worksheet_postal_items_pay_the_origins_ieepa_rate():
    """CBP's worksheet for carriers remitting the postal duty (official).

    Source: CBP, "International Mail Duty Worksheet" (OMB 1651-0147, August 2025 release,
    approved for use from 2025-08-29), page 2, as filed with OMB in ICR 202508-1651-006,
    https://omb.report/icr/202508-1651-006/doc/162238701 (ICR record:
    https://www.reginfo.gov/public/do/PRAViewICR?ref_nbr=202508-1651-006):

        "Declared Value (USD) | Country of Origin | Tariff Rate | Duties Owed
        $47.00 | UK | 10% | $4.70
        $23.00 | FR | 10% | $2.30  Note this is a different item in the same package as the
        above ... it is from a different country of origin and could have a different tariff rate.
        $45.00 | BR | 50% | $22.50
        Tariff Rate= A duty equal to the effective IEEPA tariff rate applicable to the country of
        origin"

    The rows' arrival dates (5/2/2025) are the May 2025 release's placeholders; the rates are
    those of the all-country postal methodology of EO 14324, in force from 2025-08-29, hence the
    date 2025-09-15. Each row is one line of its origin, postal channel. ehub reports these duties
    unknown: see the xfail reason.
    """
    rows = [("GB", "47.00", "4.70"), ("FR", "23.00", "2.30"), ("BR", "45.00", "22.50")]
    for origin, value, owed in rows:
        result = _quote(
            _request(
                "US",
                "USD",
                "2025-09-15",
                [line("620630", value, origin=origin)],
                ship_from=origin,
                channel="postal",
            )
        )
        assert regime_id(result) == "US/regime/postal-ieepa"
        assert _only(result["duties"])["amount"] == owed, origin
