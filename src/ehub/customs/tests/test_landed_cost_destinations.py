"""Per destination: at, just below and just above each threshold; before/after each dated change.

Every case states the request and the expected regime and totals. Amounts were worked out by hand
from the rule data (rates and thresholds cite their sources in ``rules/*.toml``); stored FX rates
are fixed in ``support.STORED`` (e.g. USD/KRW 1400, USD/BRL 5) so converted thresholds are exact.
"""

from __future__ import annotations

from typing import Any

import pytest

from ehub.core.errors import DomainError
from ehub.customs.tests.support import line, quote, regime_id, request

R = request


def case(name: str, payload: dict[str, Any], **expect: Any) -> Any:
    return pytest.param(payload, expect, id=name)


CASES = [
    # --- EU: Finland (IOSS EUR 150, VAT 24% -> 25.5% on 2024-09-01, EUR 3 from 2026-07-01) ---
    case(
        "FI at 150: IOSS",
        R("FI", price="150.00"),
        regime="EU/regime/IOSS",
        collected="at_checkout",
        duty="0.00",
        tax="38.25",
    ),
    case("FI below 150: IOSS", R("FI", price="149.99"), regime="EU/regime/IOSS", tax="38.25"),
    case(
        "FI above 150: border",
        R("FI", price="150.01"),
        regime="EU/regime/standard-import",
        collected="at_border",
        duty="18.00",
        tax="42.84",
        charges="60.84",
    ),
    case(
        "FI 2024-08-31 VAT 24%",
        R("FI", price="200.00", date="2024-08-31"),
        duty="24.00",
        tax="53.76",
    ),
    case(
        "FI 2024-09-01 VAT 25.5%",
        R("FI", price="200.00", date="2024-09-01"),
        duty="24.00",
        tax="57.12",
    ),
    case(
        "FI 2026-06-30 no interim duty",
        R("FI", price="100.00", date="2026-06-30"),
        regime="EU/regime/IOSS",
        duty="0.00",
        tax="25.50",
    ),
    case(
        "FI 2026-07-01 EUR 3 duty",
        R("FI", price="100.00", date="2026-07-01"),
        regime="EU/regime/IOSS-interim-duty",
        duty="3.00",
        tax="26.27",
        charges="29.27",
    ),
    case(
        "FI 2026-07-01 EUR 3 per distinct subheading",
        R(
            "FI",
            date="2026-07-01",
            lines=[line("620610", "20.00"), line("620610", "20.00"), line("330499", "20.00")],
        ),
        duty="6.00",
        tax="16.83",
    ),
    case(
        "FI without IOSS up to 150",
        R("FI", price="100.00", channel="no_ioss"),
        regime="EU/regime/low-value-no-IOSS",
        collected="at_border",
        duty="0.00",
        tax="25.50",
    ),
    case(
        "FI unknown duty rate",
        R("FI", lines=[line("520852", "200.00")]),
        regime="EU/regime/standard-import",
        duty="0.00",
        tax="51.00",
        complete=False,
    ),
    case(
        "EU MFN table 2026: roasted coffee 7.5%",
        R("FI", lines=[line("090121", "200.00")]),
        duty="15.00",
        complete=True,
    ),
    case(
        "EU MFN table 2025: coffee rate not in the older data",
        R("FI", date="2025-06-01", lines=[line("090121", "200.00")]),
        complete=False,
    ),
    case(
        "US 2026 HTS: roasted coffee free, Section 122 10% and Section 301 7.5% (CN) still due",
        R("US", lines=[line("090121", "100.00")]),
        duty="17.50",
        complete=True,
    ),
    case("FI before EU rules", R("FI", date="2021-06-30"), error="no_rules_for_date"),
    case("SE threshold in SEK at", R("SE", price="1650.00"), regime="EU/regime/IOSS", tax="412.50"),
    case(
        "SE threshold in SEK above",
        R("SE", price="1650.01"),
        regime="EU/regime/standard-import",
        duty="198.00",
        tax="462.00",
    ),
    case("EE 2025-06-30 VAT 22%", R("EE", price="100.00", date="2025-06-30"), tax="22.00"),
    case("EE 2025-07-01 VAT 24%", R("EE", price="100.00", date="2025-07-01"), tax="24.00"),
    case("RO 2025-07-31 VAT 19%", R("RO", price="100.00", date="2025-07-31"), tax="19.00"),
    case("RO 2025-08-01 VAT 21%", R("RO", price="100.00", date="2025-08-01"), tax="21.00"),
    case("SK 2024-12-31 VAT 20%", R("SK", price="100.00", date="2024-12-31"), tax="20.00"),
    case("SK 2025-01-01 VAT 23%", R("SK", price="100.00", date="2025-01-01"), tax="23.00"),
    case("LU 2023 VAT 16%", R("LU", price="100.00", date="2023-06-01"), tax="16.00"),
    case("LU 2024 VAT 17%", R("LU", price="100.00", date="2024-01-01"), tax="17.00"),
    # --- GB: GBP 135 ---
    case(
        "GB at 135",
        R("GB", price="135.00"),
        regime="GB/regime/low-value-at-sale",
        collected="at_checkout",
        tax="27.00",
    ),
    case(
        "GB below 135", R("GB", price="134.99"), regime="GB/regime/low-value-at-sale", tax="27.00"
    ),
    case(
        "GB above 135",
        R("GB", price="135.01"),
        regime="GB/regime/standard-import",
        collected="at_border",
        duty="16.20",
        tax="30.24",
        complete=True,
    ),
    case(
        "GB business buyer",
        R("GB", price="100.00", buyer_type="business"),
        regime="GB/regime/low-value-b2b",
        charges="0.00",
    ),
    # --- US: de minimis history and surcharges ---
    case(
        "US 2025-05-01 CN at 800",
        R("US", price="800.00", date="2025-05-01"),
        regime="US/regime/de-minimis",
        charges="0.00",
    ),
    case(
        "US 2025-05-01 CN above 800",
        R("US", price="800.01", date="2025-05-01"),
        regime="US/regime/entry",
        duty="115.20",  # MFN 6.9% 55.20 + Section 301 List 4A 7.5% 60.00
    ),
    case(
        "US 2025-05-02 CN suspended",
        R("US", price="100.00", date="2025-05-02"),
        regime="US/regime/entry",
        duty="14.40",  # MFN 6.90 + Section 301 7.50
    ),
    case(
        "US 2025-05-02 JP still de minimis",
        R("US", date="2025-05-02", lines=[line(price="800.00", origin="JP")]),
        regime="US/regime/de-minimis-except-CN-HK",
        charges="0.00",
    ),
    case(
        "US 2025-08-28 JP de minimis",
        R("US", date="2025-08-28", lines=[line(price="100.00", origin="JP")]),
        regime="US/regime/de-minimis-except-CN-HK",
    ),
    case(
        "US 2025-08-29 JP all suspended; Annex I 15% all-in",
        R("US", date="2025-08-29", lines=[line(price="100.00", origin="JP")]),
        regime="US/regime/entry",
        duty="15.00",  # MFN 6.9% 6.90 + the reciprocal top-up 15% - 6.9% = 8.1%: 8.10
        complete=True,
    ),
    # --- US: IEEPA reciprocal duty on other countries' goods (baseline 10%, then unknown) ---
    case(
        "US 2025-04-04 JP before the baseline",
        R("US", date="2025-04-04", lines=[line(price="900.00", origin="JP")]),
        duty="62.10",
        complete=True,
    ),
    case(
        "US 2025-04-05 JP baseline 10%",
        R("US", date="2025-04-05", lines=[line(price="900.00", origin="JP")]),
        duty="152.10",
        complete=True,
    ),
    case(
        "US 2025-04-09 JP country-specific rate (one day) unknown",
        R("US", date="2025-04-09", lines=[line(price="900.00", origin="JP")]),
        duty="62.10",
        complete=False,
    ),
    case(
        "US 2025-08-06 JP baseline 10%",
        R("US", date="2025-08-06", lines=[line(price="900.00", origin="JP")]),
        duty="152.10",
        complete=True,
    ),
    case(
        "US 2025-08-07 JP Annex I 15% all-in",
        R("US", date="2025-08-07", lines=[line(price="900.00", origin="JP")]),
        duty="135.00",  # MFN 62.10 + top-up 8.1% 72.90
        complete=True,
    ),
    case(
        "US 2026-02-24 JP Section 122 only",
        R("US", date="2026-02-24", lines=[line(price="100.00", origin="JP")]),
        duty="16.90",
        complete=True,
    ),
    case(
        "US 2025-06-01 CA USMCA goods: no reciprocal duty",
        R("US", date="2025-06-01", ship_from="CA", lines=[line(price="900.00", origin="CA")]),
        duty="0.00",
        complete=True,
    ),
    case(
        "US 2025-02-03 CN before the IEEPA duties",
        R("US", price="900.00", date="2025-02-03"),
        duty="129.60",  # MFN 62.10 + Section 301 67.50
        complete=True,
    ),
    case(
        "US 2025-05-13 CN IEEPA duties before 2025-05-14 unknown",
        R("US", price="900.00", date="2025-05-13"),
        duty="129.60",
        complete=False,
    ),
    # CN blouses pay Section 301 (List 4A, 7.5%) on every date here: 7.50 on 100.00
    case("US 2026-02-23 CN IEEPA 20%", R("US", price="100.00", date="2026-02-23"), duty="34.40"),
    case(
        "US 2026-02-24 CN Section 122 10%", R("US", price="100.00", date="2026-02-24"), duty="24.40"
    ),
    case(
        "US 2026-07-24 surcharge expired", R("US", price="100.00", date="2026-07-24"), duty="14.40"
    ),
    case(
        "US 2025-06-01 CN IEEPA 30% (fentanyl 20% + reciprocal 10%)",
        R("US", price="100.00", date="2025-06-01"),
        regime="US/regime/entry",
        duty="44.40",
    ),
    # --- US postal channel: postal duty instead of the tariff (TRADE_RULES.md section 1.2) ---
    case(
        "US postal 2025-05-01 de minimis",
        R("US", price="100.00", date="2025-05-01", channel="postal"),
        regime="US/regime/de-minimis",
        charges="0.00",
    ),
    case(
        "US postal 2025-05-02 CN 120%",
        R("US", price="100.00", date="2025-05-02", channel="postal"),
        regime="US/regime/postal-de-minimis-except-CN-HK",
        duty="120.00",
    ),
    case(
        "US postal 2025-05-13 CN 120%",
        R("US", price="100.00", date="2025-05-13", channel="postal"),
        duty="120.00",
    ),
    case(
        "US postal 2025-05-14 CN 54%",
        R("US", price="100.00", date="2025-05-14", channel="postal"),
        duty="54.00",
    ),
    case(
        "US postal 2025-05-14 JP de minimis",
        R("US", date="2025-05-14", channel="postal", lines=[line(price="100.00", origin="JP")]),
        regime="US/regime/postal-de-minimis-except-CN-HK",
        charges="0.00",
    ),
    case(
        "US postal 2025-08-28 CN at 800",
        R("US", price="800.00", date="2025-08-28", channel="postal"),
        regime="US/regime/postal-de-minimis-except-CN-HK",
        duty="432.00",
    ),
    case(
        "US postal 2025-08-28 CN above 800: entry",
        R("US", price="800.01", date="2025-08-28", channel="postal"),
        regime="US/regime/entry",
        duty="355.20",  # MFN 55.20 + IEEPA 30% 240.00 + Section 301 7.5% 60.00
    ),
    case(
        "US postal 2025-08-29 CN IEEPA 30%",
        R("US", price="100.00", date="2025-08-29", channel="postal"),
        regime="US/regime/postal-ieepa",
        duty="30.00",
        complete=True,
    ),
    case(
        "US postal 2025-11-10 CN IEEPA 20%",
        R("US", price="100.00", date="2025-11-10", channel="postal"),
        regime="US/regime/postal-ieepa",
        duty="20.00",
    ),
    case(
        "US postal 2025-11-10 JP IEEPA rate unknown",
        R("US", date="2025-11-10", channel="postal", lines=[line(price="100.00", origin="JP")]),
        regime="US/regime/postal-ieepa",
        duty="0.00",
        complete=False,
    ),
    case(
        "US postal 2026-02-23 CN at 800",
        R("US", price="800.00", date="2026-02-23", channel="postal"),
        regime="US/regime/postal-ieepa",
        duty="160.00",
    ),
    case(
        "US postal 2026-02-23 CN above 800: entry",
        R("US", price="800.01", date="2026-02-23", channel="postal"),
        regime="US/regime/entry",
        duty="275.20",  # MFN 55.20 + IEEPA 20% 160.00 + Section 301 60.00
    ),
    case(
        "US postal 2026-02-24 JP Section 122 10%",
        R("US", date="2026-02-24", channel="postal", lines=[line(price="100.00", origin="JP")]),
        regime="US/regime/postal-section-122",
        duty="10.00",
        complete=True,
    ),
    case(
        "US postal 2026-02-24 CA exempt",
        R("US", date="2026-02-24", channel="postal", lines=[line(price="100.00", origin="CA")]),
        regime="US/regime/postal-section-122",
        charges="0.00",
    ),
    case(
        "US postal 2026-07-23 CN 10%",
        R("US", price="100.00", date="2026-07-23", channel="postal"),
        regime="US/regime/postal-section-122",
        duty="10.00",
    ),
    case(
        "US postal 2026-07-24 postal informal entry: tariff duty",
        R("US", price="100.00", date="2026-07-24", channel="postal"),
        regime="US/regime/entry",
        duty="14.40",  # MFN 6.90 + Section 301 7.50
    ),
    case(
        "US MX origin USMCA free, no surcharge",
        R("US", lines=[line(price="100.00", origin="MX")]),
        duty="0.00",
        complete=True,
    ),
    # --- CA: courier/mail, CUSMA thresholds by ship-from, GST/HST by province ---
    case(
        "CA courier US at 40",
        R("CA", destination_region="CA-ON", lines=[line(price="40.00", origin="US")]),
        regime="CA/regime/courier-CUSMA-free",
        charges="0.00",
    ),
    case(
        "CA courier US above 40",
        R("CA", destination_region="CA-ON", lines=[line(price="40.01", origin="US")]),
        regime="CA/regime/courier-CUSMA-tax-only",
        tax="5.20",
    ),
    case(
        "CA courier US at 150",
        R("CA", destination_region="CA-ON", lines=[line(price="150.00", origin="US")]),
        regime="CA/regime/courier-CUSMA-tax-only",
        tax="19.50",
    ),
    case(
        "CA courier US above 150 CUSMA duty free",
        R("CA", destination_region="CA-ON", lines=[line(price="150.01", origin="US")]),
        regime="CA/regime/courier-CUSMA-full",
        duty="0.00",
        tax="19.50",
        complete=True,
    ),
    case(
        "CA courier CN at 20",
        R("CA", price="20.00", destination_region="CA-ON"),
        regime="CA/regime/courier-free",
        charges="0.00",
    ),
    case(
        "CA courier CN above 20",
        R("CA", price="20.01", destination_region="CA-ON"),
        regime="CA/regime/courier-full",
        tax="2.60",
        complete=False,
    ),
    case(
        "CA courier US-made shipped from CN uses CAD 20",
        R(
            "CA",
            ship_from="CN",
            destination_region="CA-ON",
            lines=[line(price="30.00", origin="US")],
        ),
        regime="CA/regime/courier-full",
        duty="0.00",
        tax="3.90",
    ),
    case(
        "CA mail at 20",
        R("CA", price="20.00", channel="mail"),
        regime="CA/regime/mail-free",
        charges="0.00",
    ),
    case(
        "CA mail above 20 with handling fee",
        R("CA", price="20.01", channel="mail", destination_region="CA-ON"),
        regime="CA/regime/mail-full",
        tax="2.60",
        fee="9.95",
    ),
    case(
        "CA no province: GST only", R("CA", lines=[line(price="100.00", origin="US")]), tax="5.00"
    ),
    case(
        "CA-NS 2025-03-31 HST 15%",
        R(
            "CA",
            date="2025-03-31",
            destination_region="CA-NS",
            lines=[line(price="100.00", origin="US")],
        ),
        tax="15.00",
    ),
    case(
        "CA-NS 2025-04-01 HST 14%",
        R(
            "CA",
            date="2025-04-01",
            destination_region="CA-NS",
            lines=[line(price="100.00", origin="US")],
        ),
        tax="14.00",
    ),
    # --- AU: AUD 1,000 ---
    case(
        "AU at 1000",
        R("AU", price="1000.00"),
        regime="AU/regime/low-value-imported-goods",
        collected="at_checkout",
        tax="100.00",
    ),
    case(
        "AU below 1000",
        R("AU", price="999.99"),
        regime="AU/regime/low-value-imported-goods",
        tax="100.00",
    ),
    case(
        "AU above 1000",
        R("AU", price="1000.01"),
        regime="AU/regime/border",
        collected="at_border",
        tax="100.00",
        complete=False,
    ),
    case(
        "AU above 1000: IPC 50 + biosecurity (air) 45",
        R("AU", price="1000.01"),
        regime="AU/regime/border",
        fee="95.00",
    ),
    case("AU below 10000: IPC 50", R("AU", price="9999.99"), fee="95.00"),
    case("AU at 10000: IPC 152", R("AU", price="10000.00"), fee="197.00"),
    case("AU 2024-06-30 biosecurity 43", R("AU", price="1500.00", date="2024-06-30"), fee="93.00"),
    case("AU 2024-07-01 biosecurity 45", R("AU", price="1500.00", date="2024-07-01"), fee="95.00"),
    case("AU 2019-12-31 biosecurity 33", R("AU", price="1500.00", date="2019-12-31"), fee="83.00"),
    case("AU 2020-01-01 biosecurity 38", R("AU", price="1500.00", date="2020-01-01"), fee="88.00"),
    case("AU at 1000: no charges", R("AU", price="1000.00"), fee="0.00"),
    case("AU before 2018-07-01", R("AU", date="2018-06-30"), error="no_rules_for_date"),
    # --- NZ: NZD 1,000 ---
    case(
        "NZ at 1000",
        R("NZ", price="1000.00"),
        regime="NZ/regime/low-value-imported-goods",
        collected="at_checkout",
        tax="150.00",
    ),
    case(
        "NZ above 1000",
        R("NZ", price="1000.01"),
        regime="NZ/regime/border",
        collected="at_border",
        # IETF 46.47 + BSEL 46.40 (2025-07-01 to 2026-03-31); GST also on them:
        # 15% of (1000.01 + 92.87) = 163.932 (duty unknown: no MFN rate held)
        tax="163.93",
        fee="92.87",
        complete=False,
    ),
    # --- SG: SGD 400, GST 7/8/9% ---
    case(
        "SG 2022 at 400: import relief",
        R("SG", price="400.00", date="2022-06-01"),
        regime="SG/regime/import-relief",
        charges="0.00",
    ),
    case(
        "SG 2022 above 400: GST 7%",
        R("SG", price="400.01", date="2022-06-01"),
        regime="SG/regime/border",
        duty="0.00",
        tax="28.00",
        complete=True,
    ),
    case(
        "SG 2023 at 400: LVG GST 8%",
        R("SG", price="400.00", date="2023-06-01"),
        regime="SG/regime/low-value-goods",
        collected="at_checkout",
        tax="32.00",
    ),
    case("SG 2024 at 400: GST 9%", R("SG", price="400.00", date="2024-01-01"), tax="36.00"),
    case(
        "SG vendor not OVR-registered, CIF at 400: import relief, no GST",
        R("SG", price="350.00", shipping="50.00", channel="no_ovr"),
        regime="SG/regime/import-relief-vendor-not-registered",
        collected="at_border",
        charges="0.00",
    ),
    case(
        "SG vendor not OVR-registered, CIF above 400: GST on the whole CIF at the border",
        R("SG", price="350.00", shipping="50.01", channel="no_ovr"),
        regime="SG/regime/border",
        collected="at_border",
        tax="36.00",
    ),
    case("SG 2023-12-31 GST 8%", R("SG", price="100.00", date="2023-12-31"), tax="8.00"),
    case(
        "SG item at most 400, CIF above 400: still LVG (shipping excluded)",
        R("SG", price="390.00", shipping="10.01"),
        regime="SG/regime/low-value-goods",
        collected="at_checkout",
        tax="36.00",
    ),
    case(
        "SG two items of 300: each at most 400, LVG",
        R("SG", lines=[line("620610", "300.00"), line("620630", "300.00")]),
        regime="SG/regime/low-value-goods",
        collected="at_checkout",
        tax="54.00",
    ),
    case(
        "SG one item above 400: border",
        R("SG", price="400.01"),
        regime="SG/regime/border",
        collected="at_border",
    ),
    case(
        "SG from MY: duty-free",
        R("SG", price="500.00", lines=[line("090121", "500.00", origin="MY")]),
        duty="0.00",
        complete=True,
    ),
    # --- MY: LVG RM 500 per item ---
    case(
        "MY at 500 per item",
        R("MY", price="500.00"),
        regime="MY/regime/low-value-goods",
        collected="at_checkout",
        tax="50.00",
    ),
    case(
        "MY two items at 500 each",
        R("MY", lines=[line(price="500.00", quantity=2)]),
        regime="MY/regime/low-value-goods",
        tax="100.00",
    ),
    case(
        "MY above 500",
        R("MY", price="500.01"),
        regime="MY/regime/border",
        tax="50.00",
        complete=False,
    ),
    case("MY before LVG", R("MY", date="2023-12-31"), error="no_rules_for_date"),
    # --- JP: JPY 10,000 on 60% of the retail price for personal use ---
    case(
        "JP at 10000 after 60%", R("JP", price="16666"), regime="JP/regime/de-minimis", charges="0"
    ),
    case(
        "JP above 10000 after 60%",
        R("JP", price="16668"),
        regime="JP/regime/import",
        tax="1000",
        complete=False,
    ),
    case(
        "JP business: no 60% valuation",
        R("JP", price="16666", buyer_type="business"),
        regime="JP/regime/import",
        tax="1600",  # 10% of 16,666 rounded down to 16,000, then down to JPY 100 (JP.toml)
    ),
    case(
        "JP leather handbag never exempt",
        R("JP", lines=[line("420221", "10000")]),
        regime="JP/regime/import",
        duty="600",  # 10% of 60% of 10,000
        tax="600",  # 10% of 6,600 rounded down to 6,000
        complete=True,
    ),
    case(
        "JP base below JPY 1,000 is not taxed",
        R("JP", lines=[line("420221", "1000")]),
        regime="JP/regime/import",
        duty="0",  # the base (60% of 1,000 = 600) is rounded down to 0
        tax="0",
        complete=True,
    ),
    # --- KR: USD 150, USD 200 from the US ---
    case("KR at USD 150", R("KR", price="210000"), regime="KR/regime/de-minimis", charges="0"),
    case(
        "KR above USD 150",
        R("KR", price="210001"),
        regime="KR/regime/import",
        duty="27300",
        tax="23730",
        complete=True,
    ),
    case(
        "KR from US at USD 200",
        R("KR", ship_from="US", lines=[line(price="280000", origin="US")]),
        regime="KR/regime/list-clearance-from-US",
        charges="0",
    ),
    case(
        "KR from US above USD 200",
        R("KR", ship_from="US", lines=[line(price="280001", origin="US")]),
        regime="KR/regime/import",
    ),
    case(
        "KR from US food keeps USD 150",
        R("KR", ship_from="US", lines=[line("090121", "250000", origin="US")]),
        regime="KR/regime/import",
    ),
    # --- TH: THB 1,500 until 2024-07-04, VAT from THB 1 to 2025, all from 2026 ---
    case(
        "TH 2024-07-04 at 1500 exempt",
        R("TH", price="1500.00", date="2024-07-04"),
        regime="TH/regime/exempt-1500",
        charges="0.00",
    ),
    case(
        "TH 2024-07-05 at 1500 VAT only",
        R("TH", price="1500.00", date="2024-07-05"),
        regime="TH/regime/vat-only-1500",
        duty="0.00",
        tax="105.00",
    ),
    case(
        "TH 2024-07-05 above 1500",
        R("TH", price="1500.01", date="2024-07-05"),
        regime="TH/regime/import",
        tax="105.00",
        complete=False,
    ),
    case(
        "TH 2026 at 1",
        R("TH", price="1.00", date="2026-01-01"),
        regime="TH/regime/exempt-1",
        charges="0.00",
    ),
    case(
        "TH 2026 above 1",
        R("TH", price="1.01", date="2026-01-01"),
        regime="TH/regime/import",
        tax="0.07",
    ),
    # --- ID: FOB USD 3 / USD 1,500, VAT 12% x 11/12 ---
    case(
        "ID at USD 3",
        R("ID", lines=[line("090121", "48000.00")]),
        regime="ID/regime/shipment-up-to-USD-3",
        duty="0.00",
        tax="5280.00",
    ),
    case(
        "ID above USD 3: flat 7.5%",
        R("ID", lines=[line("090121", "48000.01")]),
        regime="ID/regime/shipment-flat-rate",
        duty="3600.00",
        tax="5676.00",
    ),
    case(
        "ID textiles: a listed commodity, its own rate not held",
        R("ID", lines=[line("620610", "100000.00")]),
        regime="ID/regime/shipment-flat-rate",
        duty="0.00",
        complete=False,
    ),
    case(
        "ID above USD 1,500",
        R("ID", lines=[line("090121", "24000000.01")]),
        regime="ID/regime/import",
        complete=False,
    ),
    # --- VN: no de minimis from 2025-02-18 ---
    case(
        "VN 2025-02-17 before data",
        R("VN", price="100000", date="2025-02-17"),
        error="no_rules_for_date",
    ),
    case(
        "VN 2025-02-18 VAT from the first dong",
        R("VN", price="100000", date="2025-02-18"),
        regime="VN/regime/import",
        tax="10000",
        complete=False,
    ),
    # --- PH: FOB PHP 10,000 ---
    case("PH at 10000", R("PH", price="10000.00"), regime="PH/regime/de-minimis", charges="0.00"),
    case(
        "PH above 10000",
        R("PH", price="10000.01"),
        regime="PH/regime/import",
        tax="1200.00",
        complete=False,
    ),
    case(
        "PH shipping does not count for the test",
        R("PH", price="10000.00", shipping="500.00"),
        regime="PH/regime/de-minimis",
    ),
    # --- IN: BCD 10% + SWS 10% of BCD + IGST 18% (30.98%) ---
    case(
        "IN courier personal 1000",
        R("IN", price="1000.00"),
        regime="IN/regime/courier-personal-9804",
        duty="110.00",
        tax="199.80",
        charges="309.80",
    ),
    case("IN at most INR 100 not collected", R("IN", price="300.00"), charges="0.00"),
    case(
        "IN just above INR 100",
        R("IN", price="330.00"),
        duty="36.30",
        tax="65.93",
        charges="102.23",
    ),
    # --- SA: SAR 1,000 incl. shipping; fees ---
    case(
        "SA below 1000",
        R("SA", price="999.99"),
        regime="SA/regime/personal-below-1000",
        tax="150.00",
        fee="15.00",
        charges="165.00",
    ),
    case(
        "SA at 1000 (not below)",
        R("SA", price="1000.00"),
        regime="SA/regime/import",
        tax="150.00",
        fee="15.00",
        complete=False,
    ),
    case(
        "SA shipping counts", R("SA", price="900.00", shipping="100.00"), regime="SA/regime/import"
    ),
    case("SA fee capped at SAR 500", R("SA", price="400000.00"), fee="500.00"),
    # --- BR: Remessa Conforme bands (USD 50 = BRL 250), ICMS por dentro ---
    case(
        "BR at USD 50",
        R("BR", price="250.00", destination_region="BR-SP"),
        regime="BR/regime/PRC-up-to-USD-50",
        collected="at_checkout",
        duty="50.00",
        tax="61.45",
    ),
    case(
        "BR above USD 50",
        R("BR", price="250.01", destination_region="BR-SP"),
        regime="BR/regime/PRC-up-to-USD-3000",
        duty="50.01",
        tax="61.45",
        charges="111.46",
    ),
    case(
        "BR-BA 2025-03-31 ICMS 17%",
        R("BR", price="250.00", destination_region="BR-BA", date="2025-03-31"),
        tax="61.45",
    ),
    case(
        "BR-BA 2025-04-01 ICMS 20%",
        R("BR", price="250.00", destination_region="BR-BA", date="2025-04-01"),
        tax="75.00",
    ),
    case(
        "BR-SP stays 17%",
        R("BR", price="250.00", destination_region="BR-SP", date="2025-04-01"),
        tax="61.45",
    ),
    case(
        "BR-RR ICMS uncertain",
        R("BR", price="250.00", destination_region="BR-RR"),
        duty="50.00",
        complete=False,
    ),
    case("BR above USD 3,000", R("BR", price="15000.01"), allowed=False),
    case(
        "BR outside PRC: 60%",
        R("BR", price="100.00", channel="non_prc", destination_region="BR-SP"),
        regime="BR/regime/non-PRC",
        collected="at_border",
        duty="60.00",
        tax="32.77",
    ),
    # --- MX: courier global rate ---
    case(
        "MX from US at USD 50",
        R("MX", lines=[line(price="1000.00", origin="US")]),
        regime="MX/regime/courier-USMCA-free",
        charges="0.00",
    ),
    case(
        "MX from US above USD 50",
        R("MX", lines=[line(price="1000.01", origin="US")]),
        regime="MX/regime/courier-USMCA-17",
        tax="170.00",
    ),
    case(
        "MX from US at USD 117", R("MX", lines=[line(price="2340.00", origin="US")]), tax="397.80"
    ),
    case(
        "MX from US above USD 117",
        R("MX", lines=[line(price="2340.01", origin="US")]),
        regime="MX/regime/courier-USMCA-19",
        tax="444.60",
    ),
    case(
        "MX CN 2025-08-14 19%",
        R("MX", price="1000.00", date="2025-08-14"),
        regime="MX/regime/courier-19",
        tax="190.00",
    ),
    case(
        "MX CN 2025-08-15 33.5%",
        R("MX", price="1000.00", date="2025-08-15"),
        regime="MX/regime/courier-33.5",
        tax="335.00",
    ),
    case("MX above USD 2,500", R("MX", price="50000.01"), allowed=False),
    case("MX before data", R("MX", date="2024-12-31"), error="no_rules_for_date"),
    # --- CH: import tax of CHF 5 or less not levied; 8.1% from 2024 ---
    case(
        "CH tax 5.00 not levied",
        R("CH", price="61.79"),
        regime="CH/regime/import",
        duty="0.00",
        charges="0.00",
    ),
    case("CH tax 5.01 levied", R("CH", price="61.80"), tax="5.01", complete=True),
    case(
        "CH food reduced rate not levied",
        R("CH", lines=[line("090121", "100.00")]),
        tax="0.00",
        complete=False,
    ),
    case("CH food reduced rate 2.6%", R("CH", lines=[line("090121", "200.00")]), tax="5.20"),
    case(
        "CH 2023 VAT 7.7%, industrial duty unknown",
        R("CH", price="100.00", date="2023-12-31"),
        tax="7.70",
        complete=False,
    ),
    case(
        "CH carrier fee in VAT base",
        R(
            "CH",
            price="100.00",
            carrier_fees=[{"name": "Post", "amount": "10.00", "in_tax_base": True}],
        ),
        tax="8.91",
    ),
    case(
        "CH platform",
        R("CH", price="100.00", channel="platform"),
        regime="CH/regime/platform",
        collected="at_checkout",
        tax="8.10",
    ),
    # --- NO: VOEC below NOK 3,000 per item; NOK 350 until 2023 ---
    case(
        "NO VOEC below 3000",
        R("NO", price="2999.99"),
        regime="NO/regime/VOEC",
        collected="at_checkout",
        tax="750.00",
    ),
    case(
        "NO at 3000 leaves VOEC",
        R("NO", price="3000.00"),
        regime="NO/regime/import",
        tax="750.00",
        complete=False,
    ),
    case("NO food not VOEC", R("NO", lines=[line("090121", "100.00")]), regime="NO/regime/import"),
    case(
        "NO 2023-12-31 at 350 exempt",
        R("NO", price="350.00", channel="standard", date="2023-12-31"),
        regime="NO/regime/NOK-350-exemption",
        charges="0.00",
    ),
    case(
        "NO 2024-01-01 from the first krone",
        R("NO", price="350.00", channel="standard", date="2024-01-01"),
        regime="NO/regime/import",
        tax="88.00",  # 87.50 rounded half up to whole kroner (NO.toml)
    ),
    # --- CN: CBEC limits, comprehensive tax; postal articles ---
    case(
        "CN CBEC at 5000",
        R("CN", price="5000.00"),
        regime="CN/regime/cbec-within-limits",
        collected="at_checkout",
        duty="0.00",
        tax="455.00",
    ),
    case(
        "CN CBEC above 5000, two items",
        R("CN", lines=[line(price="2500.00"), line(price="2500.01")]),
        allowed=False,
    ),
    case(
        "CN CBEC single item above 5000",
        R("CN", price="6000.00"),
        regime="CN/regime/cbec-single-item-above-order-limit",
        tax="780.00",
        complete=False,
    ),
    case(
        "CN CBEC annual at 26000",
        R("CN", price="5000.00", buyer_year_to_date="21000.00"),
        regime="CN/regime/cbec-within-limits",
    ),
    case(
        "CN CBEC annual above 26000",
        R("CN", price="5000.00", buyer_year_to_date="21000.01"),
        allowed=False,
    ),
    case(
        "CN CBEC shipping counts toward 5000",
        R("CN", lines=[line(price="2500.00"), line(price="2490.00")], shipping="10.01"),
        allowed=False,
    ),
    case(
        "CN postal tax 50 waived",
        R("CN", price="250.00", channel="postal"),
        regime="CN/regime/postal",
        charges="0.00",
    ),
    case("CN postal tax above 50", R("CN", price="250.05", channel="postal"), tax="50.01"),
    case(
        "CN postal food 13%",
        R("CN", channel="postal", lines=[line("090121", "500.00")]),
        tax="65.00",
    ),
    case(
        "CN postal at 1000",
        R("CN", channel="postal", lines=[line(price="500.00"), line(price="500.00")]),
        tax="200.00",
    ),
    case(
        "CN postal above 1000",
        R("CN", channel="postal", lines=[line(price="500.00"), line(price="500.01")]),
        allowed=False,
    ),
    case(
        "CN postal HK above 800",
        R(
            "CN",
            channel="postal",
            ship_from="HK",
            lines=[line(price="400.00"), line(price="400.01")],
        ),
        allowed=False,
    ),
    case(
        "CN postal single item above 1000", R("CN", channel="postal", price="2000.00"), tax="400.00"
    ),
    # --- more exact-threshold cases ---
    case("IN charges exactly INR 100 not collected", R("IN", price="322.79"), charges="0.00"),
    case("IN charges INR 100.01 collected", R("IN", price="322.80"), charges="100.01"),
    case(
        "ID at USD 1,500 keeps the flat rate",
        R("ID", lines=[line("090121", "24000000.00")]),
        regime="ID/regime/shipment-flat-rate",
    ),
    case(
        "MX at USD 2,500 still courier", R("MX", price="50000.00"), regime="MX/regime/courier-33.5"
    ),
    case(
        "BR at USD 3,000 still PRC",
        R("BR", price="15000.00"),
        regime="BR/regime/PRC-up-to-USD-3000",
    ),
    case(
        "CN postal HK at 800",
        R(
            "CN",
            channel="postal",
            ship_from="HK",
            lines=[line(price="400.00"), line(price="400.00")],
        ),
        regime="CN/regime/postal",
    ),
    case("KR below USD 150", R("KR", price="209999"), regime="KR/regime/de-minimis"),
    case("NZ below 1000", R("NZ", price="999.99"), regime="NZ/regime/low-value-imported-goods"),
    case("MY below 500", R("MY", price="499.99"), regime="MY/regime/low-value-goods"),
    case("PH below 10000", R("PH", price="9999.99"), regime="PH/regime/de-minimis"),
    case("CN before data", R("CN", date="2019-04-08"), error="no_rules_for_date"),
]


