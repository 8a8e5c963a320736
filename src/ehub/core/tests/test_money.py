"""Money: exact amounts of one currency. Examples for the rules, Hypothesis for the arithmetic."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ehub.core.currencies import UnknownCurrency, currency_exponent
from ehub.core.money import CurrencyMismatch, Money, MoneyError, money_sum, quantum

# Currencies with every exponent the hub knows: 0, 2, 3 and 4 decimals.
CURRENCIES = ["JPY", "KRW", "USD", "EUR", "MYR", "CNY", "KWD", "BHD", "CLF"]

currencies = st.sampled_from(CURRENCIES)
# Bounded so that sums stay far inside Decimal's 28 significant digits.
amounts = st.decimals(
    min_value=Decimal("-1000000000"),
    max_value=Decimal("1000000000"),
    places=6,
    allow_nan=False,
    allow_infinity=False,
)
positive_amounts = st.decimals(
    min_value=Decimal("0.0001"),
    max_value=Decimal("1000000000"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)


@st.composite
def quantized_money(draw, currency=currencies):
    code = draw(currency)
    units = draw(st.integers(min_value=-(10**12), max_value=10**12))
    return Money.from_minor_units(units, code)


ratio_lists = st.lists(
    st.one_of(
        st.integers(min_value=0, max_value=1000),
        st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2),
    ),
    min_size=1,
    max_size=12,
).filter(lambda ratios: sum(Decimal(r) for r in ratios) > 0)


# -- construction -----------------------------------------------------------------------------
def test_money_keeps_the_exact_decimal_and_normalises_the_code():
    money = Money("12.345", " usd ")

    assert money.amount == Decimal("12.345")
    assert money.currency == "USD"


@pytest.mark.parametrize("amount", [1.0, 0.1, True, False, None, [1], b"1"])
def test_money_refuses_floats_bools_and_non_numbers(amount):
    with pytest.raises(MoneyError):
        Money(amount, "USD")


@pytest.mark.parametrize("amount", ["abc", "", "NaN", "Infinity", "-inf", "1,00"])
def test_money_refuses_text_that_is_not_a_finite_decimal(amount):
    with pytest.raises(MoneyError):
        Money(amount, "USD")


@pytest.mark.parametrize("code", ["XXX", "XAU", "ABC", "US", "", "usdd"])
def test_money_refuses_codes_that_are_not_usable_currencies(code):
    with pytest.raises(UnknownCurrency):
        Money("1", code)


def test_money_is_immutable():
    money = Money("1", "USD")

    with pytest.raises(AttributeError):
        money.amount = Decimal("2")


def test_zero_and_int_construction():
    assert Money.zero("JPY") == Money(0, "JPY")
    assert Money(5, "USD").amount == Decimal(5)


# -- arithmetic -------------------------------------------------------------------------------
@given(a=amounts, b=amounts, c=amounts, currency=currencies)
def test_addition_is_associative_in_one_currency(a, b, c, currency):
    x, y, z = Money(a, currency), Money(b, currency), Money(c, currency)

    assert (x + y) + z == x + (y + z)


@given(a=amounts, b=amounts, currency=currencies)
def test_addition_is_commutative_in_one_currency(a, b, currency):
    assert Money(a, currency) + Money(b, currency) == Money(b, currency) + Money(a, currency)


@given(a=amounts, currency=currencies)
def test_negation_is_the_additive_inverse(a, currency):
    money = Money(a, currency)

    assert money + (-money) == Money.zero(currency)
    negated = -money
    assert -negated == money
    assert money - money == Money.zero(currency)
    assert abs(-money) == abs(money)


@given(a=amounts, b=amounts, currency=currencies)
def test_subtraction_is_adding_the_negation(a, b, currency):
    x, y = Money(a, currency), Money(b, currency)

    assert x - y == x + (-y)


@given(a=amounts, left=currencies, right=currencies)
def test_mixing_currencies_raises(a, left, right):
    if left == right:
        return
    x, y = Money(a, left), Money(a, right)

    for operation in (
        lambda: x + y,
        lambda: x - y,
        lambda: x < y,
        lambda: x <= y,
        lambda: x > y,
        lambda: x >= y,
    ):
        with pytest.raises(CurrencyMismatch):
            operation()
    assert x != y


def test_currency_mismatch_names_both_currencies():
    with pytest.raises(CurrencyMismatch) as caught:
        Money("1", "USD") + Money("1", "EUR")

    assert str(caught.value) == "cannot combine USD with EUR"
    assert (caught.value.left, caught.value.right) == ("USD", "EUR")


@pytest.mark.parametrize("factor", [0.5, 1.0, True])
def test_multiplying_by_a_float_or_bool_is_refused(factor):
    with pytest.raises(MoneyError):
        Money("10", "USD") * factor
    with pytest.raises(MoneyError):
        factor * Money("10", "USD")


def test_multiplying_by_money_or_adding_a_number_is_a_type_error():
    with pytest.raises(TypeError):
        Money("10", "USD") * Money("2", "USD")
    with pytest.raises(TypeError):
        Money("10", "USD") + 1


def test_multiplication_keeps_full_precision_until_quantized():
    product = Money("10.00", "USD") * Decimal("0.0725")

    assert product.amount == Decimal("0.725000")
    assert product.quantize() == Money("0.73", "USD")
    assert Money("3", "USD") * "1.5" == Money("4.5", "USD")
    assert 2 * Money("3", "USD") == Money("6", "USD")


def test_equality_ignores_trailing_zeros_but_not_currency():
    assert Money("1.50", "USD") == Money("1.5", "USD")
    assert hash(Money("1.50", "USD")) == hash(Money("1.5", "USD"))
    assert Money("1", "USD") != Money("1", "EUR")
    assert Money("1", "USD") != Decimal("1")


def test_comparisons_in_one_currency():
    assert Money("1", "USD") < Money("1.01", "USD")
    assert Money("1", "USD") <= Money("1.00", "USD")
    assert Money("2", "USD") > Money("1.99", "USD")
    assert Money("2", "USD") >= Money("2", "USD")
    assert Money("-0.01", "USD").is_negative()
    assert Money("0.00", "USD").is_zero()


def test_money_sum():
    assert money_sum([Money("1.10", "EUR"), Money("2.20", "EUR")], "EUR") == Money("3.3", "EUR")
    assert money_sum([], "JPY") == Money.zero("JPY")
    with pytest.raises(CurrencyMismatch):
        money_sum([Money("1", "USD")], "EUR")


# -- quantize ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("currency", "exponent", "quantum_text"),
    [("JPY", 0, "1"), ("USD", 2, "0.01"), ("KWD", 3, "0.001"), ("CLF", 4, "0.0001")],
)
def test_currency_exponent_and_quantum(currency, exponent, quantum_text):
    assert currency_exponent(currency) == exponent
    assert quantum(currency) == Decimal(quantum_text)


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        # JPY: no decimals; .5 rounds up, away from zero
        ("1234.5", "JPY", "1235"),
        ("1234.4999", "JPY", "1234"),
        ("-1234.5", "JPY", "-1235"),
        ("0.5", "JPY", "1"),
        # USD: cents
        ("0.125", "USD", "0.13"),
        ("0.124999", "USD", "0.12"),
        ("-0.125", "USD", "-0.13"),
        ("2.675", "USD", "2.68"),  # the classic float trap: exact here
        # KWD: fils
        ("1.0005", "KWD", "1.001"),
        ("1.00049", "KWD", "1.000"),
        ("-1.0005", "KWD", "-1.001"),
        # CLF: 4 decimals
        ("0.00005", "CLF", "0.0001"),
        ("0.000049", "CLF", "0.0000"),
        ("12.34565", "CLF", "12.3457"),
    ],
)
def test_quantize_rounds_half_up_at_the_currency_exponent(amount, currency, expected):
    quantized = Money(amount, currency).quantize()

    assert quantized.amount == Decimal(expected)
    assert quantized.amount.as_tuple().exponent == -currency_exponent(currency)
    assert quantized.currency == currency


def test_quantize_accepts_another_rounding_mode():
    assert Money("0.125", "USD").quantize(ROUND_HALF_EVEN).amount == Decimal("0.12")
    assert Money("0.129", "USD").quantize(ROUND_DOWN).amount == Decimal("0.12")


@given(amount=amounts, currency=currencies)
def test_quantize_is_within_half_a_minor_unit_and_idempotent(amount, currency):
    quantized = Money(amount, currency).quantize()

    assert abs(quantized.amount - amount) <= quantum(currency) / 2
    assert quantized.quantize() == quantized
    assert quantized.is_quantized()


@given(units=st.integers(min_value=-(10**9), max_value=10**9), currency=currencies)
def test_an_exact_half_always_rounds_away_from_zero(units, currency):
    half = quantum(currency) / 2
    amount = Decimal(units) * quantum(currency) + (half if units >= 0 else -half)

    quantized = Money(amount, currency).quantize()

    expected = units + 1 if units >= 0 else units - 1
    assert quantized.to_minor_units() == expected


# -- minor units ------------------------------------------------------------------------------
@given(money=quantized_money())
def test_minor_units_round_trip_for_any_quantized_amount(money):
    units = money.to_minor_units()

    assert isinstance(units, int)
    assert Money.from_minor_units(units, money.currency) == money


@given(amount=amounts, currency=currencies)
def test_minor_units_round_trip_after_quantize(amount, currency):
    quantized = Money(amount, currency).quantize()

    assert Money.from_minor_units(quantized.to_minor_units(), currency) == quantized


@pytest.mark.parametrize(
    ("amount", "currency", "units"),
    [("1234", "JPY", 1234), ("12.34", "USD", 1234), ("1.234", "KWD", 1234), ("-0.01", "EUR", -1)],
)
def test_minor_unit_examples(amount, currency, units):
    assert Money(amount, currency).to_minor_units() == units
    assert Money.from_minor_units(units, currency) == Money(amount, currency)


def test_to_minor_units_refuses_an_amount_off_the_minor_unit():
    with pytest.raises(MoneyError):
        Money("0.125", "USD").to_minor_units()
    with pytest.raises(MoneyError):
        Money("1.5", "JPY").to_minor_units()


@pytest.mark.parametrize("units", [1.0, Decimal("1"), "1", True])
def test_from_minor_units_takes_only_ints(units):
    with pytest.raises(MoneyError):
        Money.from_minor_units(units, "USD")


# -- allocate ---------------------------------------------------------------------------------
@given(money=quantized_money(), ratios=ratio_lists)
def test_allocated_parts_sum_exactly_to_the_quantized_total(money, ratios):
    parts = money.allocate(ratios)

    assert len(parts) == len(ratios)
    assert all(part.currency == money.currency for part in parts)
    assert money_sum(parts, money.currency) == money.quantize()


@given(amount=amounts, currency=currencies, ratios=ratio_lists)
def test_allocating_an_unquantized_amount_sums_to_its_quantized_value(amount, currency, ratios):
    money = Money(amount, currency)

    parts = money.allocate(ratios)

    assert money_sum(parts, currency) == money.quantize()
    assert all(part.is_quantized() for part in parts)


@given(money=quantized_money(), ratios=ratio_lists)
def test_each_part_is_within_one_minor_unit_of_its_exact_share(money, ratios):
    weights = [Decimal(r) for r in ratios]
    total_weight = sum(weights)
    total_units = money.to_minor_units()

    parts = money.allocate(ratios)

    for part, weight in zip(parts, weights, strict=True):
        exact_share = Decimal(total_units) * weight / total_weight
        assert abs(Decimal(part.to_minor_units()) - exact_share) < 1


@given(units=st.integers(min_value=0, max_value=10**12), currency=currencies, ratios=ratio_lists)
def test_parts_of_a_positive_amount_are_never_negative_and_zero_ratios_get_nothing(
    units, currency, ratios
):
    money = Money.from_minor_units(units, currency)

    parts = money.allocate(ratios)

    for part, ratio in zip(parts, ratios, strict=True):
        assert not part.is_negative()
        if Decimal(ratio) == 0:
            assert part.is_zero()


def test_allocate_gives_leftover_units_to_the_largest_remainders_then_earlier_parts():
    assert Money("100", "USD").allocate([1, 1, 1]) == [
        Money("33.34", "USD"),
        Money("33.33", "USD"),
        Money("33.33", "USD"),
    ]
    assert Money("0.05", "USD").allocate([3, 7]) == [Money("0.02", "USD"), Money("0.03", "USD")]
    assert Money("1000", "JPY").allocate([1, 2]) == [Money("333", "JPY"), Money("667", "JPY")]
    assert Money("1.000", "KWD").allocate([1, 0, 2]) == [
        Money("0.333", "KWD"),
        Money("0", "KWD"),
        Money("0.667", "KWD"),
    ]


def test_allocating_a_negative_amount_mirrors_the_positive_split():
    assert Money("-100", "USD").allocate([1, 1, 1]) == [
        Money("-33.34", "USD"),
        Money("-33.33", "USD"),
        Money("-33.33", "USD"),
    ]


@pytest.mark.parametrize("ratios", [[], [0, 0], [1, -1], [0.5, 0.5], [True]])
def test_allocate_refuses_bad_ratios(ratios):
    with pytest.raises(MoneyError):
        Money("10", "USD").allocate(ratios)


# -- formatting -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        ("1234.5", "USD", "en", "$1,234.50"),
        ("-1234.567", "USD", "en", "-$1,234.57"),
        ("1234.5", "JPY", "en", "¥1,235"),
        ("1234.5675", "KWD", "en", "KWD1,234.568"),
        ("1234.5", "CNY", "zh_Hans_CN", "¥1,234.50"),
        ("1234.5", "JPY", "zh_Hans_CN", "JP¥1,235"),
        ("1234.5", "MYR", "ms_MY", "RM1,234.50"),
        # French groups with a narrow no-break space and puts a no-break space before the symbol
        ("1234.5", "EUR", "fr_FR", "1\u202f234,50\u00a0€"),
        ("1234.5", "JPY", "fr_FR", "1\u202f235\u00a0JPY"),
        ("1234.5", "JPY", "ja_JP", "￥1,235"),
        ("1234.5", "USD", "ja_JP", "$1,234.50"),
        ("1234.5", "EUR", "de-DE", "1.234,50\u00a0€"),
        ("0", "USD", "en", "$0.00"),
    ],
)
def test_format_per_locale(amount, currency, locale, expected):
    assert Money(amount, currency).format(locale) == expected


def test_jpy_never_shows_decimals():
    formatted = Money("1234.4", "JPY").format("ja_JP")

    assert formatted == "￥1,234"
    assert "." not in formatted


def test_str_and_repr():
    assert str(Money("1.5", "USD")) == "1.50 USD"
    assert str(Money("1.5", "JPY")) == "2 JPY"
    assert repr(Money("1.5", "USD")) == "Money('1.5', 'USD')"
