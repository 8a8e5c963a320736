"""Shared set-up for the checkout and orders tests (importable by other domains' tests)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.test import Client
from stdnum.cn import ric

from ehub.accounts.tests.factories import UserFactory
from ehub.catalog.models import Variant
from ehub.catalog.tests.factories import ProductFactory, VariantFactory
from ehub.checkout.models import Quote
from ehub.checkout.services import cart_line_add, quote_create
from ehub.core import clock
from ehub.markets.tests.factories import FxRateFactory, MarketFactory
from ehub.sellers.tests.factories import SellerFactory

TEST_URLS = "ehub.orders.tests.urls"
# 1 EUR = ...; MYR→CNY is crossed through EUR: 7.80 / 5.00 = 1.56.
EUR_RATES = {"MYR": "5.00", "CNY": "7.80", "USD": "1.10", "SGD": "1.50", "GBP": "0.85"}


def resident_id(body17: str = "11010519491231002") -> str:
    """A resident ID number with a correct check digit."""
    return body17 + ric.calc_check_digit(body17 + "0")  # it ignores the last digit


GOOD_RESIDENT_ID = resident_id()

# A buyer's checkout address in Shanghai, as the CN checkout form's fields (web and browser tests).
SHANGHAI_ADDRESS = {
    "recipient_name": "王芳",
    "address_line1": "徐汇区漕溪北路88号",
    "city": "上海市",
    "region": "CN-SH",
    "postal_code": "200030",
    "phone": "+86 138 0000 0000",
    "buyer_name": "王芳",
    "resident_id": GOOD_RESIDENT_ID,
}


def fill_checkout_address(page: Any, address: dict[str, str] = SHANGHAI_ADDRESS) -> None:
    """Fill the checkout address form in a Playwright ``page`` (the select by value)."""
    for name, value in address.items():
        if name == "region":
            page.select_option("#id_region", value)
        else:
            page.fill(f"#id_{name}", value)


OTHER_RESIDENT_ID = resident_id("44030419900307123")


def fx_rates(on: dt.date | None = None, rates: dict[str, str] | None = None) -> None:
    for quote, rate in (rates or EUR_RATES).items():
        FxRateFactory(base="EUR", quote=quote, rate=Decimal(rate), as_of=on or clock.today())


def markets() -> None:
    MarketFactory(country="MY", currency="MYR")
    MarketFactory(country="CN", currency="CNY", languages=["zh-Hans", "en"])
    MarketFactory(country="SG", currency="SGD", languages=["en"])


def variant(
    *,
    seller: Any = None,
    price_minor: int = 2500,
    stock: int = 10,
    weight_grams: int = 500,
    hs_code: str = "090121",
    country: str = "MY",
    currency: str = "MYR",
) -> Variant:
    seller = seller or SellerFactory(country=country, payout_currency=currency)
    product = ProductFactory(seller=seller, hs_code=hs_code, origin_country=seller.country)
    created = cast(
        Variant,
        VariantFactory(
            product=product,
            price_minor=price_minor,
            stock_quantity=stock,
            weight_grams=weight_grams,
        ),
    )
    return created


@dataclass
class World:
    buyer: Any
    variant: Variant


def world(*, stock: int = 10, price_minor: int = 2500) -> World:
    """Markets, today's FX rates, a Malaysian seller's variant and a buyer."""
    markets()
    fx_rates()
    return World(buyer=UserFactory(), variant=variant(stock=stock, price_minor=price_minor))


def cn_quote(
    buyer: Any, lines: list[tuple[Variant, int]], *, resident: str = GOOD_RESIDENT_ID
) -> Quote:
    for v, quantity in lines:
        cart_line_add(buyer=buyer, market_country="CN", variant_id=v.pk, quantity=quantity)
    return quote_create(
        buyer=buyer,
        market_country="CN",
        country="CN",
        region="CN-SH",
        postal_code="200000",
        recipient_name="张三",
        address_line1="浦东新区世纪大道100号",
        city="上海市",
        phone="+86 21 5555 0100",
        buyer_name="张三",
        resident_id=resident,
    )


def my_quote(buyer: Any, lines: list[tuple[Variant, int]], *, market: str = "SG") -> Quote:
    for v, quantity in lines:
        cart_line_add(buyer=buyer, market_country=market, variant_id=v.pk, quantity=quantity)
    return quote_create(
        buyer=buyer,
        market_country=market,
        country=market,
        postal_code="018989",
        recipient_name="Tan Mei Ling",
        address_line1="1 Raffles Place, #20-01",
        city="Singapore",
        phone="+65 6555 0100",
    )


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def one_placed_order() -> Any:
    """One of everything checkout and orders store (cart line, quote, order with a parcel and a
    line, idempotency key, CN buyer row), for tests that need every model populated."""
    from ehub.checkout.services import cart_line_add as add
    from ehub.orders.services import order_place_idempotent

    w = world()
    quote = cn_quote(w.buyer, [(w.variant, 1)])
    order_place_idempotent(
        buyer=w.buyer, idempotency_key="one", payload={"quote_id": str(quote.public_id)}
    )
    add(buyer=w.buyer, market_country="CN", variant_id=w.variant.pk, quantity=1)
    return quote


def paid_order(buyer: Any, quote: Quote) -> Any:
    """Place ``quote`` and pay it through the sandbox provider as a buyer would (hosted page,
    4242 card, signed callback, capture listener): the order is ``paid``, its escrow split per
    parcel. Test transactions never commit, so the after-commit work is run here explicitly."""
    from ehub.orders.models import Order
    from ehub.orders.services import order_payment_start, order_place
    from ehub.payments.sandbox import sandbox_callbacks_deliver_pending, sandbox_card_submit
    from ehub.payments.services import payments_notify_captures_pending

    order = order_place(buyer=buyer, quote_id=quote.public_id)
    payment = order_payment_start(order=order, buyer=buyer).payment
    sandbox_card_submit(payment=payment, card_number="4242 4242 4242 4242")
    sandbox_callbacks_deliver_pending()
    payments_notify_captures_pending()
    order = Order.objects.get(pk=order.pk)
    assert order.status == "paid", order.status
    return order
