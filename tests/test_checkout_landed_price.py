"""The landed price of one product in a market (product pages, the seller's "what buyers pay"
table): the same figures a checkout quote for that one item locks, or a reason it cannot be
sold there."""

from __future__ import annotations

import pytest

from ehub.checkout.pricing import landed_price
from ehub.core.money import Money
from ehub.markets.models import Market
from ehub.markets.tests.factories import MarketFactory
from ehub.orders.tests.helpers import cn_quote, my_quote, variant, world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("market", ["SG", "CN"])
def test_it_is_what_a_quote_for_that_one_item_charges(market):
    w = world()
    quote = (
        my_quote(w.buyer, [(w.variant, 1)])
        if market == "SG"
        else cn_quote(w.buyer, [(w.variant, 1)])
    )

    price = landed_price(variant=w.variant, market=Market.objects.get(country=market))

    assert price.available, price.reasons
    parcel = quote.parcels[0]
    currency = quote.currency
    assert price.goods == Money.from_minor_units(parcel["goods_minor"], currency)
    assert price.shipping == Money.from_minor_units(parcel["shipping_minor"], currency)
    assert price.import_charges == Money.from_minor_units(parcel["import_charges_minor"], currency)
    assert price.collected == parcel["collected"]
    assert price.checkout_total == Money.from_minor_units(quote.total_minor, currency)
    assert price.landed_total == price.goods + price.shipping + price.import_charges
    assert price.landed["explanation"]


def test_the_cn_cross_border_channel_collects_at_checkout():
    w = world()
    price = landed_price(variant=w.variant, market=Market.objects.get(country="CN"))

    assert price.collected == "at_checkout"
    assert price.import_charges > Money("0", "CNY")
    assert price.checkout_total == price.landed_total


def test_a_seller_does_not_sell_across_borders_into_its_own_country():
    w = world()

    price = landed_price(variant=w.variant, market=Market.objects.get(country="MY"))

    assert not price.available
    assert price.reasons == ["sold in its own country: ehub carries goods across borders"]
    assert price.checkout_total is None


def test_restricted_goods_are_not_available_with_the_reason():
    world()
    MarketFactory(country="AU", currency="AUD", languages=["en"])
    from ehub.orders.tests.helpers import fx_rates

    fx_rates(rates={"AUD": "1.65"})
    fresh_fruit = variant(hs_code="081040")

    price = landed_price(variant=fresh_fruit, market=Market.objects.get(country="AU"))

    assert not price.available
    assert any(
        "fruit" in reason.lower() or "biosecurity" in reason.lower() for reason in price.reasons
    ), price.reasons


def test_no_corridor_and_no_rate_are_said_plainly():
    world()
    MarketFactory(country="BR", currency="BRL", languages=["pt"])
    v = variant()

    price = landed_price(variant=v, market=Market.objects.get(country="BR"))

    assert not price.available
    assert price.reasons == ["no exchange rate from MYR to BRL"]

    from ehub.orders.tests.helpers import fx_rates

    fx_rates(rates={"BRL": "6.20"})
    price = landed_price(variant=v, market=Market.objects.get(country="BR"))

    assert price.reasons == ["ehub does not ship from MY to BR yet"]
