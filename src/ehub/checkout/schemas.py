from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field, SecretStr

from ehub.checkout.domain import address_out
from ehub.checkout.models import Quote
from ehub.checkout.selectors import PricedCart
from ehub.core.schemas import MoneyOut


class CartLineIn(Schema):
    market: str = Field(min_length=2, max_length=2)
    variant_id: int
    quantity: int = 1


class CartLineOut(Schema):
    variant_id: int
    sku: str
    title: str
    seller_id: int
    quantity: int
    seller_unit_price: MoneyOut
    unit_price: MoneyOut | None
    line_total: MoneyOut | None
    stock_available: int


class CartOut(Schema):
    market: str
    currency: str
    lines: list[CartLineOut]
    total: MoneyOut | None
    note: str = "prices at today's reference rate; a quote locks the rate"


def cart_out(cart: PricedCart) -> CartOut:
    return CartOut(
        market=cart.market.country,
        currency=cart.market.currency,
        lines=[
            CartLineOut(
                variant_id=line.variant_id,
                sku=line.sku,
                title=line.title,
                seller_id=line.seller_id,
                quantity=line.quantity,
                seller_unit_price=MoneyOut(
                    amount=str(line.seller_unit_price.amount),
                    currency=line.seller_unit_price.currency,
                ),
                unit_price=MoneyOut.of(line.unit_price),
                line_total=MoneyOut.of(line.line_total),
                stock_available=line.stock_available,
            )
            for line in cart.lines
        ],
        total=MoneyOut.of(cart.total),
    )


class AddressIn(Schema):
    """The country alone is enough for a quote (to see prices); placing the order needs the
    recipient's name, the first address line and the city too."""

    country: str = Field(min_length=2, max_length=2)
    region: str = Field("", max_length=6)
    postal_code: str = Field("", max_length=20)
    recipient_name: str = Field("", max_length=200)
    address_line1: str = Field("", max_length=200)
    address_line2: str = Field("", max_length=200)
    city: str = Field("", max_length=100)
    phone: str = Field("", max_length=40)


class BuyerIn(Schema):
    name: str = Field("", max_length=200)
    # SecretStr: never echoed back by validation errors, reprs or logs.
    resident_id: SecretStr = SecretStr("")


class QuoteIn(Schema):
    market: str = Field(min_length=2, max_length=2)
    shipping_address: AddressIn
    buyer: BuyerIn | None = None


class QuoteOut(Schema):
    id: str
    sellable: bool
    problems: list[dict[str, Any]]
    currency: str
    shipping_address: dict[str, Any]
    buyer_name: str
    resident_id: str  # masked
    fx: dict[str, Any]
    goods: MoneyOut
    shipping: MoneyOut
    import_charges_at_checkout: MoneyOut
    total: MoneyOut
    parcels: list[dict[str, Any]]
    created_at: dt.datetime
    expires_at: dt.datetime


def quote_out(quote: Quote) -> QuoteOut:
    cur = quote.currency

    def m(minor: int) -> dict[str, str]:
        return MoneyOut.of_minor(minor, cur).dict()

    parcels = []
    for p in quote.parcels:
        parcels.append(
            {
                "number": p["number"],
                "seller_id": p["seller_id"],
                "ship_from": p["ship_from"],
                "weight_grams": p["weight_grams"],
                "shipping_band_max_grams": p["shipping_band_max_grams"],
                "goods": m(p["goods_minor"]),
                "shipping": m(p["shipping_minor"]),
                "duty": m(p["duty_minor"]),
                "tax": m(p["tax_minor"]),
                "import_charges": m(p["import_charges_minor"]),
                "collected": p["collected"],
                "payable": m(p["payable_minor"]),
                "landed_total": m(p["landed_total_minor"]),
                "complete": p["complete"],
                "sellable": p["sellable"],
                "lines": [
                    {
                        "variant_id": line["variant_id"],
                        "sku": line["sku"],
                        "title": line["title"],
                        "quantity": line["quantity"],
                        "hs_code": line["hs_code"],
                        "unit_price": m(line["unit_price_minor"]),
                        "line_total": m(line["line_total_minor"]),
                    }
                    for line in p["lines"]
                ],
                "landed_cost": p["landed_cost"],
            }
        )
    return QuoteOut(
        id=str(quote.public_id),
        sellable=quote.sellable,
        problems=quote.problems,
        currency=cur,
        shipping_address=address_out(quote),
        buyer_name=quote.buyer_name,
        resident_id=quote.resident_id_masked,
        fx=quote.fx,
        goods=MoneyOut.of_minor(quote.goods_minor, cur),
        shipping=MoneyOut.of_minor(quote.shipping_minor, cur),
        import_charges_at_checkout=MoneyOut.of_minor(quote.import_charges_at_checkout_minor, cur),
        total=MoneyOut.of_minor(quote.total_minor, cur),
        parcels=parcels,
        created_at=quote.created_at,
        expires_at=quote.expires_at,
    )