@pytest.mark.parametrize(("payload", "expect"), CASES)
def test_destination_rules(payload: dict[str, Any], expect: dict[str, Any]) -> None:
    if "error" in expect:
        with pytest.raises(DomainError) as caught:
            quote(payload)
        assert caught.value.code == expect["error"]
        return
    result = quote(payload)
    if "regime" in expect:
        assert regime_id(result) == expect["regime"]
    if "collected" in expect:
        assert result["collected"] == expect["collected"]
    assert result["allowed"] is expect.get("allowed", True)
    if "duty" in expect:
        assert result["duty_total"] == expect["duty"]
    if "tax" in expect:
        assert result["tax_total"] == expect["tax"]
    if "fee" in expect:
        assert result["fee_total"] == expect["fee"]
    if "charges" in expect:
        assert result["import_charges_total"] == expect["charges"]
    if "complete" in expect:
        assert result["complete"] is expect["complete"]


def test_id_mixed_parcel_prices_each_line_by_its_own_shipment_rate() -> None:
    # A bag (a listed commodity, rate not held) and coffee in one parcel: the coffee still pays
    # 7.5% (PMK 96/2023 art. 29 sets the rate by commodity, not by parcel). Coffee IDR 100,000 x
    # 7.5% = 7,500; VAT 12% x 11/12 on (100,000 + 7,500) = 11% of 107,500 = 11,825 (bag: VAT on
    # its value only, 11% of 200,000 = 22,000: the unknown duty is left out of the base).
    payload = R("ID", lines=[line("420221", "200000.00"), line("090121", "100000.00")])
    result = quote(payload)
    assert regime_id(result) == "ID/regime/shipment-flat-rate"
    assert [(d["line"], d["rate"], d["amount"]) for d in result["duties"]] == [
        (0, None, None),
        (1, "0.075", "7500.00"),
    ]
    assert result["tax_total"] == "33825.00"
    assert [u["line"] for u in result["unknown_rates"]] == [0]
    assert (
        "Line 1 (090121): tariff duty 7.5% of IDR 100000.00 = IDR 7500.00."
        in (result["explanation"])
    )


