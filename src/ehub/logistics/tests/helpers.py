"""Shared set-up for the logistics tests (importable by other domains' tests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.test import Client

from ehub.accounts.models import Role
from ehub.accounts.tests.factories import UserFactory
from ehub.logistics.models import Parcel
from ehub.logistics.sandbox_carrier import sandbox_signed_headers
from ehub.logistics.services import network_load, parcel_ensure
from ehub.orders.models import Order
from ehub.orders.tests.helpers import cn_quote, my_quote, paid_order, signed_in, world
from ehub.sellers.models import Seller
from ehub.sellers.tests.factories import SellerStaffFactory


@dataclass
class Shipment:
    buyer: Any
    order: Order
    parcel: Parcel
    seller: Any

    @property
    def code(self) -> str:
        return self.parcel.code


def network() -> None:
    network_load()


def shipment(
    *, market: str = "SG", quantity: int = 1, weight_grams: int = 500, hs_code: str | None = None
) -> Shipment:
    """The network loaded, and a Malaysian seller's paid order to ``market`` (SG or CN), paid
    through the sandbox provider: its parcel awaits handover."""
    network()
    w = world()
    seller = w.variant.product.seller
    Seller.objects.filter(pk=seller.pk).update(
        address_line1="12 Lebuh Armenian",
        postal_code="10200",
        city="George Town",
        region="MY-07",
        contact_phone="+60 4 555 2718",
    )
    if hs_code is not None:
        w.variant.product.hs_code = hs_code
        w.variant.product.save(update_fields=["hs_code"])
    if weight_grams != w.variant.weight_grams:
        w.variant.weight_grams = weight_grams
        w.variant.save(update_fields=["weight_grams"])
    quote = (
        cn_quote(w.buyer, [(w.variant, quantity)])
        if market == "CN"
        else my_quote(w.buyer, [(w.variant, quantity)], market=market)
    )
    order = paid_order(w.buyer, quote)
    order_parcel = order.parcels.get()
    return Shipment(
        buyer=w.buyer,
        order=order,
        parcel=parcel_ensure(order_parcel=order_parcel),
        seller=order_parcel.seller,
    )


def hub_client() -> Client:
    return signed_in(UserFactory(role=Role.HUB_OPERATOR))


def seller_client(seller: Any) -> Client:
    return signed_in(SellerStaffFactory(seller=seller))


def post_webhook(client: Client, body: bytes, headers: dict[str, str] | None = None):
    headers = headers if headers is not None else sandbox_signed_headers(body=body)
    extra: dict[str, Any] = {
        f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items() if k != "Content-Type"
    }
    return client.post(
        "/api/v1/logistics/carriers/sandbox/webhook",
        data=body,
        content_type="application/json",
        **extra,
    )


def logistics_one_of_each() -> Parcel:
    """One of everything logistics stores (hubs, routes, a parcel with a timeline, a manifest, a
    carrier booking with the sandbox's events, a received webhook), for tests that need every
    model populated (the admin test)."""
    from ehub.logistics.sandbox_carrier import sandbox_carrier_deliver_pending
    from ehub.logistics.services import (
        carrier_book,
        manifest_add_parcels,
        manifest_create,
        parcel_hand_over,
        parcel_scan_in,
    )

    s = shipment()
    parcel_hand_over(seller=s.seller, code=s.code)
    parcel_scan_in(code=s.code, weight_grams=500)
    manifest = manifest_create(hub_code="KUL", destination_country="SG")
    manifest_add_parcels(manifest=manifest, codes=[s.code])
    carrier_book(parcel=Parcel.objects.get(pk=s.parcel.pk))
    sandbox_carrier_deliver_pending()
    return Parcel.objects.get(pk=s.parcel.pk)


def bare_paid_parcel(seller: Any, *, buyer: Any = None, market: str = "SG") -> Parcel:
    """A paid order parcel of ``seller`` written directly (no quote maths, no stock taken, no
    payment): for tests that must not touch the seller's catalog (the isolation checks)."""
    import datetime as dt

    from ehub.checkout.models import Quote
    from ehub.core import clock
    from ehub.markets.models import Market
    from ehub.markets.tests.factories import MarketFactory
    from ehub.orders.models import OrderParcel

    network()
    currency = {"SG": "SGD", "CN": "CNY", "MY": "MYR"}[market]
    market_row: Any = Market.objects.filter(country=market).first() or MarketFactory(
        country=market, currency=currency
    )
    buyer = buyer or UserFactory()
    now = clock.now()
    figures = {"goods_minor": 1000, "shipping_minor": 500, "import_charges_at_checkout_minor": 0}
    quote = Quote.objects.create(
        buyer=buyer,
        market=market_row,
        currency=currency,
        country=market,
        sellable=True,
        total_minor=1500,
        created_at=now,
        expires_at=now + dt.timedelta(minutes=15),
        **figures,
    )
    order = Order.objects.create(
        buyer=buyer,
        quote=quote,
        status="paid",
        market_country=market,
        currency=currency,
        country=market,
        postal_code="018989",
        total_minor=1500,
        placed_at=now,
        paid_at=now,
        recipient_name="Tan Mei Ling",
        **figures,
    )
    order_parcel = OrderParcel.objects.create(
        order=order,
        number=1,
        seller=seller,
        ship_from=seller.country,
        weight_grams=500,
        duty_minor=0,
        tax_minor=0,
        import_charges_minor=0,
        collected="at_checkout",
        payable_minor=1500,
        paid_at=now,
        **figures,
    )
    return parcel_ensure(order_parcel=order_parcel)
