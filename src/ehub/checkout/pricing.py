"""What a buyer in a market pays for one product, duties and taxes included: the landed price
shown on product pages and in the seller's "what buyers pay" table.

It runs the same pieces a checkout quote does (the market's reference FX rate, the shipping band
for the item's weight on its corridor, the landed-cost engine for the destination's rules today)
for one item shipped on its own, without locking anything. A quote may differ (other items in
the parcel change the weight band and the regime's thresholds; the FX rate is locked then).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ehub.catalog.models import Variant
from ehub.checkout.domain import parcel_problem_messages, parcel_problems, shipping_rates
from ehub.core import clock
from ehub.core.errors import DomainError
from ehub.core.fx import MissingRate, RateTable
from ehub.core.messages import CountryParam, Message, message
from ehub.core.money import Money
from ehub.customs.services import landed_cost_quote
from ehub.markets.models import Market
from ehub.markets.selectors import fx_rate_table_on


@dataclass(frozen=True)
class LandedPrice:
    market: str
    currency: str
    available: bool
    # why it is unavailable, as translatable messages (``reasons``: the same in English)
    reason_messages: list[Message] = field(default_factory=list)
    goods: Money | None = None
    shipping: Money | None = None
    import_charges: Money | None = None
    collected: str | None = None  # "at_checkout" or "at_border"
    complete: bool = True  # False: a rate is unknown, the import charges are a lower bound
    landed: dict[str, Any] = field(default_factory=dict)  # the engine's response

    @property
    def reasons(self) -> list[str]:
        return [str(reason) for reason in self.reason_messages]

    @property
    def checkout_total(self) -> Money | None:
        """What the buyer pays ehub: goods, shipping, and import charges when collected at
        checkout."""
        if self.goods is None or self.shipping is None or self.import_charges is None:
            return None
        charges = self.import_charges if self.collected == "at_checkout" else self.zero
        return self.goods + self.shipping + charges

    @property
    def landed_total(self) -> Money | None:
        """Everything the buyer pays to have it at the door, including charges at the border."""
        if self.goods is None or self.shipping is None or self.import_charges is None:
            return None
        return self.goods + self.shipping + self.import_charges

    @property
    def zero(self) -> Money:
        return Money.zero(self.currency)


def _unavailable(market: Market, *reasons: Message) -> LandedPrice:
    return LandedPrice(
        market=market.country,
        currency=market.currency,
        available=False,
        reason_messages=list(reasons),
    )


def _country(code: str) -> CountryParam:
    """A country shown by its code in English (as before), by its name in other languages."""
    return CountryParam(code, code)


def landed_price(
    *,
    variant: Variant,
    market: Market,
    region: str | None = None,
    on_date: dt.date | None = None,
    rates: RateTable | None = None,
) -> LandedPrice:
    """The landed price of one ``variant`` for a buyer in ``market`` (optionally its ``region``,
    for provincial taxes). Unavailable (with the reasons a buyer can read) when the seller ships
    from the same country, there is no shipping corridor or band, no FX rate, or the destination
    refuses the goods."""
    product = variant.product
    seller = variant.seller
    currency = market.currency
    day = on_date or clock.today()
    if seller.country == market.country:
        return _unavailable(
            market, message("sold in its own country: ehub carries goods across borders")
        )
    if not product.hs_code:
        return _unavailable(market, message("the seller has not classified this product (HS code)"))
    table = rates if rates is not None else fx_rate_table_on(day)
    try:
        goods = table.convert(variant.price, currency).quantize()
    except MissingRate:
        return _unavailable(
            market,
            message(
                "no exchange rate from {source} to {target}",
                source=variant.price_currency,
                target=currency,
            ),
        )
    corridor = shipping_rates().corridor(seller.country, market.country)
    if corridor is None:
        return _unavailable(
            market,
            message(
                "ehub does not ship from {origin} to {destination} yet",
                origin=_country(seller.country),
                destination=_country(market.country),
            ),
        )
    band = corridor.price_for(variant.weight_grams)
    if band is None:
        return _unavailable(
            market,
            message(
                "too heavy for the {origin}→{destination} rates",
                origin=_country(seller.country),
                destination=_country(market.country),
            ),
        )
    try:
        shipping = table.convert(band.price, currency).quantize()
    except MissingRate:
        return _unavailable(
            market,
            message(
                "no exchange rate from {source} to {target}",
                source=band.price.currency,
                target=currency,
            ),
        )
    payload: dict[str, Any] = {
        "date": day.isoformat(),
        "destination": market.country,
        "destination_region": region or None,
        "ship_from": seller.country,
        "currency": currency,
        "lines": [
            {
                "hs_code": product.hs_code,
                "description": variant.sku,
                "origin": product.origin_country,
                "quantity": 1,
                "unit_price": str(goods.amount),
            }
        ],
        "shipping": str(shipping.amount),
        "insurance": "0",
    }
    try:
        landed = landed_cost_quote(payload=payload, stored_rates=table)
    except DomainError as exc:  # e.g. the destination has no rules for today
        return _unavailable(market, Message(exc.message))  # English (the engine's words)
    problems = parcel_problems(landed)
    charges = Money(landed.get("import_charges_total") or "0", currency).quantize()
    return LandedPrice(
        market=market.country,
        currency=currency,
        available=not problems,
        reason_messages=parcel_problem_messages(landed),
        goods=goods,
        shipping=shipping,
        import_charges=charges,
        collected=landed.get("collected") or "at_border",
        complete=bool(landed.get("complete", True)),
        landed=landed,
    )
