"""Checkout writes: the cart and the quote."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from ehub.catalog.models import ProductStatus, Variant
from ehub.checkout.crypto import encrypt_field, identity_digest
from ehub.checkout.domain import ResidentId, parcel_problems, shipping_rates
from ehub.checkout.errors import CheckoutErrorCode
from ehub.checkout.models import Cart, CartLine, Quote
from ehub.core import clock
from ehub.core.errors import DomainError, NotFound
from ehub.core.money import Money
from ehub.customs.clearance_domain import IDENTITY_REQUIRED
from ehub.customs.services import landed_cost_quote
from ehub.markets.models import Market
from ehub.markets.selectors import fx_rate_table_on, market_get
from ehub.markets.services import fx_quote_lock

MAX_LINE_QUANTITY = 999


# -- cart --------------------------------------------------------------------------------------
def cart_get_or_create(*, buyer: Any, market: Market) -> Cart:
    try:
        with transaction.atomic():
            cart, _ = Cart.objects.get_or_create(buyer=buyer, market=market)
    except IntegrityError:  # two first requests at once: the other one created it
        cart = Cart.objects.get(buyer=buyer, market=market)
    return cart


def _check_quantity(quantity: int) -> None:
    if isinstance(quantity, bool) or not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise DomainError(
            CheckoutErrorCode.INVALID_QUANTITY,
            f"quantity must be between 1 and {MAX_LINE_QUANTITY}",
            {"field": "quantity"},
            status=422,
        )


def cart_line_add(*, buyer: Any, market_country: str, variant_id: int, quantity: int) -> Cart:
    """Add ``quantity`` of a variant (adding a variant already there increases its line)."""
    _check_quantity(quantity)
    market = market_get(country=market_country)
    variant = (
        Variant.objects.filter(pk=variant_id, product__status=ProductStatus.ACTIVE)
        .only("pk")
        .first()
    )
    if variant is None:
        raise NotFound(f"no variant {variant_id} for sale", {"field": "variant_id"})
    cart = cart_get_or_create(buyer=buyer, market=market)
    with transaction.atomic():
        added = CartLine.objects.filter(cart=cart, variant=variant).update(
            quantity=F("quantity") + quantity
        )
        if not added:
            CartLine.objects.create(cart=cart, variant=variant, quantity=quantity)
    return cart


def cart_line_set(*, buyer: Any, market_country: str, variant_id: int, quantity: int) -> Cart:
    _check_quantity(quantity)
    market = market_get(country=market_country)
    cart = cart_get_or_create(buyer=buyer, market=market)
    if not CartLine.objects.filter(cart=cart, variant_id=variant_id).update(quantity=quantity):
        raise NotFound(f"variant {variant_id} is not in the cart", {"field": "variant_id"})
    return cart


def cart_line_remove(*, buyer: Any, market_country: str, variant_id: int) -> Cart:
    market = market_get(country=market_country)
    cart = cart_get_or_create(buyer=buyer, market=market)
    CartLine.objects.filter(cart=cart, variant_id=variant_id).delete()
    return cart


def cart_clear(*, buyer: Any, market_country: str) -> Cart:
    market = market_get(country=market_country)
    cart = cart_get_or_create(buyer=buyer, market=market)
    CartLine.objects.filter(cart=cart).delete()
    return cart


# -- quote -------------------------------------------------------------------------------------
def _minor(amount: str | None, currency: str) -> int:
    return Money(amount or "0", currency).quantize().to_minor_units()


class _FxLocks:
    """One locked FX quote per currency pair needed by a checkout, all with the quote's TTL."""

    def __init__(self, market_currency: str, ttl_seconds: int) -> None:
        self.market_currency = market_currency
        self.ttl_seconds = ttl_seconds
        self.locked: dict[str, dict[str, str]] = {}
        self._quotes: dict[str, Any] = {}

    def convert(self, money: Money) -> Money:
        if money.currency == self.market_currency:
            return money.quantize()
        pair = f"{money.currency}/{self.market_currency}"
        fx_quote = self._quotes.get(pair)
        if fx_quote is None:
            fx_quote = fx_quote_lock(
                base=money.currency, quote=self.market_currency, ttl_seconds=self.ttl_seconds
            )
            self._quotes[pair] = fx_quote
            self.locked[pair] = {
                "rate": str(fx_quote.rate),
                "rate_date": fx_quote.rate_date.isoformat(),
                "fx_quote": str(fx_quote.public_id),
            }
        return Money(money.amount * Decimal(fx_quote.rate), self.market_currency).quantize()