def test_us_postal_mixed_parcel_charges_the_known_ieepa_rate_and_names_the_unknown_one() -> None:
    # 2025-11-10: postal items pay the IEEPA duty of each line's origin; ehub holds China's (20%)
    # and reports the Japanese line's as unknown instead of charging it 0.
    payload = R(
        "US",
        date="2025-11-10",
        channel="postal",
        lines=[line(price="100.00", origin="CN"), line("420221", "50.00", origin="JP")],
    )
    result = quote(payload)
    assert regime_id(result) == "US/regime/postal-ieepa"
    assert result["complete"] is False
    cn, jp = result["duties"]
    assert (cn["line"], cn["rate"], cn["amount"], cn["rule"]) == (
        0,
        "0.2",
        "20.00",
        "US/surcharge/IEEPA-China",
    )
    assert (jp["line"], jp["amount"]) == (1, None)
    assert result["duty_total"] == "20.00"
    assert any(
        "IEEPA rate for this country of origin" in u["reason"] for u in result["unknown_rates"]
    )


@pytest.mark.parametrize(
    ("destination", "kind", "region", "rate"),
    [("CA", "sales_tax", "CA-BC", "0.07"), ("BR", "icms", "BR-SP", "0.17")],
)
def test_a_regional_tax_without_destination_region_is_unknown_not_guessed(
    destination: str, kind: str, region: str, rate: str
) -> None:
    # Canada's PST/QST/HST and Brazil's ICMS depend on the province or state: without one the
    # quote names the missing rate instead of charging one province's (or none).
    price = "500.00" if destination == "CA" else "100.00"
    without = quote(R(destination, price=price))
    assert without["complete"] is False
    missing = [u for u in without["unknown_rates"] if u["kind"] == kind]
    assert missing
    assert "give destination_region" in missing[0]["reason"]
    assert [t["amount"] for t in without["taxes"] if t["kind"] == kind] == [None]

    given = quote(R(destination, price=price, destination_region=region))
    assert [t["rate"] for t in given["taxes"] if t["kind"] == kind] == [rate]
    assert not [u for u in given["unknown_rates"] if u["kind"] == kind]
