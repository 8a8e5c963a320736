"""China's cross-border channel: the buyer's resident ID (validated, encrypted, masked, never
logged) and the per-order and per-year limits."""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings

from ehub.accounts.tests.factories import UserFactory
from ehub.checkout.crypto import decrypt_field, encrypt_field, identity_digest
from ehub.checkout.domain import ResidentId, resident_id_mask
from ehub.checkout.models import Quote
from ehub.core.errors import DomainError
from ehub.orders.domain import OrderStatus, cross_border_limit_problems
from ehub.orders.models import Order
from ehub.orders.services import order_cancel_unpaid, order_place
from ehub.orders.tests.helpers import (
    GOOD_RESIDENT_ID,
    OTHER_RESIDENT_ID,
    TEST_URLS,
    cn_quote,
    signed_in,
    variant,
    world,
)

# -- resident ID (no database) -------------------------------------------------------------------


def test_a_resident_id_with_a_good_checksum_is_accepted_and_masked():
    rid = ResidentId(GOOD_RESIDENT_ID)

    assert rid.number == GOOD_RESIDENT_ID
    assert rid.masked == GOOD_RESIDENT_ID[:3] + "*" * 11 + GOOD_RESIDENT_ID[-4:]
    assert GOOD_RESIDENT_ID not in repr(rid)
    assert GOOD_RESIDENT_ID not in str(rid)
    assert GOOD_RESIDENT_ID not in f"{rid}"


def test_the_mask_shows_three_and_four_digits():
    assert resident_id_mask("110105194912311234") == "110***********1234"


@pytest.mark.parametrize(
    ("number", "why"),
    [
        (GOOD_RESIDENT_ID[:-1] + ("0" if GOOD_RESIDENT_ID[-1] != "0" else "1"), "checksum"),
        ("11010519491231002", "length"),
        ("1101051949123100A2", "format"),
        ("110105194913310021", "date"),  # month 13
    ],
)
def test_a_bad_resident_id_is_refused_without_echoing_it(number, why):
    with pytest.raises(DomainError) as refused:
        ResidentId(number)

    assert refused.value.code == "invalid_resident_id"
    assert refused.value.status == 422
    assert number not in json.dumps(refused.value.as_dict())
    assert number not in str(refused.value)


def test_encryption_round_trips_and_hides_the_number():
    token = encrypt_field(GOOD_RESIDENT_ID)

    assert GOOD_RESIDENT_ID not in token
    assert decrypt_field(token) == GOOD_RESIDENT_ID
    assert encrypt_field(GOOD_RESIDENT_ID) != token  # a fresh IV each time
    assert identity_digest(GOOD_RESIDENT_ID) == identity_digest(GOOD_RESIDENT_ID)
    assert identity_digest(GOOD_RESIDENT_ID) != identity_digest(OTHER_RESIDENT_ID)
    assert GOOD_RESIDENT_ID not in identity_digest(GOOD_RESIDENT_ID)


# -- limits (no database) ------------------------------------------------------------------------
LIMITS = {"order_limit": Decimal("5000"), "annual_limit": Decimal("26000")}


@pytest.mark.parametrize(
    ("order_value", "items", "refused"),
    [
        ("4999.99", 2, False),
        ("5000.00", 2, False),
        ("5000.01", 2, True),
        ("5000.01", 1, False),  # a single item may pass the order limit (taxed as general trade)
    ],
)
def test_the_per_order_limit(order_value, items, refused):
    problems = cross_border_limit_problems(
        order_value=Decimal(order_value), item_count=items, year_to_date=Decimal(0), **LIMITS
    )

    assert bool(problems) is refused


@pytest.mark.parametrize(
    ("year_to_date", "refused"),
    [("21999.99", False), ("22000.00", False), ("22000.01", True)],
)
def test_the_annual_limit(year_to_date, refused):
    problems = cross_border_limit_problems(
        order_value=Decimal("4000"), item_count=1, year_to_date=Decimal(year_to_date), **LIMITS
    )

    assert bool(problems) is refused
    if refused:
        assert "26000" in problems[0]


# -- through checkout and placement --------------------------------------------------------------
pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_the_number_is_stored_encrypted_and_only_its_mask_is_readable():
    w = world()

    quote = cn_quote(w.buyer, [(w.variant, 1)])
    order = order_place(buyer=w.buyer, quote_id=quote.public_id)

    stored_quote = Quote.objects.filter(pk=quote.pk).values().get()
    stored_order = Order.objects.filter(pk=order.pk).values().get()
    assert GOOD_RESIDENT_ID not in json.dumps(stored_quote, default=str)
    assert GOOD_RESIDENT_ID not in json.dumps(stored_order, default=str)
    assert decrypt_field(stored_quote["resident_id_encrypted"]) == GOOD_RESIDENT_ID
    assert stored_order["resident_id_masked"] == resident_id_mask(GOOD_RESIDENT_ID)
    assert GOOD_RESIDENT_ID not in repr(quote)


