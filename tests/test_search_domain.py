"""The pure half of search: tokens, query terms, match expressions, price bounds. No database."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehub.search.domain import (
    MAX_QUERY_LENGTH,
    QueryTerm,
    QueryTooLong,
    document_tokens,
    fold,
    fts5_match,
    query_terms,
    seller_currency_bounds,
    singular,
    tsquery_text,
    tsvector_text,
)


def test_latin_text_is_folded_and_singularised():
    tokens = document_tokens("Mānuka Honey, FRESH Blueberries & Knives")
    assert tokens.words == ("manuka", "honey", "fresh", "blueberry", "knife")
    assert tokens.characters == ()


def test_fold_removes_accents_and_case_and_width():
    assert fold("Crème BRÛLÉE Ｍanuka") == "creme brulee manuka"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("cherries", "cherry"),
        ("tarts", "tart"),
        ("boxes", "box"),
        ("glass", "glass"),
        ("hibiscus", "hibiscus"),
        ("tea", "tea"),
        ("knives", "knife"),
        ("ipoh", "ipoh"),
    ],
)
def test_singular(word, expected):
    assert singular(word) == expected


def test_chinese_gives_jieba_words_and_every_character_in_order():
    tokens = document_tokens("手工小批量蓝莓果酱")
    assert {"手工", "蓝莓", "果酱"} <= set(tokens.words)
    assert tokens.characters == tuple("手工小批量蓝莓果酱")


def test_mixed_script_title():
    tokens = document_tokens("麦卢卡蜂蜜 UMF 10+（MGO 263+）")
    assert {"umf", "10", "mgo", "263", "蜂蜜"} <= set(tokens.words)
    assert "".join(tokens.characters) == "麦卢卡蜂蜜"


def test_query_terms_cut_chinese_and_drop_stopwords():
    terms = query_terms("蓝莓酱 and jam")
    assert terms == (
        QueryTerm("蓝莓", cjk=True),
        QueryTerm("酱", cjk=True),
        QueryTerm("jam", cjk=False, prefix=True),
    )


def test_last_latin_word_is_a_prefix_unless_followed_by_a_space():
    assert query_terms("choc")[-1].prefix
    assert not query_terms("choc ")[-1].prefix
    assert not query_terms("ab")[-1].prefix  # too short to be useful as a prefix


def test_a_query_of_stopwords_only_is_kept():
    assert [t.text for t in query_terms("the")] == ["the"]


def test_query_too_long():
    with pytest.raises(QueryTooLong):
        query_terms("x" * (MAX_QUERY_LENGTH + 1))


def test_fts5_expression_quotes_every_term_and_adds_character_phrases():
    terms = (QueryTerm("蓝莓", cjk=True), QueryTerm("blue", cjk=False, prefix=True))
    assert fts5_match(terms) == '("蓝莓" OR "蓝 莓") AND "blue"*'


def test_query_syntax_in_user_text_becomes_plain_words():
    # FTS5 / tsquery operators in the input are not operators after tokenising.
    terms = query_terms('"blue*" OR (NEAR jam) & !x | y:*')
    assert [t.text for t in terms] == ["blue", "near", "jam", "x", "y"]
    assert fts5_match(terms) == '"blue" AND "near" AND "jam" AND "x" AND "y"'
    assert tsquery_text(terms) == "'blue' & 'near' & 'jam' & 'x' & 'y'"


def test_tsquery_and_tsvector_literals():
    assert tsquery_text((QueryTerm("蓝莓", cjk=True),)) == "('蓝莓' | '蓝' <-> '莓')"
    vector = tsvector_text(document_tokens("Jam"), document_tokens("蓝莓"))
    assert vector.startswith("'jam':1A ")
    assert "'蓝':" in vector


# -- price bounds: the SQL filter must agree exactly with the price the hit displays -----------
def _shown(minor: int, rate: Decimal, seller_exponent: int, market_exponent: int) -> Decimal:
    return (Decimal(minor).scaleb(-seller_exponent) * rate).quantize(
        Decimal(1).scaleb(-market_exponent), rounding=ROUND_HALF_UP
    )


rates = st.decimals(
    min_value=Decimal("0.0001"), max_value=Decimal("20000"), places=6, allow_nan=False
)
bounds = st.decimals(min_value=Decimal(0), max_value=Decimal("100000"), places=2)


@settings(max_examples=300, deadline=None)
@given(
    price=st.integers(min_value=0, max_value=10**9),
    rate=rates,
    low=st.none() | bounds,
    high=st.none() | bounds,
    seller_exponent=st.sampled_from([0, 2, 3]),
    market_exponent=st.sampled_from([0, 2]),
)
def test_seller_currency_bounds_agree_with_the_displayed_price(
    price, rate, low, high, seller_exponent, market_exponent
):
    result = seller_currency_bounds(
        low=low,
        high=high,
        rate=rate,
        seller_exponent=seller_exponent,
        market_exponent=market_exponent,
    )
    shown = _shown(price, rate, seller_exponent, market_exponent)
    expected = (low is None or shown >= low) and (high is None or shown <= high)
    in_bounds = (result.low is None or price >= result.low) and (
        result.high is None or price <= result.high
    )
    assert in_bounds == expected


def test_seller_currency_bounds_example():
    # 1 USD = 4.40 MYR; RM 44.00 .. RM 88.00 is USD 10.00 .. USD 20.00 (in cents).
    result = seller_currency_bounds(
        low=Decimal("44.00"),
        high=Decimal("88.00"),
        rate=Decimal("4.40"),
        seller_exponent=2,
        market_exponent=2,
    )
    # 999 cents shows as RM 43.96; 1000 as 44.00; 2000 as 88.00; 2001 as RM 88.04.
    assert (result.low, result.high) == (1000, 2000)
