"""Philippines: BOC's import fees and the VAT base (PH.toml).

From 2022-01-01 to 2024-06-09 PH.toml charges the customs
documentary stamp (informal entry PHP 30, formal entry PHP 280) and the import processing fee of
CAO 2-2001 (formal entry: PHP 250 / 500 / 750 / 1,000 by customs value, tiers at PHP 250,000,
500,000 and 750,000), the informal/formal split at FOB PHP 50,000, and BOC's VAT base ("total
landed cost"): customs value + duty + the fees + the carrier fees the request counts in the tax
base (the customs broker's fee). From 2024-06-10 (CAO 02-2024, then 02-2025) the stamp and the
formal entry's import processing charge are in force but their amounts are not held: they are
reported in ``unknown_rates`` and the quote is incomplete. Sources and dates: PH.toml's comments.

The VAT base uses the engine's tax base part ``"fees"`` (BOC's fees, taxed at the standard
12% whatever the goods' own rate).

Every figure below is worked by hand: VAT 12%, half up to the centavo (PH.toml's rounding).
Duty rates are passed as line overrides (ehub holds no PH MFN rate), so the duty is known.
"""

from __future__ import annotations

from typing import Any

import pytest

from ehub.core.fx import RateTable
from ehub.customs.contract import parse_request, result_to_json
from ehub.customs.domain import landed_cost
from ehub.customs.rulebook import get_rulebook
from ehub.customs.tests.support import STORED, line, request

FEE_REGIME = "PH/regime/import-with-fees"
NO_FEE_REGIME = "PH/regime/import"
NOT_INCLUDED = (
    "BOC's import processing fee and customs documentary stamp are not included: ehub does not "
    "hold their amounts for this date."
)
BROKER_NOTE = (
    "BOC counts the customs broker's fee in the VAT base (PHP 700 for a courier parcel on informal "
    "entry); ehub adds it when the request lists it among the carrier fees counted in the tax base."
)
CDS_INFORMAL = (
    "Customs documentary stamp (informal entry)",
    "PH/fee/customs-documentary-stamp-informal",
)
CDS_FORMAL = ("Customs documentary stamp (formal entry)", "PH/fee/customs-documentary-stamp-formal")
IPF = "Import processing fee (formal entry)"
IN_WINDOW = "2023-06-01"


@pytest.fixture(scope="module")
def book():
    return get_rulebook()


def _quote(book, payload: dict[str, Any]) -> dict[str, Any]:
    parsed = parse_request(payload)
    fx = RateTable.from_pairs(parsed.fx, "from the request").merged_over(STORED)
    return result_to_json(landed_cost(parsed, rulebook=book, fx=fx))


def _ph(price: str, *, date: str = IN_WINDOW, duty: str | None = None, **kw: Any) -> dict[str, Any]:
    extra: dict[str, Any] = {} if duty is None else {"duty_rate": duty}
    return request("PH", date=date, lines=[line("620610", price, **extra)], **kw)


def _regime(result: dict[str, Any]) -> str:
    return next(r["id"] for r in result["rules"] if "/regime/" in r["id"])


def _fees(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(f["name"], f["amount"], f["rule"]) for f in result["fees"]]


def test_regime_order(book):
    regimes = [r.id for r in book.destinations["PH"].regimes]
    assert regimes == ["PH/regime/de-minimis", FEE_REGIME, NO_FEE_REGIME, NO_FEE_REGIME]


# --- PHP 10,000 de minimis and the PHP 50,000 informal/formal split (FOB) ----------------------


def test_at_de_minimis_nothing_is_charged(book):
    result = _quote(book, _ph("10000.00"))
    assert _regime(result) == "PH/regime/de-minimis"
    assert (result["fees"], result["import_charges_total"]) == ([], "0.00")


@pytest.mark.parametrize("price", ["10000.01", "20000.00", "49999.99"])
def test_informal_entry_pays_the_informal_stamp_only(book, price):
    result = _quote(book, _ph(price))
    assert _regime(result) == FEE_REGIME
    assert _fees(result) == [(CDS_INFORMAL[0], "30.00", CDS_INFORMAL[1])]
    assert result["fee_total"] == "30.00"


def test_formal_entry_from_php_50000_pays_stamp_and_ipf(book):
    result = _quote(book, _ph("50000.00"))
    assert _fees(result) == [
        (CDS_FORMAL[0], "280.00", CDS_FORMAL[1]),
        (IPF, "250.00", "PH/fee/import-processing-fee-250"),
    ]
    assert result["fee_total"] == "530.00"


