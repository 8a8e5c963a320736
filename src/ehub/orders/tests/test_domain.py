"""Orders' pure rules: parcel codes and the address an order needs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ehub.core.errors import DomainError
from ehub.orders.domain import address_missing, parcel_code, parcel_code_parse


def test_a_parcel_code_is_ehp_the_order_and_the_parcel_number():
    assert parcel_code(order_id=42, number=1) == "EHP000004201"
    assert parcel_code(order_id=123456789, number=12) == "EHP12345678912"


@given(order_id=st.integers(1, 10**10), number=st.integers(1, 99))
def test_parcel_codes_parse_back(order_id, number):
    assert parcel_code_parse(parcel_code(order_id=order_id, number=number)) == (order_id, number)


def test_a_typed_code_forgives_spaces_and_case():
    assert parcel_code_parse(" ehp 0000042 01 ") == (42, 1)


@pytest.mark.parametrize(
    "code",
    ["", "EHP", "EHP00000420", "XYZ000004201", "EHP000004200", "EHP000000001", "EHP0000042A1"],
)
def test_anything_else_is_a_clear_error(code):
    with pytest.raises(DomainError) as caught:
        parcel_code_parse(code)
    assert caught.value.code == "invalid_parcel_code"
    assert caught.value.status == 422


def test_the_address_needs_a_name_a_street_a_city_and_a_phone():
    assert address_missing({"recipient_name": " ", "address_line1": "1 Main St"}) == [
        "recipient_name",
        "city",
        "phone",
    ]
    full = {"recipient_name": "A", "address_line1": "B", "city": "C", "phone": "+60 4 555"}
    assert address_missing(full) == []
