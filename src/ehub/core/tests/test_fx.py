"""RateTable: direct, inverse and cross rates, without a database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ehub.core.currencies import UnknownCurrency
from ehub.core.fx import MissingRate, RateTable
from ehub.core.money import Money, MoneyError

ECB_LIKE = RateTable(
    {
        ("EUR", "USD"): Decimal("1.25"),
        ("EUR", "MYR"): Decimal("5"),
        ("EUR", "JPY"): Decimal("160"),
    },
    description="on 2025-11-21",
)


def test_direct_rate():
    assert ECB_LIKE.rate("EUR", "USD") == Decimal("1.25")


def test_inverse_rate():
    assert ECB_LIKE.rate("USD", "EUR") == Decimal("0.8")


def test_cross_rate_through_the_common_pivot():
    assert ECB_LIKE.rate("USD", "MYR") == Decimal("4")
    assert ECB_LIKE.rate("MYR", "JPY") == Decimal("32")
    assert ECB_LIKE.rate("JPY", "USD") == Decimal("0.0078125")


def test_same_currency_is_one_and_codes_are_normalised():
    assert ECB_LIKE.rate("usd", " USD ") == Decimal(1)
    assert ECB_LIKE.rate("eur", "usd") == Decimal("1.25")


def test_missing_rate_names_the_pair_and_the_table():
    with pytest.raises(MissingRate) as caught:
        ECB_LIKE.rate("USD", "GBP")

    assert str(caught.value) == "no exchange rate from USD to GBP on 2025-11-21"
    assert (caught.value.base, caught.value.quote) == ("USD", "GBP")


def test_an_empty_table_has_no_rates():
    with pytest.raises(MissingRate):
        RateTable().rate("USD", "EUR")


def test_unknown_currency_is_not_a_missing_rate():
    with pytest.raises(UnknownCurrency):
        ECB_LIKE.rate("USD", "ZZZ")


def test_convert_is_unrounded_and_quantizes_at_the_boundary():
    converted = ECB_LIKE.convert(Money("10.01", "USD"), "MYR")

    assert converted == Money("40.04", "MYR")
    assert ECB_LIKE.convert(Money("1", "MYR"), "JPY") == Money("32", "JPY")
    assert ECB_LIKE.convert(Money("1", "JPY"), "USD").amount == Decimal("0.0078125")
    assert ECB_LIKE.convert(Money("1", "JPY"), "USD").quantize() == Money("0.01", "USD")


def test_from_pairs_parses_base_slash_quote():
    table = RateTable.from_pairs({"aud/usd": "0.65", "USD/JPY": 150}, "request")

    assert table.rates == {("AUD", "USD"): Decimal("0.65"), ("USD", "JPY"): Decimal("150")}
    assert table.rate("AUD", "JPY") == Decimal("97.50")
    assert table.description == "request"


@pytest.mark.parametrize(
    ("pairs", "error"),
    [
        ({"AUDUSD": "0.65"}, MoneyError),
        ({"AUD/USD": "0"}, MoneyError),
        ({"AUD/USD": "-0.65"}, MoneyError),
        ({"AUD/USD": 0.65}, MoneyError),
        ({"AUD/USD": "abc"}, MoneyError),
        ({"AUD/ZZZ": "1"}, UnknownCurrency),
        ({"usd/USD": "1"}, MoneyError),
    ],
)
def test_from_pairs_refuses_bad_pairs_and_rates(pairs, error):
    with pytest.raises(error):
        RateTable.from_pairs(pairs)


def test_merged_over_prefers_its_own_rates():
    override = RateTable({("EUR", "USD"): Decimal("1.30")}, "override")

    merged = override.merged_over(ECB_LIKE)

    assert merged.rate("EUR", "USD") == Decimal("1.30")
    assert merged.rate("EUR", "MYR") == Decimal("5")
    assert merged.description == "override"