@transaction.atomic  # the FX locks and the quote are written together, or not at all
def quote_create(
    *,
    buyer: Any,
    market_country: str,
    country: str,
    region: str = "",
    postal_code: str = "",
    recipient_name: str = "",
    address_line1: str = "",
    address_line2: str = "",
    city: str = "",
    phone: str = "",
    buyer_name: str = "",
    resident_id: str = "",
) -> Quote:
    """Lock the cart's prices, shipping, FX and landed cost for ``EHUB_CHECKOUT_QUOTE_TTL_SECONDS``.

    Always returns a quote for a non-empty cart; one that cannot be sold has ``sellable=False`` and
    ``problems`` naming the parcel, line and reason (order placement refuses it).
    """
    market = market_get(country=market_country)
    country = country.strip().upper()
    if country != market.country:
        raise DomainError(
            CheckoutErrorCode.ADDRESS_NOT_IN_MARKET,
            f"this cart is for {market.country}; ship to an address there, or shop in the "
            f"{country} market",
            {"field": "shipping_address.country"},
            status=422,
        )
    identity: ResidentId | None = None
    if country in IDENTITY_REQUIRED:
        if not buyer_name.strip() or not resident_id.strip():
            raise DomainError(
                CheckoutErrorCode.BUYER_DETAILS_REQUIRED,
                f"orders to {country} need the buyer's name and resident ID number",
                {"fields": ["buyer.name", "buyer.resident_id"]},
                status=422,
            )
        identity = ResidentId(resident_id.strip())

    lines = list(
        CartLine.objects.filter(cart__buyer=buyer, cart__market=market)
        .select_related("variant__product", "variant__seller")
        .prefetch_related("variant__product__translations")
        .order_by("variant__seller_id", "id")
    )
    if not lines:
        raise DomainError(CheckoutErrorCode.CART_EMPTY, "the cart is empty", status=422)
    unsellable = [
        line.variant_id for line in lines if line.variant.product.status != ProductStatus.ACTIVE
    ]
    if unsellable:
        raise DomainError(
            CheckoutErrorCode.VARIANT_NOT_SELLABLE,
            "some cart lines are no longer for sale; remove them",
            {"variant_ids": unsellable},
            status=422,
        )

    moment = clock.now()
    today = moment.date()
    ttl = settings.EHUB_CHECKOUT_QUOTE_TTL_SECONDS
    currency = market.currency
    fx = _FxLocks(currency, ttl)
    stored_rates = fx_rate_table_on(today)
    rates = shipping_rates()
    digest = identity_digest(identity.number) if identity else ""
    year_to_date = Money.zero(currency)
    if identity is not None:
        from ehub.orders.selectors import cross_border_year_to_date

        year_to_date = cross_border_year_to_date(
            identity_digest=digest, year=today.year, currency=currency
        )

    by_seller: dict[int, list[CartLine]] = defaultdict(list)
    for line in lines:
        by_seller[line.variant.seller_id].append(line)

    parcels: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    for number, (seller_id, seller_lines) in enumerate(sorted(by_seller.items()), start=1):
        seller = seller_lines[0].variant.seller
        parcel_lines: list[dict[str, Any]] = []
        goods = Money.zero(currency)
        weight = 0
        for line in seller_lines:
            variant = line.variant
            unit = fx.convert(variant.price)
            total = (unit * line.quantity).quantize()
            goods += total
            weight += variant.weight_grams * line.quantity
            titles = {t.language: t.title for t in variant.product.translations.all()}
            parcel_lines.append(
                {
                    "variant_id": variant.pk,
                    "sku": variant.sku,
                    "title": titles.get("en") or next(iter(titles.values()), variant.sku),
                    "quantity": line.quantity,
                    "hs_code": variant.product.hs_code,
                    "origin": variant.product.origin_country,
                    "seller_unit_price_minor": variant.price_minor,
                    "seller_currency": variant.price_currency,
                    "unit_price_minor": unit.to_minor_units(),
                    "line_total_minor": total.to_minor_units(),
                }
            )
        parcel_problems_found: list[dict[str, Any]] = []
        shipping = Money.zero(currency)
        corridor = rates.corridor(seller.country, country)
        band = corridor.price_for(weight) if corridor else None
        if corridor is None:
            parcel_problems_found.append(
                {
                    "line": None,
                    "reason": f"ehub has no shipping rates from {seller.country} to {country}",
                    "rule": "checkout/shipping/corridor",
                }
            )
        elif band is None:
            parcel_problems_found.append(
                {
                    "line": None,
                    "reason": f"the parcel weighs {weight} g, more than the "
                    f"{corridor.bands[-1].max_grams} g the {seller.country}→{country} rates cover",
                    "rule": "checkout/shipping/weight",
                }
            )
        else:
            shipping = fx.convert(band.price)
        payload: dict[str, Any] = {
            "date": today.isoformat(),
            "destination": country,
            "destination_region": region or None,
            "ship_from": seller.country,
            "currency": currency,
            "lines": [
                {
                    "hs_code": pl["hs_code"],
                    "description": pl["title"],
                    "origin": pl["origin"],
                    "quantity": pl["quantity"],
                    "unit_price": str(
                        Money.from_minor_units(pl["unit_price_minor"], currency).amount
                    ),
                }
                for pl in parcel_lines
            ],
            "shipping": str(shipping.amount),
            "insurance": "0",
        }
        if identity is not None:
            payload["buyer_year_to_date"] = str(year_to_date.amount)
        landed = landed_cost_quote(payload=payload, stored_rates=stored_rates)
        parcel_problems_found += parcel_problems(landed)
        collected = landed.get("collected") or "at_border"
        import_charges = _minor(landed.get("import_charges_total"), currency)
        at_checkout = import_charges if collected == "at_checkout" else 0
        consignment = goods + shipping
        year_to_date += consignment  # the next parcel of this order counts this one
        for problem in parcel_problems_found:
            index = problem.get("line")
            problems.append(
                {
                    "parcel": number,
                    "seller_id": seller_id,
                    "variant_id": parcel_lines[index]["variant_id"] if index is not None else None,
                    "sku": parcel_lines[index]["sku"] if index is not None else None,
                    "reason": problem["reason"],
                    "rule": problem.get("rule"),
                }
            )
        parcels.append(
            {
                "number": number,
                "seller_id": seller_id,
                "ship_from": seller.country,
                "weight_grams": weight,
                "lines": parcel_lines,
                "goods_minor": goods.to_minor_units(),
                "shipping_minor": shipping.to_minor_units(),
                "shipping_band_max_grams": band.max_grams if band else None,
                "duty_minor": _minor(landed.get("duty_total"), currency),
                "tax_minor": _minor(landed.get("tax_total"), currency),
                "import_charges_minor": import_charges,
                "collected": collected,
                "import_charges_at_checkout_minor": at_checkout,
                "payable_minor": consignment.to_minor_units() + at_checkout,
                "landed_total_minor": _minor(landed.get("landed_total"), currency),
                "complete": bool(landed.get("complete", True)),
                "sellable": not parcel_problems_found,
                "landed_cost": landed,
            }
        )

    return Quote.objects.create(
        buyer=buyer,
        market=market,
        currency=currency,
        country=country,
        region=region.strip().upper(),
        postal_code=postal_code.strip(),
        recipient_name=recipient_name.strip(),
        address_line1=address_line1.strip(),
        address_line2=address_line2.strip(),
        city=city.strip(),
        phone=phone.strip(),
        buyer_name=buyer_name.strip() if identity else "",
        resident_id_encrypted=encrypt_field(identity.number) if identity else "",
        resident_id_masked=identity.masked if identity else "",
        identity_digest=digest,
        parcels=parcels,
        fx=fx.locked,
        goods_minor=sum(p["goods_minor"] for p in parcels),
        shipping_minor=sum(p["shipping_minor"] for p in parcels),
        import_charges_at_checkout_minor=sum(
            p["import_charges_at_checkout_minor"] for p in parcels
        ),
        total_minor=sum(p["payable_minor"] for p in parcels),
        sellable=not problems,
        problems=problems,
        created_at=moment,
        expires_at=moment + dt.timedelta(seconds=ttl),
    )
