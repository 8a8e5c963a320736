"""Reduced VAT on the demo food subheadings in the EU member states (issue 3).

Each case is one parcel: a food line at the member state's reduced rate (rule ``XX/vat/reduced``)
and, where given, a non-food line (620610 silk blouse) that keeps the standard rate. Amounts were
worked out by hand from the rates in ``rules/XX.toml`` (each cites its source): under IOSS (goods up
to EUR 150, before 2026-07-01) there is no duty and VAT is rate x line price, rounded half up per
tax line. Dated cases sit on each side of a sourced change of rate. Reduced rates sourced for
some demo codes: AT CZ DE ES FI FR GR HR IE IT LU LV MT NL PL PT RO SE SI SK; empty tables (food
at the standard rate, see each rule file): BE BG CY DK EE HU LT.
"""

from __future__ import annotations

from typing import Any

import pytest

from ehub.customs.rulebook import load_rulebook
from ehub.customs.tests.support import line, quote, regime_id, request

EU_MEMBERS = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip


def _taxes(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [(t["rule"], t["rate"], t["base"], t["amount"]) for t in result["taxes"]]


def case(name: str, destination: str, lines: list[dict[str, Any]], taxes, total: str, **kw):
    return pytest.param(destination, lines, taxes, total, kw, id=name)


FOOD_100 = "100.00"
BLOUSE = line("620610", "20.00")

CASES = [
    # --- Germany: 7% on Anlage 2 goods (coffee ch. 9, chocolate 1806, biscuits ch. 19 ...) ---
    case(
        "DE roasted coffee 7%, blouse 19%",
        "DE",
        [line("090121", FOOD_100), BLOUSE],
        [
            ("DE/vat/reduced", "0.07", "100.00", "7.00"),
            ("DE/vat/standard", "0.19", "20.00", "3.80"),
        ],
        "10.80",
    ),
    case(
        "DE chocolate 1806 7%",
        "DE",
        [line("180690", FOOD_100)],
        [("DE/vat/reduced", "0.07", "100.00", "7.00")],
        "7.00",
    ),
    case(
        "DE sauces ch. 21 7%, before and after: 2021-07-01",
        "DE",
        [line("210390", FOOD_100)],
        [("DE/vat/reduced", "0.07", "100.00", "7.00")],
        "7.00",
        date="2021-07-01",
    ),
    # --- France: 5.5% on food, chocolate and chocolate-coated products at 20% ---
    case(
        "FR roasted coffee 5.5%, blouse 20%",
        "FR",
        [line("090121", FOOD_100), BLOUSE],
        [
            ("FR/vat/reduced", "0.055", "100.00", "5.50"),
            ("FR/vat/standard", "0.2", "20.00", "4.00"),
        ],
        "9.50",
    ),
    case(
        "FR jam 5.5%",
        "FR",
        [line("200799", FOOD_100)],
        [("FR/vat/reduced", "0.055", "100.00", "5.50")],
        "5.50",
    ),
    case(
        "FR chocolate stays 20%",
        "FR",
        [line("180690", FOOD_100)],
        [("FR/vat/standard", "0.2", "100.00", "20.00")],
        "20.00",
    ),
    case(
        "FR sweet biscuits stay 20% (chocolate split below 6 digits)",
        "FR",
        [line("190531", FOOD_100)],
        [("FR/vat/standard", "0.2", "100.00", "20.00")],
        "20.00",
    ),
    # --- Netherlands: 9% on all food ---
    case(
        "NL maple syrup 9%, blouse 21%",
        "NL",
        [line("170220", FOOD_100), BLOUSE],
        [
            ("NL/vat/reduced", "0.09", "100.00", "9.00"),
            ("NL/vat/standard", "0.21", "20.00", "4.20"),
        ],
        "13.20",
    ),
    # --- Finland: 14% -> 13.5% on 2026-01-01 ---
    case(
        "FI 2025-12-31 honey 14%",
        "FI",
        [line("040900", FOOD_100), BLOUSE],
        [
            ("FI/vat/reduced", "0.14", "100.00", "14.00"),
            ("FI/vat/standard", "0.255", "20.00", "5.10"),
        ],
        "19.10",
        date="2025-12-31",
    ),
    case(
        "FI 2026-01-01 honey 13.5%",
        "FI",
        [line("040900", FOOD_100), BLOUSE],
        [
            ("FI/vat/reduced", "0.135", "100.00", "13.50"),
            ("FI/vat/standard", "0.255", "20.00", "5.10"),
        ],
        "18.60",
        date="2026-01-01",
    ),
    # --- Sweden (SEK): 12%, 6% from 2026-04-01 to 2027-12-31, 12% again from 2028-01-01 ---
    case(
        "SE 2026-03-31 tea 12%",
        "SE",
        [line("090210", "1000.00"), line("620610", "200.00")],
        [
            ("SE/vat/reduced", "0.12", "1000.00", "120.00"),
            ("SE/vat/standard", "0.25", "200.00", "50.00"),
        ],
        "170.00",
        date="2026-03-31",
    ),
    case(
        "SE 2026-04-01 tea 6%",
        "SE",
        [line("090210", "1000.00"), line("620610", "200.00")],
        [
            ("SE/vat/reduced", "0.06", "1000.00", "60.00"),
            ("SE/vat/standard", "0.25", "200.00", "50.00"),
        ],
        "110.00",
        date="2026-04-01",
    ),
    case(
        "SE 2027-12-31 tea 6% (no IOSS: import VAT, no duty)",
        "SE",
        [line("090210", "1000.00")],
        [("SE/vat/reduced", "0.06", "1000.00", "60.00")],
        "60.00",
        date="2027-12-31",
        channel="no_ioss",
    ),
    case(
        "SE 2028-01-01 tea 12% again (no IOSS)",
        "SE",
        [line("090210", "1000.00")],
        [("SE/vat/reduced", "0.12", "1000.00", "120.00")],
        "120.00",
        date="2028-01-01",
        channel="no_ioss",
    ),
    # --- Luxembourg: 3% ---
    case(
        "LU coffee 3%, blouse 17%",
        "LU",
        [line("090121", FOOD_100), BLOUSE],
        [
            ("LU/vat/super-reduced", "0.03", "100.00", "3.00"),
            ("LU/vat/standard", "0.17", "20.00", "3.40"),
        ],
        "6.40",
    ),
    # --- Austria: 10% on honey and fruit only (rest of Anlage 1 not read) ---
    case(
        "AT honey 10%, coffee stays 20%",
        "AT",
        [line("040900", "60.00"), line("090121", "60.00")],
        [("AT/vat/reduced", "0.1", "60.00", "6.00"), ("AT/vat/standard", "0.2", "60.00", "12.00")],
        "18.00",
    ),
    # --- Ireland: zero rate on coffee/tea/fruit/sauces; chocolate standard ---
    case(
        "IE coffee 0%, chocolate 23%",
        "IE",
        [line("090121", "60.00"), line("180690", "60.00")],
        [
            ("IE/vat/zero-rated-food", "0", "60.00", "0.00"),
            ("IE/vat/standard", "0.23", "60.00", "13.80"),
        ],
        "13.80",
    ),
    # --- Spain: food 10%; fresh fruit 4% -> 0% (2023) -> 2% (2024-10) -> 4% (2025) ---
    case(
        "ES 2022-12-31 berries 4%, honey 10%, blouse 21%",
        "ES",
        [line("081040", "60.00"), line("040900", "60.00"), BLOUSE],
        [
            ("ES/vat/reduced", "0.04", "60.00", "2.40"),
            ("ES/vat/reduced", "0.1", "60.00", "6.00"),
            ("ES/vat/standard", "0.21", "20.00", "4.20"),
        ],
        "12.60",
        date="2022-12-31",
    ),
    case(
        "ES 2023-01-01 berries 0%",
        "ES",
        [line("081040", FOOD_100)],
        [("ES/vat/reduced", "0", "100.00", "0.00")],
        "0.00",
        date="2023-01-01",
    ),
    case(
        "ES 2024-09-30 berries 0%",
        "ES",
        [line("081040", FOOD_100)],
        [("ES/vat/reduced", "0", "100.00", "0.00")],
        "0.00",
        date="2024-09-30",
    ),
    case(
        "ES 2024-10-01 berries 2%",
        "ES",
        [line("081040", FOOD_100)],
        [("ES/vat/reduced", "0.02", "100.00", "2.00")],
        "2.00",
        date="2024-10-01",
    ),
    case(
        "ES 2024-12-31 berries 2%",
        "ES",
        [line("081040", FOOD_100)],
        [("ES/vat/reduced", "0.02", "100.00", "2.00")],
        "2.00",
        date="2024-12-31",
    ),
    case(
        "ES 2025-01-01 berries 4%",
        "ES",
        [line("081040", FOOD_100)],
        [("ES/vat/reduced", "0.04", "100.00", "4.00")],
        "4.00",
        date="2025-01-01",
    ),
    # --- Poland (PLN): 5% -> 0% (2022-02-01 .. 2024-03-31) -> 5%; coffee stays 23% ---
    case(
        "PL 2022-01-31 honey 5%, coffee 23%",
        "PL",
        [line("040900", "200.00"), line("090121", FOOD_100)],
        [
            ("PL/vat/reduced", "0.05", "200.00", "10.00"),
            ("PL/vat/standard", "0.23", "100.00", "23.00"),
        ],
        "33.00",
        date="2022-01-31",
    ),
    case(
        "PL 2022-02-01 honey 0%",
        "PL",
        [line("040900", "200.00")],
        [("PL/vat/reduced", "0", "200.00", "0.00")],
        "0.00",
        date="2022-02-01",
    ),
    case(
        "PL 2024-03-31 honey 0%",
        "PL",
        [line("040900", "200.00")],
        [("PL/vat/reduced", "0", "200.00", "0.00")],
        "0.00",
        date="2024-03-31",
    ),
    case(
        "PL 2024-04-01 honey 5%",
        "PL",
        [line("040900", "200.00")],
        [("PL/vat/reduced", "0.05", "200.00", "10.00")],
        "10.00",
        date="2024-04-01",
    ),
    # --- Greece: 13% (Annex III, 2019 reform: chocolate, biscuits, coffee, jams ...) ---
    case(
        "GR chocolate 13%, blouse 24%",
        "GR",
        [line("180690", FOOD_100), BLOUSE],
        [
            ("GR/vat/reduced", "0.13", "100.00", "13.00"),
            ("GR/vat/standard", "0.24", "20.00", "4.80"),
        ],
        "17.80",
    ),
    case(
        "GR maple syrup stays 24% (not clearly in Annex III)",
        "GR",
        [line("170220", FOOD_100)],
        [("GR/vat/standard", "0.24", "100.00", "24.00")],
        "24.00",
    ),
    # --- Czechia (CZK): food 15% -> 12% on 2024-01-01 ---
    case(
        "CZ 2023-12-31 coffee 15%, blouse 21%",
        "CZ",
        [line("090121", FOOD_100), BLOUSE],
        [
            ("CZ/vat/reduced", "0.15", "100.00", "15.00"),
            ("CZ/vat/standard", "0.21", "20.00", "4.20"),
        ],
        "19.20",
        date="2023-12-31",
    ),
    case(
        "CZ 2024-01-01 chocolate 12%, blouse 21%",
        "CZ",
        [line("180690", FOOD_100), BLOUSE],
        [
            ("CZ/vat/reduced", "0.12", "100.00", "12.00"),
            ("CZ/vat/standard", "0.21", "20.00", "4.20"),
        ],
        "16.20",
        date="2024-01-01",
    ),
    # --- Romania (RON): 9%; sugary food standard from 2024-01-01; 11% from 2025-08-01 ---
    case(
        "RO 2023-12-31 chocolate 9%, blouse 19%",
        "RO",
        [line("180690", FOOD_100), BLOUSE],
        [
            ("RO/vat/reduced", "0.09", "100.00", "9.00"),
            ("RO/vat/standard", "0.19", "20.00", "3.80"),
        ],
        "12.80",
        date="2023-12-31",
    ),
    case(
        "RO 2024-01-01 honey 9%, chocolate 19%",
        "RO",
        [line("040900", FOOD_100), line("180690", FOOD_100)],
        [
            ("RO/vat/reduced", "0.09", "100.00", "9.00"),
            ("RO/vat/standard", "0.19", "100.00", "19.00"),
        ],
        "28.00",
        date="2024-01-01",
    ),
    case(
        "RO 2025-07-31 coffee 9%, blouse 19%",
        "RO",
        [line("090121", FOOD_100), BLOUSE],
        [
            ("RO/vat/reduced", "0.09", "100.00", "9.00"),
            ("RO/vat/standard", "0.19", "20.00", "3.80"),
        ],
        "12.80",
        date="2025-07-31",
    ),
    case(
        "RO 2025-08-01 coffee 11%, blouse 21%",
        "RO",
        [line("090121", FOOD_100), BLOUSE],
        [
            ("RO/vat/reduced", "0.11", "100.00", "11.00"),
            ("RO/vat/standard", "0.21", "20.00", "4.20"),
        ],
        "15.20",
        date="2025-08-01",
    ),
    # --- Slovakia: honey 10% (2024) -> 5% (2025); other food 19% in 2025; sweets 23% in 2026 ---
    case(
        "SK 2024-12-31 honey 10%, chocolate 20%",
        "SK",
        [line("040900", "60.00"), line("180690", "60.00")],
        [("SK/vat/reduced", "0.1", "60.00", "6.00"), ("SK/vat/standard", "0.2", "60.00", "12.00")],
        "18.00",
        date="2024-12-31",
    ),
    case(
        "SK 2025-01-01 honey 5%, chocolate 19%, blouse 23%",
        "SK",
        [line("040900", "60.00"), line("180690", "60.00"), BLOUSE],
        [
            ("SK/vat/reduced", "0.05", "60.00", "3.00"),
            ("SK/vat/reduced", "0.19", "60.00", "11.40"),
            ("SK/vat/standard", "0.23", "20.00", "4.60"),
        ],
        "19.00",
        date="2025-01-01",
    ),
    case(
        "SK 2025-12-31 chocolate 19%",
        "SK",
        [line("180690", "60.00")],
        [("SK/vat/reduced", "0.19", "60.00", "11.40")],
        "11.40",
        date="2025-12-31",
    ),
    case(
        "SK 2026-01-01 chocolate 23%, coffee 19%",
        "SK",
        [line("180690", "60.00"), line("090121", "60.00")],
        [
            ("SK/vat/standard", "0.23", "60.00", "13.80"),
            ("SK/vat/reduced", "0.19", "60.00", "11.40"),
        ],
        "25.20",
        date="2026-01-01",
    ),
    # --- Croatia: fresh and dried fruit 13% -> 5% on 2022-04-01; coffee 25% ---
    case(
        "HR 2022-03-31 berries 13%, coffee 25%",
        "HR",
        [line("081040", "60.00"), line("090121", "60.00")],
        [
            ("HR/vat/reduced", "0.13", "60.00", "7.80"),
            ("HR/vat/standard", "0.25", "60.00", "15.00"),
        ],
        "22.80",
        date="2022-03-31",
    ),
    case(
        "HR 2022-04-01 dried fruit 5%, blouse 25%",
        "HR",
        [line("081340", FOOD_100), BLOUSE],
        [
            ("HR/vat/reduced", "0.05", "100.00", "5.00"),
            ("HR/vat/standard", "0.25", "20.00", "5.00"),
        ],
        "10.00",
        date="2022-04-01",
    ),
    # --- Latvia: fresh Latvian-type berries 5% -> 12% on 2024-01-01; dried fruit 21% ---
    case(
        "LV 2023-12-31 cranberries 5%, blouse 21%",
        "LV",
        [line("081040", FOOD_100), BLOUSE],
        [
            ("LV/vat/reduced", "0.05", "100.00", "5.00"),
            ("LV/vat/standard", "0.21", "20.00", "4.20"),
        ],
        "9.20",
        date="2023-12-31",
    ),
    case(
        "LV 2024-01-01 cranberries 12%, dried fruit 21%",
        "LV",
        [line("081040", "60.00"), line("081340", "60.00")],
        [
            ("LV/vat/reduced", "0.12", "60.00", "7.20"),
            ("LV/vat/standard", "0.21", "60.00", "12.60"),
        ],
        "19.80",
        date="2024-01-01",
    ),
    # --- Malta: zero-rated unprocessed food; chocolate excluded (18%) ---
    case(
        "MT honey 0%, chocolate 18%",
        "MT",
        [line("040900", "60.00"), line("180690", "60.00")],
        [
            ("MT/vat/zero-rated-food", "0", "60.00", "0.00"),
            ("MT/vat/standard", "0.18", "60.00", "10.80"),
        ],
        "10.80",
    ),
    # --- Italy: honey 10% (other codes not sourced) ---
    case(
        "IT honey 10%, blouse 22%",
        "IT",
        [line("040900", FOOD_100), BLOUSE],
        [
            ("IT/vat/reduced", "0.1", "100.00", "10.00"),
            ("IT/vat/standard", "0.22", "20.00", "4.40"),
        ],
        "14.40",
    ),
    # --- Portugal: honey 6% (List I 1.8); coffee 23% since 2012 ---
    case(
        "PT honey 6%, coffee 23%",
        "PT",
        [line("040900", "60.00"), line("090121", "60.00")],
        [
            ("PT/vat/reduced", "0.06", "60.00", "3.60"),
            ("PT/vat/standard", "0.23", "60.00", "13.80"),
        ],
        "17.40",
    ),
    # --- Slovenia: 9.5% on all food ---
    case(
        "SI biscuits 9.5%, blouse 22%",
        "SI",
        [line("190531", FOOD_100), BLOUSE],
        [
            ("SI/vat/reduced", "0.095", "100.00", "9.50"),
            ("SI/vat/standard", "0.22", "20.00", "4.40"),
        ],
        "13.90",
    ),
    # --- empty tables: food keeps the standard rate ---
    case(
        "BG honey 20% (food at the standard rate)",
        "BG",
        [line("040900", FOOD_100)],
        [("BG/vat/standard", "0.2", "100.00", "20.00")],
        "20.00",
    ),
    case(
        "EE honey 24% (no reduced food rate)",
        "EE",
        [line("040900", FOOD_100)],
        [("EE/vat/standard", "0.24", "100.00", "24.00")],
        "24.00",
    ),
    case(
        "LT honey 21% (no reduced food rate)",
        "LT",
        [line("040900", FOOD_100)],
        [("LT/vat/standard", "0.21", "100.00", "21.00")],
        "21.00",
    ),
    case(
        "DK coffee 25% (no reduced rate)",
        "DK",
        [line("090121", FOOD_100)],
        [("DK/vat/standard", "0.25", "100.00", "25.00")],
        "25.00",
    ),
    case(
        "IT coffee 22% (no reduced rate sourced)",
        "IT",
        [line("090121", FOOD_100)],
        [("IT/vat/standard", "0.22", "100.00", "22.00")],
        "22.00",
    ),
]


@pytest.mark.parametrize(("destination", "lines", "taxes", "total", "kw"), CASES)
def test_reduced_vat_on_food(destination, lines, taxes, total, kw):
    result = quote(request(destination, lines=lines, **kw))
    no_ioss = kw.get("channel") == "no_ioss"
    assert regime_id(result) == ("EU/regime/low-value-no-IOSS" if no_ioss else "EU/regime/IOSS")
    assert result["duty_total"] == "0.00"
    assert sorted(_taxes(result)) == sorted(taxes)
    assert result["tax_total"] == total
    rule_ids = {r["id"] for r in result["rules"]}
    assert {t[0] for t in taxes} <= rule_ids


def test_no_ioss_and_standard_import_use_the_reduced_rate():
    # no IOSS, up to EUR 150: import VAT 7% of the customs value (100.00), no duty
    low = quote(request("DE", lines=[line("090121", FOOD_100)], channel="no_ioss"))
    assert regime_id(low) == "EU/regime/low-value-no-IOSS"
    assert _taxes(low) == [("DE/vat/reduced", "0.07", "100.00", "7.00")]
    # above EUR 150: MFN 7.5% on 200.00 = 15.00; VAT 7% of 215.00 = 15.05
    high = quote(request("DE", lines=[line("090121", "200.00")]))
    assert regime_id(high) == "EU/regime/standard-import"
    assert high["duty_total"] == "15.00"
    assert _taxes(high) == [("DE/vat/reduced", "0.07", "215.00", "15.05")]


def test_interim_duty_regime_uses_the_reduced_rate():
    # from 2026-07-01: EUR 3 per distinct subheading in the VAT base of each line
    # coffee 7% of 103.00 = 7.21; blouse 19% of 23.00 = 4.37
    result = quote(request("DE", date="2026-07-01", lines=[line("090121", FOOD_100), BLOUSE]))
    assert regime_id(result) == "EU/regime/IOSS-interim-duty"
    assert result["duty_total"] == "6.00"
    assert sorted(_taxes(result)) == [
        ("DE/vat/reduced", "0.07", "103.00", "7.21"),
        ("DE/vat/standard", "0.19", "23.00", "4.37"),
    ]


def test_line_tax_rate_override_beats_the_reduced_rate():
    result = quote(request("DE", lines=[line("090121", FOOD_100, tax_rate="0.19")]))
    assert _taxes(result) == [("request/tax_rate", "0.19", "100.00", "19.00")]


def test_every_member_state_has_a_reduced_rate_table():
    rulebook = load_rulebook()
    for country in EU_MEMBERS:
        destination = rulebook.destinations[country]
        assert "EU.toml" in destination.files, country
        assert "vat_reduced" in destination.tables, country
