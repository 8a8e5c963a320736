"""FX reference rates: import (ECB and simple CSV), conversion on a date, locked quotes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ehub.core import clock
from ehub.core.errors import DomainError
from ehub.core.money import Money
from ehub.markets.models import FxQuote, FxRate
from ehub.markets.selectors import fx_convert, fx_rate_on
from ehub.markets.services import FxFileInvalid, fx_import, fx_quote_convert, fx_quote_lock
from ehub.markets.tests.factories import FxRateFactory

pytestmark = pytest.mark.django_db

FRIDAY = dt.date(2025, 11, 21)
THURSDAY = dt.date(2025, 11, 20)
SUNDAY = dt.date(2025, 11, 23)
OLD_DAY = dt.date(2007, 12, 31)

# The layout of eurofxref-hist.csv: newest first, N/A cells, a trailing comma on every line, and
# columns for currencies the euro replaced (CYP) or that are no longer ISO 4217 money here (BGN).
ECB_HISTORY = """Date,USD,JPY,BGN,CYP,GBP,MYR,
2025-11-21,1.1512,181.12,1.9558,N/A,0.8800,4.8000,
2025-11-20,1.1530,181.50,1.9558,N/A,0.8790,N/A,
2007-12-31,1.4721,164.93,1.9558,0.585274,0.73335,4.8682,
"""

ECB_HISTORY_ROWS = {
    ("EUR", "USD", Decimal("1.1512"), FRIDAY),
    ("EUR", "JPY", Decimal("181.12"), FRIDAY),
    ("EUR", "GBP", Decimal("0.88"), FRIDAY),
    ("EUR", "MYR", Decimal("4.8"), FRIDAY),
    ("EUR", "USD", Decimal("1.153"), THURSDAY),
    ("EUR", "JPY", Decimal("181.5"), THURSDAY),
    ("EUR", "GBP", Decimal("0.879"), THURSDAY),
    ("EUR", "USD", Decimal("1.4721"), OLD_DAY),
    ("EUR", "JPY", Decimal("164.93"), OLD_DAY),
    ("EUR", "GBP", Decimal("0.73335"), OLD_DAY),
    ("EUR", "MYR", Decimal("4.8682"), OLD_DAY),
}

# The layout of the single-day eurofxref.csv: spaces after commas and a spelled-out date.
ECB_DAY = """Date, USD, JPY, BGN, GBP, MYR, SGD, 
21 November 2025, 1.1512, 181.12, 1.9558, 0.8800, 4.8000, 1.5050, 
"""  # noqa: W291 - the trailing spaces are part of the real layout

SIMPLE = """base,quote,rate,date
USD,MYR,4.17,2025-11-21
SGD,MYR,3.20,2025-11-21
USD,MYR,4.18,2025-11-20
"""


def stored_rates() -> set[tuple[str, str, Decimal, dt.date]]:
    return set(FxRate.objects.values_list("base", "quote", "rate", "as_of"))


def stored_sources() -> set[str]:
    return set(FxRate.objects.values_list("source", flat=True))


# -- import -----------------------------------------------------------------------------------
def test_ecb_history_imports_every_published_rate_and_skips_na_and_withdrawn_currencies():
    result = fx_import(text=ECB_HISTORY)

    assert (result.format, result.rates, result.days) == ("ecb", 11, 3)
    assert (result.first_date, result.last_date) == (OLD_DAY, FRIDAY)
    assert result.currencies == ["EUR", "GBP", "JPY", "MYR", "USD"]
    assert result.skipped_currencies == ["BGN", "CYP"]
    assert stored_rates() == ECB_HISTORY_ROWS
    assert stored_sources() == {"ecb"}


def test_ecb_history_imports_from_a_path(tmp_path):
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text(ECB_HISTORY, encoding="utf-8")

    result = fx_import(path=path)

    assert result.rates == 11
    assert stored_rates() == ECB_HISTORY_ROWS


def test_ecb_single_day_file_with_spaces_and_a_spelled_out_date():
    result = fx_import(text=ECB_DAY)

    assert (result.format, result.rates, result.days) == ("ecb", 5, 1)
    assert stored_rates() == {
        ("EUR", "USD", Decimal("1.1512"), FRIDAY),
        ("EUR", "JPY", Decimal("181.12"), FRIDAY),
        ("EUR", "GBP", Decimal("0.88"), FRIDAY),
        ("EUR", "MYR", Decimal("4.8"), FRIDAY),
        ("EUR", "SGD", Decimal("1.505"), FRIDAY),
    }


def test_ecb_file_with_a_byte_order_mark_imports():
    result = fx_import(text="\ufeff" + ECB_DAY)

    assert result.rates == 5


def test_simple_csv_imports_each_pair_and_day():
    result = fx_import(text=SIMPLE)

    assert (result.format, result.rates, result.days) == ("csv", 3, 2)
    assert result.currencies == ["MYR", "SGD", "USD"]
    assert stored_rates() == {
        ("USD", "MYR", Decimal("4.17"), FRIDAY),
        ("SGD", "MYR", Decimal("3.2"), FRIDAY),
        ("USD", "MYR", Decimal("4.18"), THURSDAY),
    }
    assert stored_sources() == {"csv"}


def test_reimporting_the_same_file_changes_nothing():
    fx_import(text=ECB_HISTORY)
    fx_import(text=SIMPLE)
    before = stored_rates()

    fx_import(text=ECB_HISTORY)
    fx_import(text=SIMPLE)

    assert FxRate.objects.count() == 14
    assert stored_rates() == before


def test_a_correction_replaces_the_rate_for_that_pair_and_day():
    fx_import(text=SIMPLE)

    fx_import(text="base,quote,rate,date\nUSD,MYR,4.1725,2025-11-21\n")

    assert FxRate.objects.count() == 3
    assert FxRate.objects.get(base="USD", quote="MYR", as_of=FRIDAY).rate == Decimal("4.1725")
    assert FxRate.objects.get(base="USD", quote="MYR", as_of=THURSDAY).rate == Decimal("4.18")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "base,quote,rate,date\nUSD,MYR,4.17,2025-11-21\nUSD,MYR,abc,2025-11-20\n",
            "line 3: 'abc' is not a number",
        ),
        (
            "base,quote,rate,date\nUSD,MYR,4.17,2025-11-21\nUSD,MYR,-1,2025-11-20\n",
            "line 3: rate '-1' must be a positive number",
        ),
        (
            "base,quote,rate,date\nUSD,MYR,4.17,2025-11-21\nUSD,ZZZ,1.1,2025-11-21\n",
            "line 3: unknown currency code 'ZZZ'",
        ),
        (
            "base,quote,rate,date\nUSD,MYR,4.17,2025-11-21\nUSD,USD,1,2025-11-21\n",
            "line 3: base and quote are the same currency",
        ),
        (
            "base,quote,rate,date\nUSD,MYR,4.17,2025-11-21\nUSD,MYR,4.2,21/11/2025\n",
            "line 3: '21/11/2025' is not a date (YYYY-MM-DD)",
        ),
        (
            "base,quote,rate,date\nUSD,MYR,4.17,2025-11-21\nUSD,MYR,4.2\n",
            "line 3: expected 4 columns base,quote,rate,date",
        ),
        (
            "base,quote,rate,date\nUSD,MYR,4.17,2025-11-21\nUSD,MYR,4.2,2025-11-21\n",
            "USD/MYR on 2025-11-21 appears twice",
        ),
        (
            "Date,USD,JPY,\n2025-11-21,1.1512,181.12,\n2025-11-20,1.1530,oops,\n",
            "line 3, JPY: 'oops' is not a number",
        ),
        ("Date,USD,XYZ,\n2025-11-21,1.1512,181.12,\n", "line 1: 'XYZ' is not a currency code"),
    ],
)
def test_a_file_with_one_bad_row_imports_nothing(text, problem):
    fx_import(text=ECB_DAY)
    before = stored_rates()

    with pytest.raises(FxFileInvalid) as caught:
        fx_import(text=text)

    assert caught.value.code == "fx_file_invalid"
    assert caught.value.detail == [problem]
    assert caught.value.message == f"the rate file was not imported: {problem}"
    assert FxRate.objects.count() == 5
    assert stored_rates() == before


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the file is empty"),
        (
            "currency,value\nUSD,1.1\n",
            "line 1: unknown format; expected the ECB layout (Date,USD,JPY,...) "
            "or the header base,quote,rate,date",
        ),
        ("base,quote,rate,date\n", "the file holds no rates"),
        ("Date,USD,JPY,\n2025-11-21,N/A,N/A,\n", "the file holds no rates"),
    ],
)
def test_an_empty_file_or_unknown_format_is_a_clear_error(text, problem):
    with pytest.raises(FxFileInvalid) as caught:
        fx_import(text=text)

    assert caught.value.detail == [problem]
    assert FxRate.objects.count() == 0


def test_an_unreadable_path_is_a_clear_error(tmp_path):
    missing = tmp_path / "nope.csv"

    with pytest.raises(FxFileInvalid) as caught:
        fx_import(path=missing)

    assert caught.value.detail[0].startswith(f"cannot read {missing}")
    assert FxRate.objects.count() == 0


# -- conversion -------------------------------------------------------------------------------
def test_conversion_uses_cross_rates_through_eur_on_the_date():
    fx_import(text=ECB_HISTORY)

    assert fx_rate_on(base="USD", quote="GBP", on_date=FRIDAY) == Decimal("0.88") / Decimal(
        "1.1512"
    )
    assert fx_convert(money=Money("100", "USD"), quote="GBP", on_date=FRIDAY) == Money(
        "76.44", "GBP"
    )
    assert fx_convert(money=Money("100", "USD"), quote="GBP", on_date=THURSDAY) == Money(
        "76.24", "GBP"
    )
    assert fx_convert(money=Money("1000", "JPY"), quote="EUR", on_date=FRIDAY) == Money(
        "5.52", "EUR"
    )


def test_a_weekend_date_uses_fridays_rate():
    fx_import(text=ECB_HISTORY)

    assert fx_rate_on(base="EUR", quote="USD", on_date=SUNDAY) == Decimal("1.1512")


def test_the_convert_endpoint_answers_with_the_cross_rate(client):
    fx_import(text=ECB_HISTORY)

    response = client.get(
        "/api/v1/fx/convert", {"amount": "100", "source": "usd", "target": "GBP", "date": SUNDAY}
    )

    assert response.status_code == 200
    rate = format((Decimal("0.88") / Decimal("1.1512")).normalize(), "f")
    assert response.json() == {
        "amount": "100",
        "currency": "USD",
        "converted_amount": "76.44",
        "converted_currency": "GBP",
        "rate": rate,
        "date": "2025-11-23",
    }


def test_no_rate_within_the_max_age_window_is_fx_rate_missing(client, settings):
    settings.EHUB_FX_MAX_AGE_DAYS = 7
    fx_import(text=ECB_HISTORY)

    response = client.get(
        "/api/v1/fx/convert",
        {"amount": "100", "source": "USD", "target": "GBP", "date": "2025-11-29"},
    )

    assert response.status_code == 422
    assert response.json() == {
        "code": "fx_rate_missing",
        "message": "no exchange rate from USD to GBP on 2025-11-29",
        "detail": {"base": "USD", "quote": "GBP", "date": "2025-11-29"},
    }


def test_a_rate_exactly_max_age_days_old_is_still_used(client, settings):
    settings.EHUB_FX_MAX_AGE_DAYS = 7
    fx_import(text=ECB_HISTORY)

    response = client.get(
        "/api/v1/fx/convert",
        {"amount": "100", "source": "USD", "target": "GBP", "date": "2025-11-28"},
    )

    assert response.status_code == 200
    assert response.json()["converted_amount"] == "76.44"


def test_a_pair_nobody_quotes_is_fx_rate_missing(client):
    fx_import(text=ECB_HISTORY)

    response = client.get(
        "/api/v1/fx/convert", {"amount": "1", "source": "USD", "target": "SGD", "date": FRIDAY}
    )

    assert response.status_code == 422
    assert response.json() == {
        "code": "fx_rate_missing",
        "message": "no exchange rate from USD to SGD on 2025-11-21",
        "detail": {"base": "USD", "quote": "SGD", "date": "2025-11-21"},
    }


@pytest.mark.parametrize(
    ("params", "code", "detail"),
    [
        (
            {"amount": "1", "source": "ZZZ", "target": "USD"},
            "unknown_currency",
            {"field": "source"},
        ),
        (
            {"amount": "1", "source": "USD", "target": "ZZZ"},
            "unknown_currency",
            {"field": "target"},
        ),
        ({"amount": "abc", "source": "USD", "target": "EUR"}, "invalid_input", {"field": "amount"}),
        (
            {"amount": "1.5e", "source": "USD", "target": "EUR"},
            "invalid_input",
            {"field": "amount"},
        ),
    ],
)
def test_the_convert_endpoint_names_the_bad_field(client, params, code, detail):
    response = client.get("/api/v1/fx/convert", {**params, "date": FRIDAY})

    assert response.status_code == 422
    assert response.json()["code"] == code
    assert response.json()["detail"] == detail


# -- locked quotes ----------------------------------------------------------------------------
def test_a_locked_quote_converts_until_it_expires():
    fx_import(text=ECB_HISTORY)
    quote = fx_quote_lock(base="USD", quote="MYR", on_date=FRIDAY, ttl_seconds=600)

    assert quote.rate == (Decimal("4.8") / Decimal("1.1512")).quantize(Decimal("1e-12"))
    assert quote.rate_date == FRIDAY
    assert quote.expires_at - quote.created_at == dt.timedelta(seconds=600)
    just_before = quote.expires_at - dt.timedelta(microseconds=1)
    assert fx_quote_convert(fx_quote=quote, money=Money("100", "USD"), at=just_before) == Money(
        "416.96", "MYR"
    )


def test_an_expired_quote_is_refused_with_409():
    fx_import(text=ECB_HISTORY)
    quote = fx_quote_lock(base="USD", quote="MYR", on_date=FRIDAY, ttl_seconds=600)

    with pytest.raises(DomainError) as caught:
        fx_quote_convert(fx_quote=quote, money=Money("100", "USD"), at=quote.expires_at)

    assert caught.value.status == 409
    assert caught.value.code == "fx_quote_expired"
    assert caught.value.detail == {
        "quote_id": str(quote.public_id),
        "expired_at": quote.expires_at.isoformat(),
    }


def test_a_quote_converts_only_its_base_currency():
    fx_import(text=ECB_HISTORY)
    quote = fx_quote_lock(base="USD", quote="MYR", on_date=FRIDAY, ttl_seconds=600)

    with pytest.raises(DomainError) as caught:
        fx_quote_convert(fx_quote=quote, money=Money("100", "EUR"), at=quote.created_at)

    assert caught.value.code == "fx_quote_mismatch"
    assert caught.value.status == 422


def test_locking_a_pair_without_a_rate_is_fx_rate_missing_and_creates_nothing():
    fx_import(text=ECB_HISTORY)

    with pytest.raises(DomainError) as caught:
        fx_quote_lock(base="USD", quote="SGD", on_date=FRIDAY)

    assert (caught.value.status, caught.value.code) == (422, "fx_rate_missing")
    assert FxQuote.objects.count() == 0


def test_the_quote_endpoint_locks_todays_rate(seller_client, settings):
    settings.EHUB_FX_QUOTE_TTL_SECONDS = 900
    today = clock.today()
    FxRateFactory(base="EUR", quote="USD", rate=Decimal("1.25"), as_of=today)
    FxRateFactory(base="EUR", quote="MYR", rate=Decimal("5"), as_of=today)

    response = seller_client.post(
        "/api/v1/fx/quotes", {"base": "usd", "quote": "MYR"}, content_type="application/json"
    )

    assert response.status_code == 201
    quote = FxQuote.objects.get()
    assert response.json() == {
        "id": str(quote.public_id),
        "base": "USD",
        "quote": "MYR",
        "rate": "4",
        "rate_date": today.isoformat(),
        "expires_at": response.json()["expires_at"],
    }
    assert quote.expires_at - quote.created_at == dt.timedelta(seconds=900)


def test_the_quote_endpoint_needs_authentication(client):
    response = client.post(
        "/api/v1/fx/quotes", {"base": "USD", "quote": "MYR"}, content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert FxQuote.objects.count() == 0


# -- the `ehub fx` command --------------------------------------------------------------------
COMMAND = Path(__file__).resolve().parents[1] / "management" / "commands" / "fx.py"
needs_command = pytest.mark.skipif(not COMMAND.exists(), reason="ehub fx command not written yet")


@needs_command
def test_fx_import_command_reports_what_it_imported(tmp_path):
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text(ECB_HISTORY, encoding="utf-8")
    output = StringIO()

    call_command("fx", "import", str(path), stdout=output)

    assert output.getvalue() == (
        "imported 11 ECB rates for 3 day(s) from 2007-12-31 to 2025-11-21 (5 currencies)\n"
        "skipped withdrawn currencies: BGN, CYP\n"
    )
    assert stored_rates() == ECB_HISTORY_ROWS


@needs_command
def test_fx_import_command_refuses_a_bad_file_and_imports_nothing(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("base,quote,rate,date\nUSD,MYR,abc,2025-11-21\n", encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        call_command("fx", "import", str(path))

    assert caught.value.returncode == 2
    assert str(caught.value) == "the rate file was not imported: line 2: 'abc' is not a number"
    assert FxRate.objects.count() == 0


@needs_command
def test_fx_import_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("fx", "import", str(tmp_path / "nope.csv"))

    assert caught.value.returncode == 2
    assert str(caught.value) == f"no such file: {tmp_path / 'nope.csv'}"


@needs_command
def test_fx_convert_command(tmp_path):
    fx_import(text=ECB_HISTORY)
    output = StringIO()

    call_command("fx", "convert", "100", "usd", "gbp", "--date", "2025-11-23", stdout=output)

    assert output.getvalue() == "100.00 USD = 76.44 GBP\n"