def test_entry_split_tests_the_fob_value_not_the_cif_value(book):
    # goods 49,999.99 + freight 1,000.00: customs value 50,999.99, but FOB below 50,000
    result = _quote(book, _ph("49999.99", shipping="1000.00"))
    assert result["customs_value"] == "50999.99"
    assert _fees(result) == [(CDS_INFORMAL[0], "30.00", CDS_INFORMAL[1])]


@pytest.mark.parametrize(
    ("goods", "shipping", "ipf", "rule"),
    [
        ("250000.00", "0.00", "250.00", "PH/fee/import-processing-fee-250"),  # "up to P250,000"
        ("250000.01", "0.00", "500.00", "PH/fee/import-processing-fee-500"),
        ("249000.00", "1000.00", "250.00", "PH/fee/import-processing-fee-250"),  # CIF 250,000.00
        ("249000.00", "1000.01", "500.00", "PH/fee/import-processing-fee-500"),  # freight counts
        ("500000.00", "0.00", "500.00", "PH/fee/import-processing-fee-500"),
        ("500000.01", "0.00", "750.00", "PH/fee/import-processing-fee-750"),
        ("750000.00", "0.00", "750.00", "PH/fee/import-processing-fee-750"),
        ("750000.01", "0.00", "1000.00", "PH/fee/import-processing-fee-1000"),
    ],
)
def test_ipf_tiers_on_the_customs_value(book, goods, shipping, ipf, rule):
    result = _quote(book, _ph(goods, shipping=shipping))
    assert _fees(result) == [(CDS_FORMAL[0], "280.00", CDS_FORMAL[1]), (IPF, ipf, rule)]
    # the fee total is the stamp + the one IPF tier
    assert result["fee_total"] == f"{280 + int(ipf.split('.')[0])}.00"


# --- dates: fees from 2022-01-01 to 2024-06-09 only ---------------------------------------------


@pytest.mark.parametrize(
    ("date", "regime", "fees"),
    [
        ("2021-12-31", NO_FEE_REGIME, []),
        ("2022-01-01", FEE_REGIME, [(CDS_INFORMAL[0], "30.00", CDS_INFORMAL[1])]),
        ("2024-06-09", FEE_REGIME, [(CDS_INFORMAL[0], "30.00", CDS_INFORMAL[1])]),
        ("2024-06-10", NO_FEE_REGIME, []),  # CAO 02-2024 in force, its amounts not held
        ("2026-11-23", NO_FEE_REGIME, []),
    ],
)
def test_fee_window(book, date, regime, fees):
    result = _quote(book, _ph("20000.00", date=date))
    assert _regime(result) == regime
    assert _fees(result) == fees
    assert (NOT_INCLUDED in result["explanation"]) is (date == "2021-12-31")
    assert BROKER_NOTE in result["explanation"]


@pytest.mark.parametrize("date", ["2021-12-31", "2024-06-10"])
def test_without_fees_vat_is_on_customs_value_and_duty(book, date):
    # 20,000.00 at 10%: duty 2,000.00; VAT 12% of 22,000.00 = 2,640.00 (from 2024-06-10 a lower
    # bound: the stamp, part of the base, is not known)
    result = _quote(book, _ph("20000.00", date=date, duty="0.10"))
    assert (result["duty_total"], result["tax_total"], result["fee_total"]) == (
        "2000.00",
        "2640.00",
        "0.00",
    )
    assert result["import_charges_total"] == "4640.00"
    assert result["complete"] is (date == "2021-12-31")


@pytest.mark.parametrize(
    ("date", "price", "unknown_fees"),
    [
        ("2024-06-09", "49999.99", []),
        ("2024-06-10", "49999.99", ["Customs documentary stamp"]),
        ("2026-11-23", "49999.99", ["Customs documentary stamp"]),
        (
            "2026-11-23",
            "50000.00",
            ["Customs documentary stamp", "Import processing charge (formal entry)"],
        ),
    ],
)
def test_fees_from_2024_06_10_are_reported_unknown_not_zero(book, date, price, unknown_fees):
    result = _quote(book, _ph(price, date=date, duty="0"))
    unknown = [u for u in result["unknown_rates"] if u["kind"] == "fee"]
    assert [u["reason"] for u in unknown] == [
        f"the {name} on {date} is not known to ehub" for name in unknown_fees
    ]
    assert all(u["line"] is None and u["hs_code"] is None for u in unknown)
    assert result["complete"] is not unknown_fees


