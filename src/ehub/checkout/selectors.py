"""Checkout reads: the cart priced in the market currency, a buyer's quote."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ehub.catalog.selectors import market_price, market_rates_today
from ehub.checkout.models import CartLine, Quote
from ehub.core.errors import NotFound
from ehub.core.money import Money
from ehub.markets.models import Market
from ehub.markets.selectors import market_get


@dataclass(frozen=True)
class PricedCartLine:
    variant_id: int
    sku: str
    title: str
    seller_id: int
    quantity: int
    seller_unit_price: Money
    unit_price: Money | None  # in the market currency at today's reference rate; None: no rate
    line_total: Money | None
    stock_available: int


@dataclass(frozen=True)
class PricedCart:
    market: Market
    lines: list[PricedCartLine]
    total: Money | None


def cart_priced(*, buyer: Any, market_country: str) -> PricedCart:
    """The buyer's cart for a market, converted at today's reference rate (indicative; the quote
    locks the rate)."""
    market = market_get(country=market_country)
    rates = market_rates_today()
    lines = []
    total: Money | None = Money.zero(market.currency)
    for line in (
        CartLine.objects.filter(cart__buyer=buyer, cart__market=market)
        .select_related("variant__product")
        .prefetch_related("variant__product__translations")
        .order_by("id")
    ):
        variant = line.variant
        price = market_price(variant=variant, market=market, rates=rates).market_price
        line_total = (price * line.quantity).quantize() if price is not None else None
        total = total + line_total if total is not None and line_total is not None else None
        titles = {t.language: t.title for t in variant.product.translations.all()}
        lines.append(
            PricedCartLine(
                variant_id=variant.pk,
                sku=variant.sku,
                title=titles.get("en") or next(iter(titles.values()), variant.sku),
                seller_id=variant.seller_id,
                quantity=line.quantity,
                seller_unit_price=variant.price,
                unit_price=price,
                line_total=line_total,
                stock_available=variant.stock_quantity,
            )
        )
    return PricedCart(market=market, lines=lines, total=total)


def quote_get_for_buyer(*, buyer: Any, public_id: Any) -> Quote:
    quote = Quote.objects.filter(public_id=public_id, buyer=buyer).first()
    if quote is None:
        raise NotFound("no such quote", {"quote_id": str(public_id)})
    return quote