@pytestmark_db
@override_settings(ROOT_URLCONF=TEST_URLS)
def test_the_number_appears_nowhere_in_api_output_or_logs(caplog):
    w = world()
    client = signed_in(w.buyer)
    client.post(
        "/api/v1/checkout/cart/lines",
        data=json.dumps({"market": "CN", "variant_id": w.variant.pk, "quantity": 1}),
        content_type="application/json",
    )
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True  # log every SQL statement and its parameters too
    try:
        quote = client.post(
            "/api/v1/checkout/quotes",
            data=json.dumps(
                {
                    "market": "CN",
                    "shipping_address": {
                        "country": "CN",
                        "region": "CN-SH",
                        "postal_code": "200000",
                        "recipient_name": "张三",
                        "address_line1": "浦东新区世纪大道100号",
                        "city": "上海市",
                        "phone": "+86 21 5555 0100",
                    },
                    "buyer": {"name": "张三", "resident_id": GOOD_RESIDENT_ID},
                }
            ),
            content_type="application/json",
        )
        bad = client.post(
            "/api/v1/checkout/quotes",
            data=json.dumps(
                {
                    "market": "CN",
                    "shipping_address": {"country": "CN"},
                    "buyer": {"name": "张三", "resident_id": GOOD_RESIDENT_ID[:-1] + "Z"},
                }
            ),
            content_type="application/json",
        )
        order = client.post(
            "/api/v1/orders",
            data=json.dumps({"quote_id": quote.json()["id"]}),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="cn-1",
        )
        listing = client.get("/api/v1/orders")
    finally:
        connection.force_debug_cursor = False

    assert quote.status_code == 201, quote.content
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_resident_id"
    assert order.status_code == 201, order.content
    masked = resident_id_mask(GOOD_RESIDENT_ID)
    assert quote.json()["resident_id"] == masked
    assert order.json()["resident_id"] == masked
    assert listing.json()[0]["resident_id"] == masked
    for response in (quote, bad, order, listing):
        assert GOOD_RESIDENT_ID not in response.content.decode()
        assert GOOD_RESIDENT_ID[:-1] not in response.content.decode()
    assert any("INSERT" in r.getMessage() for r in caplog.records)  # SQL was logged
    assert GOOD_RESIDENT_ID not in caplog.text
    assert GOOD_RESIDENT_ID[:-1] not in caplog.text


@pytestmark_db
def test_cn_quotes_need_the_buyers_name_and_resident_id():
    w = world()
    from ehub.checkout.services import cart_line_add, quote_create

    cart_line_add(buyer=w.buyer, market_country="CN", variant_id=w.variant.pk, quantity=1)

    with pytest.raises(DomainError) as refused:
        quote_create(buyer=w.buyer, market_country="CN", country="CN", buyer_name="张三")

    assert refused.value.code == "buyer_details_required"
    assert Quote.objects.count() == 0


@pytestmark_db
def test_an_order_of_several_items_above_cny_5000_is_unsellable_at_the_quote():
    w = world()
    pricey = variant(price_minor=170000)  # MYR 1,700 ≈ CNY 2,652 each

    quote = cn_quote(w.buyer, [(pricey, 2)])

    assert quote.sellable is False
    [problem] = quote.problems
    assert problem["variant_id"] is None  # the whole consignment
    assert "5,000" in problem["reason"]
    with pytest.raises(DomainError):
        order_place(buyer=w.buyer, quote_id=quote.public_id)
    assert Order.objects.count() == 0


def _year_to_date_until(order: Order, value_minor: int) -> None:
    Order.objects.filter(pk=order.pk).update(limit_value_minor=value_minor)


@pytestmark_db
@pytest.mark.parametrize(("headroom_minor", "placed"), [(1, True), (0, True), (-1, False)])
def test_the_annual_limit_at_placement_counts_the_persons_earlier_orders(headroom_minor, placed):
    w = world(stock=10)
    earlier = order_place(buyer=w.buyer, quote_id=cn_quote(w.buyer, [(w.variant, 1)]).public_id)
    another_account = UserFactory()  # same person, another account: counted by resident ID
    quote = cn_quote(another_account, [(w.variant, 1)])
    this_order_value = quote.goods_minor + quote.shipping_minor
    _year_to_date_until(earlier, 26_000_00 - this_order_value - headroom_minor)

    if placed:
        order_place(buyer=another_account, quote_id=quote.public_id)
        assert Order.objects.count() == 2
    else:
        with pytest.raises(DomainError) as refused:
            order_place(buyer=another_account, quote_id=quote.public_id)
        assert refused.value.code == "cross_border_limit_exceeded"
        assert refused.value.status == 422
        assert Order.objects.count() == 1
        assert w.variant.__class__.objects.get(pk=w.variant.pk).stock_quantity == 9


@pytestmark_db
def test_cancelled_orders_and_other_people_do_not_count_toward_the_annual_limit():
    w = world(stock=10)
    cancelled = order_place(buyer=w.buyer, quote_id=cn_quote(w.buyer, [(w.variant, 1)]).public_id)
    _year_to_date_until(cancelled, 25_000_00)
    order_cancel_unpaid(order=cancelled, reason="test")
    other_person = order_place(
        buyer=w.buyer,
        quote_id=cn_quote(w.buyer, [(w.variant, 1)], resident=OTHER_RESIDENT_ID).public_id,
    )
    _year_to_date_until(other_person, 25_000_00)

    order = order_place(buyer=w.buyer, quote_id=cn_quote(w.buyer, [(w.variant, 1)]).public_id)

    assert order.status == OrderStatus.PENDING_PAYMENT
    assert Order.objects.get(pk=cancelled.pk).status == OrderStatus.CANCELLED
