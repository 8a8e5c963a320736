"""Quotes: one parcel per seller, shipping by corridor and weight band, FX locked, refusals
naming the line, expiry."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import override_settings

from ehub.accounts.tests.factories import UserFactory
from ehub.checkout.domain import (
    ShippingRateTable,
    parcel_problems,
    shipping_rates,
    shipping_rates_parse,
)
from ehub.checkout.models import Quote
from ehub.checkout.services import cart_line_add, quote_create
from ehub.core.errors import DomainError
from ehub.core.money import Money
from ehub.markets.models import FxQuote, FxRate
from ehub.orders.models import Order
from ehub.orders.services import order_place
from ehub.orders.tests.helpers import TEST_URLS, cn_quote, my_quote, signed_in, variant, world
from ehub.sellers.tests.factories import SellerFactory

# -- the rate table (no database) ---------------------------------------------------------------


def test_the_bundled_table_covers_the_demo_corridors():
    table = shipping_rates()
    origins = ["US", "CA", "MY", "CN", "FR", "DE", "NZ", "JP", "SG", "AU", "GB"]
    destinations = ["CN", "MY", "SG", "US", "CA", "GB", "DE", "FR", "JP", "AU"]

    missing = [
        (o, d) for o in origins for d in destinations if o != d and table.corridor(o, d) is None
    ]

    assert missing == []
    assert isinstance(table, ShippingRateTable)
    assert table.source
    assert table.corridor("MY", "CN").bands[0].price == Money("62.30", "MYR")
    assert table.corridor("JP", "US").bands[0].price.currency == "JPY"


@pytest.mark.parametrize(
    ("grams", "band", "price"),
    [(1, 500, "62.30"), (500, 500, "62.30"), (501, 1000, "89.00"), (20_000, 20_000, "778.80")],
)
def test_a_parcel_uses_the_first_band_at_or_above_its_weight(grams, band, price):
    chosen = shipping_rates().corridor("MY", "CN").price_for(grams)

    assert (chosen.max_grams, chosen.price) == (band, Money(price, "MYR"))


def test_heavier_than_the_last_band_has_no_price():
    assert shipping_rates().corridor("MY", "CN").price_for(20_001) is None


def test_a_table_whose_bands_do_not_increase_is_refused():
    data = {
        "source": "x",
        "effective_from": "2026-01-01",
        "corridors": {
            "MY": {
                "CN": {
                    "currency": "MYR",
                    "bands": [
                        {"max_grams": 500, "price": "1.00"},
                        {"max_grams": 500, "price": "2.00"},
                    ],
                }
            }
        },
    }

    with pytest.raises(DomainError, match="max_grams must increase"):
        shipping_rates_parse(data)


def test_unknown_rates_block_a_parcel_only_when_charges_are_collected_at_checkout():
    unknown = {
        "refusals": [],
        "unknown_rates": [{"line": 0, "hs_code": "999999", "kind": "duty", "reason": "?"}],
    }

    assert parcel_problems({**unknown, "collected": "at_border"}) == []
    [problem] = parcel_problems({**unknown, "collected": "at_checkout"})
    assert problem["line"] == 0
    assert "duty rate" in problem["reason"]


# -- quotes --------------------------------------------------------------------------------------
pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_one_parcel_per_seller_each_with_its_own_shipping_and_landed_cost():
    w = world()
    second_seller = SellerFactory(country="MY", payout_currency="MYR")
    a2 = variant(seller=w.variant.seller)
    b = variant(seller=second_seller, weight_grams=600)
    for v, quantity in [(w.variant, 1), (b, 1), (a2, 1)]:
        cart_line_add(buyer=w.buyer, market_country="SG", variant_id=v.pk, quantity=quantity)

    quote = quote_create(buyer=w.buyer, market_country="SG", country="SG")

    assert [p["seller_id"] for p in quote.parcels] == sorted(
        [w.variant.seller_id, second_seller.pk]
    )
    by_seller = {p["seller_id"]: p for p in quote.parcels}
    first, second = by_seller[w.variant.seller_id], by_seller[second_seller.pk]
    assert sorted(line["variant_id"] for line in first["lines"]) == sorted([w.variant.pk, a2.pk])
    assert [line["variant_id"] for line in second["lines"]] == [b.pk]
    assert (first["weight_grams"], first["shipping_band_max_grams"]) == (1000, 1000)
    assert (second["weight_grams"], second["shipping_band_max_grams"]) == (600, 1000)
    assert first["shipping_minor"] == 1470  # MYR 49.00 × 0.3
    assert first["goods_minor"] == 1500
    assert second["goods_minor"] == 750
    assert first["landed_cost"]["destination"] == "SG"
    assert quote.total_minor == sum(p["payable_minor"] for p in quote.parcels)
    assert quote.sellable is True


@pytestmark_db
def test_shipping_band_edges_through_a_quote():
    w = world()
    at_edge = variant(weight_grams=500)
    over_edge = variant(weight_grams=501)

    q1 = my_quote(w.buyer, [(at_edge, 1)])
    buyer2 = UserFactory()
    q2 = my_quote(buyer2, [(over_edge, 1)])

    assert (q1.parcels[0]["shipping_band_max_grams"], q1.parcels[0]["shipping_minor"]) == (
        500,
        1068,  # MYR 35.60 × 0.3 = SGD 10.68
    )
    assert (q2.parcels[0]["shipping_band_max_grams"], q2.parcels[0]["shipping_minor"]) == (
        1000,
        1470,
    )


@pytestmark_db
def test_the_fx_rate_is_locked_for_the_quote_and_the_order_uses_it():
    w = world()
    quote = my_quote(w.buyer, [(w.variant, 2)])
    FxRate.objects.filter(quote="SGD").update(rate="3.00")  # the market moves afterwards

    order = order_place(buyer=w.buyer, quote_id=quote.public_id)

    fx_quote = FxQuote.objects.get(public_id=quote.fx["MYR/SGD"]["fx_quote"])
    assert fx_quote.rate == Decimal("0.3")
    assert fx_quote.expires_at >= quote.expires_at  # the quote lapses first
    assert order.fx == quote.fx
    assert order.goods_minor == 1500
    assert order.total_minor == quote.total_minor == 3237


@pytestmark_db
def test_the_quote_expires_after_the_configured_time():
    w = world()
    with override_settings(EHUB_CHECKOUT_QUOTE_TTL_SECONDS=60):
        quote = my_quote(w.buyer, [(w.variant, 1)])

    assert quote.expires_at - quote.created_at == dt.timedelta(seconds=60)


@pytestmark_db
def test_the_default_expiry_is_fifteen_minutes():
    w = world()
    quote = my_quote(w.buyer, [(w.variant, 1)])

    assert quote.expires_at - quote.created_at == dt.timedelta(minutes=15)


@pytestmark_db
def test_restricted_goods_make_the_quote_unsellable_naming_the_line_and_why():
    w = world()
    fruit = variant(seller=w.variant.seller, hs_code="081010")

    quote = cn_quote(w.buyer, [(w.variant, 1), (fruit, 1)])

    assert quote.sellable is False
    [problem] = quote.problems
    assert problem["parcel"] == 1
    assert (problem["variant_id"], problem["sku"]) == (fruit.pk, fruit.sku)
    assert "fresh fruit" in problem["reason"]
    assert problem["rule"] == "CN/restricted/fresh-fruit"
    with pytest.raises(DomainError) as refused:
        order_place(buyer=w.buyer, quote_id=quote.public_id)
    assert refused.value.code == "quote_not_sellable"
    assert Order.objects.count() == 0


@pytestmark_db
def test_a_missing_corridor_is_a_parcel_problem():
    w = world()
    from_brazil = variant(country="BR", currency="BRL")
    from ehub.markets.tests.factories import FxRateFactory

    FxRateFactory(base="EUR", quote="BRL", rate=Decimal("6.00"))

    quote = my_quote(w.buyer, [(from_brazil, 1)])

    assert quote.sellable is False
    assert quote.problems[0]["rule"] == "checkout/shipping/corridor"
    assert quote.problems[0]["variant_id"] is None
    assert "from BR to SG" in quote.problems[0]["reason"]


@pytestmark_db
def test_an_address_outside_the_market_is_refused_and_no_quote_is_written():
    w = world()
    cart_line_add(buyer=w.buyer, market_country="SG", variant_id=w.variant.pk, quantity=1)

    with pytest.raises(DomainError) as refused:
        quote_create(buyer=w.buyer, market_country="SG", country="MY")

    assert refused.value.code == "address_not_in_market"
    assert refused.value.status == 422
    assert Quote.objects.count() == 0


@pytestmark_db
def test_an_empty_cart_cannot_be_quoted():
    w = world()

    with pytest.raises(DomainError) as refused:
        quote_create(buyer=w.buyer, market_country="SG", country="SG")

    assert refused.value.code == "cart_empty"
    assert Quote.objects.count() == 0


# -- the API -------------------------------------------------------------------------------------
@pytestmark_db
@override_settings(ROOT_URLCONF=TEST_URLS)
def test_quote_api_returns_the_parcels_and_get_shows_it_to_its_buyer_only():
    w = world()
    client = signed_in(w.buyer)
    client.post(
        "/api/v1/checkout/cart/lines",
        data=json.dumps({"market": "SG", "variant_id": w.variant.pk, "quantity": 2}),
        content_type="application/json",
    )

    created = client.post(
        "/api/v1/checkout/quotes",
        data=json.dumps(
            {"market": "SG", "shipping_address": {"country": "SG", "postal_code": "018989"}}
        ),
        content_type="application/json",
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["sellable"] is True
    assert body["total"] == {"amount": "32.37", "currency": "SGD"}
    assert body["parcels"][0]["shipping"] == {"amount": "14.70", "currency": "SGD"}
    assert body["parcels"][0]["landed_cost"]["collected"] == "at_checkout"
    assert body["resident_id"] == ""
    again = client.get(f"/api/v1/checkout/quotes/{body['id']}")
    assert again.json() == body
    assert signed_in(UserFactory()).get(f"/api/v1/checkout/quotes/{body['id']}").status_code == 404
