"""ExactDecimalField: rates round-trip exactly through SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from ehub.core.db import ExactDecimalField
from ehub.markets.models import FxRate

rates = st.decimals(
    min_value=Decimal("0.000000000001"),
    max_value=Decimal("1000000000"),
    places=12,
    allow_nan=False,
    allow_infinity=False,
)


class TestExactDecimalRoundTrip(TestCase):
    @settings(max_examples=40, deadline=None)
    @given(rate=rates)
    def test_any_rate_reads_back_equal(self, rate):
        FxRate.objects.all().delete()
        row = FxRate.objects.create(
            base="EUR", quote="USD", rate=rate, source="test", as_of=dt.date(2025, 11, 21)
        )

        stored = FxRate.objects.get(pk=row.pk).rate

        assert stored == rate
        assert isinstance(stored, Decimal)


@pytest.mark.django_db
def test_the_stored_text_is_canonical():
    FxRate.objects.create(
        base="EUR", quote="JPY", rate=Decimal("100.00"), source="t", as_of=dt.date(2025, 1, 2)
    )
    FxRate.objects.create(
        base="EUR", quote="USD", rate="1.1512", source="t", as_of=dt.date(2025, 1, 2)
    )

    assert sorted(FxRate.objects.values_list("quote", "rate")) == [
        ("JPY", Decimal("100")),
        ("USD", Decimal("1.1512")),
    ]
    raw = dict(FxRate.objects.extra(select={"raw": "rate"}).values_list("quote", "raw"))
    assert raw == {"JPY": "100", "USD": "1.1512"}


@pytest.mark.django_db
def test_more_digits_than_the_decimal_context_precision_are_not_rounded():
    rate = Decimal("0.0174456219791322957198443579771234")  # 34 significant digits
    row = FxRate.objects.create(
        base="EUR", quote="USD", rate=rate, source="t", as_of=dt.date(2025, 1, 2)
    )

    assert FxRate.objects.get(pk=row.pk).rate == rate


def test_floats_and_non_numbers_are_refused():
    field = ExactDecimalField()

    with pytest.raises(ValidationError):
        field.get_prep_value(1.5)
    with pytest.raises(ValidationError):
        field.get_prep_value("abc")
    with pytest.raises(ValidationError):
        field.get_prep_value(Decimal("NaN"))
    assert field.get_prep_value(None) is None
    assert field.get_prep_value(Decimal("1E+2")) == "100"