# --- VAT on BOC's total landed cost ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "duty", "expected"),
    [
        # 10,000.01 x 10% = 1,000.001 -> 1,000.00; VAT 12% of (10,000.01 + 1,000.00 + 30.00)
        # = 12% of 11,030.01 = 1,323.6012 -> 1,323.60; charges 1,000.00 + 1,323.60 + 30.00
        ("10000.01", "0.10", ("1000.00", "1323.60", "30.00", "2353.60")),
        # 49,999.99 x 5% = 2,499.9995 -> 2,500.00; 12% of (49,999.99 + 2,500.00 + 30.00)
        # = 12% of 52,529.99 = 6,303.5988 -> 6,303.60; charges 2,500 + 6,303.60 + 30
        ("49999.99", "0.05", ("2500.00", "6303.60", "30.00", "8833.60")),
        # 50,000.00 x 5% = 2,500.00; fees 280 + 250 = 530; 12% of 53,030.00 = 6,363.60
        ("50000.00", "0.05", ("2500.00", "6363.60", "530.00", "9393.60")),
        # duty-free 750,000.01; fees 280 + 1,000 = 1,280; 12% of 751,280.01 = 90,153.6012
        ("750000.01", "0", ("0.00", "90153.60", "1280.00", "91433.60")),
    ],
)
def test_vat_base_includes_boc_fees(book, price, duty, expected):
    result = _quote(book, _ph(price, duty=duty))
    got = (
        result["duty_total"],
        result["tax_total"],
        result["fee_total"],
        result["import_charges_total"],
    )
    assert got == expected
    (tax,) = result["taxes"]
    duty_amount, fees = expected[0], expected[2]
    base = sum(map(_cents, (price, duty_amount, fees)))
    assert _cents(tax["base"]) == base


def _cents(amount: str) -> int:
    units, _, cents = amount.partition(".")
    return int(units) * 100 + int((cents + "00")[:2])


BROKER = {"name": "brokerage fee", "amount": "700.00", "in_tax_base": True}


def test_broker_fee_counted_in_the_tax_base_is_taxed_not_charged(book):
    # 20,000.00 duty-free: VAT 12% of (20,000.00 + 30.00 + 700.00) = 12% of 20,730.00 = 2,487.60;
    # import charges 2,487.60 + 30.00; the broker's fee is in neither total
    result = _quote(book, _ph("20000.00", duty="0", carrier_fees=[BROKER]))
    assert (result["tax_total"], result["fee_total"]) == ("2487.60", "30.00")
    assert result["import_charges_total"] == "2517.60"
    assert result["landed_total"] == "22517.60"


def test_carrier_fee_outside_the_tax_base_is_not_taxed(book):
    # 12% of (20,000.00 + 30.00) = 2,403.60
    result = _quote(
        book, _ph("20000.00", duty="0", carrier_fees=[{**BROKER, "in_tax_base": False}])
    )
    assert result["tax_total"] == "2403.60"


@pytest.mark.parametrize(("in_base", "vat"), [(True, "2484.00"), (False, "2400.00")])
def test_broker_fee_in_the_tax_base_without_boc_fees(book, in_base, vat):
    # 2024-06-10: no BOC fee; 12% of 20,700.00 = 2,484.00, or of 20,000.00 = 2,400.00
    fee = {**BROKER, "in_tax_base": in_base}
    result = _quote(book, _ph("20000.00", date="2024-06-10", duty="0", carrier_fees=[fee]))
    assert (result["tax_total"], result["import_charges_total"]) == (vat, vat)


def test_boc_informal_express_calculator_formula(book):
    # BOC's "Tax calculator - informal entry express shipment" (customs.gov.ph/informal-entry)
    # gives no worked figures; this runs its formula on an example: FOB USD 300, insurance 2% of
    # FOB (the page's rule for general cargo) USD 6, freight USD 20, USD 1 = PHP 56.00, duty 10%,
    # the page's PHP 700 brokerage fee "as basis for the computation of VAT" (USD 12.50).
    #   dutiable value (300 + 6 + 20) x 56 = 18,256.00; FOB 16,800.00: informal entry
    #   customs duty 18,256.00 x 10% = 1,825.60
    #   total landed cost 18,256.00 + 1,825.60 + 700.00 + CDS 30.00 = 20,811.60
    #   VAT 12% = 2,497.392 -> 2,497.39
    #   total due to the government 1,825.60 + 2,497.39 + 30.00 = 4,352.99
    payload = request(
        "PH",
        date=IN_WINDOW,
        currency="USD",
        fx={"USD/PHP": "56.00"},
        lines=[line("620610", "300.00", duty_rate="0.10")],
        shipping="20.00",
        insurance="6.00",
        carrier_fees=[{**BROKER, "amount": "12.50"}],
    )
    result = _quote(book, payload)
    assert _regime(result) == FEE_REGIME
    assert result["customs_value"] == "18256.00"
    assert _fees(result) == [(CDS_INFORMAL[0], "30.00", CDS_INFORMAL[1])]
    assert (result["duty_total"], result["tax_total"]) == ("1825.60", "2497.39")
    assert result["taxes"][0]["base"] == "20811.60"
    assert result["import_charges_total"] == "4352.99"
