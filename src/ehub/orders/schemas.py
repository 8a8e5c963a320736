from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ninja import Schema
from pydantic import Field

from ehub.checkout.domain import address_out
from ehub.core.schemas import MoneyOut
from ehub.orders.models import Order, OrderLine, OrderParcel


class OrderIn(Schema):
    quote_id: str


class OrderCancelIn(Schema):
    reason: str = Field("", max_length=300)


class OrderLineOut(Schema):
    variant_id: int
    sku: str
    title: str
    quantity: int
    hs_code: str
    origin: str
    unit_price: MoneyOut
    line_total: MoneyOut
    seller_unit_price: MoneyOut


class OrderParcelOut(Schema):
    number: int
    code: str
    escrow_reference: str
    seller_id: int
    ship_from: str
    weight_grams: int
    goods: MoneyOut
    shipping: MoneyOut
    duty: MoneyOut
    tax: MoneyOut
    import_charges: MoneyOut
    collected: str
    payable: MoneyOut
    paid: bool
    refunded: bool
    lines: list[OrderLineOut]


class OrderOut(Schema):
    id: int
    reference: str
    status: str
    quote_id: str
    currency: str
    shipping_address: dict[str, Any]
    buyer_name: str
    resident_id: str  # masked: 110***********1234
    goods: MoneyOut
    shipping: MoneyOut
    import_charges_at_checkout: MoneyOut
    total: MoneyOut
    fx: dict[str, Any]
    placed_at: dt.datetime
    paid_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    delivered_at: dt.datetime | None
    completed_at: dt.datetime | None
    parcels: list[OrderParcelOut]


def order_out(
    order: Order,
    *,
    parcels: Sequence[OrderParcel] | None = None,
    lines: Sequence[OrderLine] | None = None,
) -> OrderOut:
    """The order as the API shows it; ``parcels``/``lines`` when the caller already has them."""
    cur = order.currency
    parcel_rows = list(order.parcels.all()) if parcels is None else parcels
    line_rows = list(order.lines.all()) if lines is None else lines

    def m(minor: int, currency: str = cur) -> MoneyOut:
        return MoneyOut.of_minor(minor, currency)

    lines_by_parcel: dict[int, list[OrderLineOut]] = {}
    for line in line_rows:
        lines_by_parcel.setdefault(line.parcel_id, []).append(
            OrderLineOut(
                variant_id=line.variant_id,
                sku=line.sku,
                title=line.title,
                quantity=line.quantity,
                hs_code=line.hs_code,
                origin=line.origin,
                unit_price=m(line.unit_price_minor),
                line_total=m(line.line_total_minor),
                seller_unit_price=m(line.seller_unit_price_minor, line.seller_currency),
            )
        )
    return OrderOut(
        id=order.pk,
        reference=order.reference,
        status=order.status,
        quote_id=str(order.quote.public_id),
        currency=cur,
        shipping_address=address_out(order),
        buyer_name=order.buyer_name,
        resident_id=order.resident_id_masked,
        goods=m(order.goods_minor),
        shipping=m(order.shipping_minor),
        import_charges_at_checkout=m(order.import_charges_at_checkout_minor),
        total=m(order.total_minor),
        fx=order.fx,
        placed_at=order.placed_at,
        paid_at=order.paid_at,
        cancelled_at=order.cancelled_at,
        delivered_at=order.delivered_at,
        completed_at=order.completed_at,
        parcels=[
            OrderParcelOut(
                number=p.number,
                code=p.code,
                escrow_reference=p.escrow_reference,
                seller_id=p.seller_id,
                ship_from=p.ship_from,
                weight_grams=p.weight_grams,
                goods=m(p.goods_minor),
                shipping=m(p.shipping_minor),
                duty=m(p.duty_minor),
                tax=m(p.tax_minor),
                import_charges=m(p.import_charges_minor),
                collected=p.collected,
                payable=m(p.payable_minor),
                paid=p.paid_at is not None,
                refunded=p.refunded_at is not None,
                lines=lines_by_parcel.get(p.pk, []),
            )
            for p in parcel_rows
        ],
    )


class PaymentStartOut(Schema):
    """The order's payment: send the buyer to ``redirect_url`` (the provider's hosted page)."""

    payment_id: str
    redirect_url: str
    amount: str
    currency: str
    status: str
    order_ref: str
