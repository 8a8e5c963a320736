"""New Zealand: Customs' Import Entry Transaction Fee and MPI's biosecurity levy (NZ.toml).

Above NZD 1,000 (an import entry) NZ.toml charges, once per entry, the GST-exclusive Import Entry
Transaction Fee (IETF) and Biosecurity System Entry Levy (BSEL), and adds them to the GST base
(tax base part ``"fees"``), because Customs charges 15% GST on each of them:

    IETF  25.44 (to 2021-06-30), 28.72 (from 2021-07-01), 33.50 (from 2023-10-01),
          34.85 (from 2024-07-01), 46.47 (from 2025-07-01 to 2026-03-31)
    BSEL  20.36 (to 2023-06-30), 46.40 (from 2023-07-01 to 2026-03-31)

From 2026-04-01 both are replaced by the levies of the Customs and Excise (Goods Management
Levies) Order 2025 and the Biosecurity (Import Levies and Commercial Vessel Levy) Order 2026,
whose amounts ehub does not hold: they are reported in ``unknown_rates`` (kind ``fee``) and the
quote is incomplete. Goods of NZD 1,000 or less (GST at checkout) pay none of them; from
2026-04-01 a note says the per-consignment low-value levy is not included. Sources and the
derivation of each amount: NZ.toml's comments.

Every figure below is worked by hand: GST 15%, half up to the cent. NZ.toml holds no MFN rate, so
the standard parcel passes a 5% duty override to keep the quote complete: goods NZD 2,000.00
(FOB customs value), shipping 100.00, duty 5% x 2,000.00 = 100.00, GST base before fees
2,000.00 + 100.00 + 100.00 = 2,200.00.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ehub.core.errors import DomainError
from ehub.customs.tests.support import line, quote, regime_id, request

BORDER = "NZ/regime/border"
LOW_VALUE = "NZ/regime/low-value-imported-goods"
IETF = ("Import Entry Transaction Fee (NZ Customs)", "NZ/fee/import-entry-transaction-fee")
BSEL = ("Biosecurity System Entry Levy (MPI)", "NZ/fee/biosecurity-system-entry-levy")
CUSTOMS_LEVY = "High-value goods import levy (NZ Customs, air)"
MPI_LEVY = "Biosecurity import levy on high-value goods (MPI)"
LOW_VALUE_NOTE = (
    "From 1 April 2026 NZ Customs and MPI also charge a levy on each low-value consignment at "
    "the border; it is not included."
)


def _nz(
    price: str = "2000.00", *, date: str, duty: str | None = "0.05", **kw: Any
) -> dict[str, Any]:
    extra: dict[str, Any] = {} if duty is None else {"duty_rate": duty}
    kw.setdefault("shipping", "100.00")
    return quote(request("NZ", date=date, lines=[line("620610", price, **extra)], **kw))


def _fees(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(f["name"], f["amount"], f["rule"]) for f in result["fees"]]


def _gst(result: dict[str, Any]) -> tuple[str, str]:
    (gst,) = result["taxes"]
    assert (gst["kind"], gst["rate"]) == ("gst", "0.15")
    return gst["base"], gst["amount"]


# --- amounts and dates ---------------------------------------------------------------------------
# (date, IETF, BSEL, GST base = 2,200.00 + IETF + BSEL, GST = 15% of it, half up)
PERIODS = [
    # first day of ehub's NZ rules; 25.44 + 20.36 = 45.80, Customs Release 461's "Total ... $45.80"
    ("2019-12-01", "25.44", "20.36", "2245.80", "336.87"),  # 336.870
    ("2021-06-30", "25.44", "20.36", "2245.80", "336.87"),
    ("2021-07-01", "28.72", "20.36", "2249.08", "337.36"),  # 337.362
    ("2023-06-30", "28.72", "20.36", "2249.08", "337.36"),
    ("2023-07-01", "28.72", "46.40", "2275.12", "341.27"),  # 341.268
    ("2023-09-30", "28.72", "46.40", "2275.12", "341.27"),
    ("2023-10-01", "33.50", "46.40", "2279.90", "341.99"),  # 341.985, half up
    ("2024-06-30", "33.50", "46.40", "2279.90", "341.99"),
    ("2024-07-01", "34.85", "46.40", "2281.25", "342.19"),  # 342.1875
    ("2025-06-30", "34.85", "46.40", "2281.25", "342.19"),
    ("2025-07-01", "46.47", "46.40", "2292.87", "343.93"),  # 343.9305
    ("2026-03-31", "46.47", "46.40", "2292.87", "343.93"),
]


@pytest.mark.parametrize(("date", "ietf", "bsel", "base", "gst"), PERIODS)
def test_fees_and_gst_on_them_by_date(date, ietf, bsel, base, gst):
    result = _nz(date=date)
    assert regime_id(result) == BORDER
    assert result["collected"] == "at_border"
    assert _fees(result) == [(IETF[0], ietf, IETF[1]), (BSEL[0], bsel, BSEL[1])]
    fee_total = Decimal(ietf) + Decimal(bsel)
    assert result["fee_total"] == str(fee_total)
    assert result["duty_total"] == "100.00"
    assert _gst(result) == (base, gst)
    assert Decimal(base) == Decimal("2200.00") + fee_total
    assert result["import_charges_total"] == str(Decimal("100.00") + Decimal(gst) + fee_total)
    assert result["landed_total"] == str(
        Decimal("2100.00") + Decimal("100.00") + Decimal(gst) + fee_total
    )
    assert (result["complete"], result["unknown_rates"]) == (True, [])


@pytest.mark.parametrize(
    ("date", "ietf_incl_gst", "bsel_incl_gst"),
    [
        # Customs' published GST-inclusive IETF: 29.26, 33.03, 38.53, 40.08, 53.44; the BSEL
        # incl. GST: 20.36 x 1.15 = 23.414 -> 23.41, 46.40 x 1.15 = 53.36
        ("2021-06-30", "29.26", "23.41"),
        ("2021-07-01", "33.03", "23.41"),
        ("2023-10-01", "38.53", "53.36"),
        ("2024-07-01", "40.08", "53.36"),
        ("2025-07-01", "53.44", "53.36"),
    ],
)
def test_gst_on_the_fees_matches_the_published_gst_inclusive_fees(
    date, ietf_incl_gst, bsel_incl_gst
):
    with_fees = _nz(date=date)
    # the GST on the goods alone: 15% of 2,200.00 = 330.00 (the 2026-04-01 rules charge no fee)
    gst_on_fees = Decimal(_gst(with_fees)[1]) - Decimal("330.00")
    fee_total = Decimal(with_fees["fee_total"])
    assert fee_total + gst_on_fees == Decimal(ietf_incl_gst) + Decimal(bsel_incl_gst)


def test_2025_fee_arithmetic_written_out():
    # IETF 46.47 + BSEL 46.40 = 92.87; GST 15% of (2,000.00 + 100.00 + 100.00 + 92.87) =
    # 15% of 2,292.87 = 343.9305 -> 343.93; charges 100.00 + 343.93 + 92.87 = 536.80
    result = _nz(date="2025-11-23")
    assert result["fee_total"] == "92.87"
    assert _gst(result) == ("2292.87", "343.93")
    assert result["import_charges_total"] == "536.80"
    assert result["landed_total"] == "2636.80"
    assert "Fee: Import Entry Transaction Fee (NZ Customs) NZD 46.47." in result["explanation"]
    assert "Fee: Biosecurity System Entry Levy (MPI) NZD 46.40." in result["explanation"]
    rules = {r["id"]: r["source"] for r in result["rules"]}
    assert rules[IETF[1]].startswith("https://customs.govt.nz/")
    assert rules[BSEL[1]].startswith("https://www.mpi.govt.nz/")


# --- the NZD 1,000 threshold (goods value, FOB) ---------------------------------------------------


@pytest.mark.parametrize(
    ("price", "shipping", "regime", "fee_total", "gst"),
    [
        # at NZD 1,000.00: low-value goods, GST 15% of (1,000.00 + 100.00) = 165.00 at checkout
        ("1000.00", "100.00", LOW_VALUE, "0.00", ("1100.00", "165.00")),
        ("999.99", "100.00", LOW_VALUE, "0.00", ("1099.99", "165.00")),  # 164.9985
        # shipping does not count towards the threshold
        ("1000.00", "500.00", LOW_VALUE, "0.00", ("1500.00", "225.00")),
        # above: an import entry; no duty override, so the duty is unknown (not 0) and GST is
        # 15% of (1,000.01 + 100.00 + 92.87) = 15% of 1,192.88 = 178.932 -> 178.93
        ("1000.01", "100.00", BORDER, "92.87", ("1192.88", "178.93")),
    ],
)
def test_threshold(price, shipping, regime, fee_total, gst):
    result = _nz(price, date="2025-11-23", duty=None, shipping=shipping)
    assert regime_id(result) == regime
    assert result["fee_total"] == fee_total
    assert _gst(result) == gst
    if regime == LOW_VALUE:
        assert (result["fees"], result["collected"]) == ([], "at_checkout")


def test_fees_are_charged_once_per_entry_not_per_line():
    # two lines of 1,000.00 (customs value 2,000.00), duty 0%: one IETF and one BSEL;
    # GST 15% of (2,000.00 + 100.00 + 0.00 + 92.87) = 15% of 2,192.87 = 328.9305 -> 328.93
    result = quote(
        request(
            "NZ",
            date="2025-11-23",
            lines=[
                line("620610", "1000.00", duty_rate="0"),
                line("420221", "1000.00", duty_rate="0"),
            ],
            shipping="100.00",
        )
    )
    assert result["fee_total"] == "92.87"
    assert [f["name"] for f in result["fees"]] == [IETF[0], BSEL[0]]
    assert _gst(result) == ("2192.87", "328.93")


# --- 2026-04-01: fees replaced by levies whose amounts ehub does not hold -----------------------


@pytest.mark.parametrize("date", ["2026-04-01", "2026-11-23"])
def test_levies_from_2026_04_01_are_stated_unknowns(date):
    result = _nz(date=date)
    assert regime_id(result) == BORDER
    assert result["fees"] == []
    assert result["fee_total"] == "0.00"
    # GST on the known base only: 15% of 2,200.00 = 330.00 (a lower bound)
    assert _gst(result) == ("2200.00", "330.00")
    assert result["complete"] is False
    assert result["unknown_rates"] == [
        {
            "line": None,
            "hs_code": None,
            "kind": "fee",
            "reason": f"the {name} on {date} is not known to ehub",
        }
        for name in (CUSTOMS_LEVY, MPI_LEVY)
    ]
    for name in (CUSTOMS_LEVY, MPI_LEVY):
        assert f"Fee: {name} unknown to ehub; not included." in result["explanation"]


@pytest.mark.parametrize(
    ("date", "noted"), [("2025-11-23", False), ("2026-03-31", False), ("2026-04-01", True)]
)
def test_low_value_levy_note_from_2026_04_01(date, noted):
    result = _nz("500.00", date=date, duty=None)
    assert regime_id(result) == LOW_VALUE
    assert result["fees"] == []
    assert _gst(result) == ("600.00", "90.00")  # 15% of (500.00 + 100.00), at checkout
    assert (LOW_VALUE_NOTE in result["explanation"]) is noted


def test_no_rules_before_2019_12_01():
    with pytest.raises(DomainError) as err:
        _nz(date="2019-11-30")
    assert err.value.code == "no_rules_for_date"
