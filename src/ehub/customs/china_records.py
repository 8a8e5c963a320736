"""China's cross-border e-commerce channel: the three records and their matching ("三单对碰").

Before a cross-border retail import is declared, China customs receives three records from three
parties and checks they agree with each other and with the declaration:

- the **order record** from the e-commerce platform (message CEB311, 电子订单),
- the **payment record** from the payment company (CEB411, 支付单),
- the **logistics record** (waybill) from the logistics company (CEB511, 运单).

ehub produces each in its own structured form, with the field names of those messages (see
docs/customs-declarations.md for the list and the source), from where each party's data really
lives: the order record from the order, its parcel and lines as they are now; the payment record
from the ``payments.Payment`` that captured the order (amount, currency, transaction id, time) and
the payer identity the buyer gave at checkout (the quote); the logistics record from the waybill
the hub passed in and the parcel's weight. ``records_match`` compares them (buyer identity,
amounts to within one minor unit, goods lines, waybill) with the declaration; any mismatch holds
the parcel instead of submitting it.

Builders take already-loaded objects (no queries here); ``clearance.py`` loads them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ehub.core.currencies import currency_exponent
from ehub.core.money import Money

# China customs' own currency codes (GB/T 12406 numeric codes as the customs messages use them).
CUSTOMS_CURRENCY = {"CNY": "142", "USD": "502", "EUR": "300", "HKD": "110", "MYR": "122"}
UNIT_PIECE = "011"  # customs unit-of-measure code for 件 (piece)
ID_TYPE_RESIDENT_ID = "1"  # buyerIdType / payerIdType: 1 = resident identity card
PAYMENT_CAPTURED = frozenset({"captured", "partially_refunded", "refunded"})


def _amount(minor: int, currency: str) -> str:
    return str(Money.from_minor_units(minor, currency).amount)


def _customs_currency(currency: str) -> str:
    return CUSTOMS_CURRENCY.get(currency, currency)


def consignee_address(*, region: str, city: str, line1: str, line2: str, postal_code: str) -> str:
    return " ".join(part for part in (region, city, line1, line2, postal_code) if part)


def order_record(
    *,
    order: Any,
    parcel: Any,
    lines: Sequence[Any],
    seller: Any,
    ebp_code: str,
) -> dict[str, Any]:
    """CEB311: the platform's order record for one parcel (each parcel is its own cross-border
    order, ``orderNo`` = its escrow reference ``ORD-<id>/<n>``). Amounts are the parcel's locked
    figures; ``acturalPaid`` = goods + freight + tax collected − discount."""
    currency = order.currency
    tax = parcel.import_charges_at_checkout_minor
    return {
        "message": "CEB311",
        "orderHead": {
            "orderType": "I",
            "orderNo": parcel.escrow_reference,
            "ebpCode": ebp_code,
            "ebpName": "ehub",
            "ebcCode": seller.registration_number,
            "ebcName": seller.legal_name,
            "goodsValue": _amount(parcel.goods_minor, currency),
            "freight": _amount(parcel.shipping_minor, currency),
            "discount": "0",
            "taxTotal": _amount(tax, currency),
            "acturalPaid": _amount(parcel.goods_minor + parcel.shipping_minor + tax, currency),
            "currency": _customs_currency(currency),
            "buyerRegNo": str(order.buyer_id),
            "buyerName": order.buyer_name,
            "buyerTelephone": order.phone,
            "buyerIdType": ID_TYPE_RESIDENT_ID,
            "buyerIdNumber": order.resident_id_masked,
            "buyerIdDigest": order.identity_digest,  # ehub: the keyed digest, never the number
            "consignee": order.recipient_name,
            "consigneeTelephone": order.phone,
            "consigneeAddress": consignee_address(
                region=order.region,
                city=order.city,
                line1=order.address_line1,
                line2=order.address_line2,
                postal_code=order.postal_code,
            ),
        },
        "orderList": [
            {
                "gnum": index,
                "itemNo": line.sku,
                "itemName": line.title,
                "gcode": line.hs_code,
                "unit": UNIT_PIECE,
                "qty": line.quantity,
                "price": _amount(line.unit_price_minor, currency),
                "totalPrice": _amount(line.line_total_minor, currency),
                "currency": _customs_currency(currency),
                "country": line.origin,
            }
            for index, line in enumerate(lines, start=1)
        ],
    }


def payment_record(
    *,
    order: Any,
    parcel: Any,
    payment: Any | None,
    payer: Any,
    other_parcels_payable_minor: int,
    ebp_code: str,
) -> dict[str, Any]:
    """CEB411: the payment company's record for the parcel's order. ``amountPaid`` is what the
    provider captured for this parcel: the payment's amount when it paid the parcel alone
    (``ORD-<id>/<n>``), or the payment's amount less the other parcels' payable when it paid the
    whole order (``ORD-<id>``). The payer's identity is the one given at checkout (``payer``: the
    quote). No captured payment: ``amountPaid`` null and ``payStatus`` says why."""
    head: dict[str, Any] = {
        "payCode": payment.provider if payment else "",
        "payName": payment.provider if payment else "",
        "payTransactionId": payment.provider_reference if payment else "",
        "orderNo": parcel.escrow_reference,
        "ebpCode": ebp_code,
        "payerIdType": ID_TYPE_RESIDENT_ID,
        "payerIdNumber": payer.resident_id_masked,
        "payerIdDigest": payer.identity_digest,  # ehub extension, as in the order record
        "payerName": payer.buyer_name,
        "telephone": getattr(payer, "phone", ""),
        "amountPaid": None,
        "currency": _customs_currency(payment.currency if payment else order.currency),
        "payTime": None,
        "payStatus": payment.status if payment else "none",  # ehub extension
    }
    if payment is not None and payment.status in PAYMENT_CAPTURED:
        if payment.order_ref == parcel.escrow_reference:
            share = payment.amount_minor
        else:
            share = payment.amount_minor - other_parcels_payable_minor
        head["amountPaid"] = _amount(share, payment.currency)
        head["payTime"] = payment.captured_at.isoformat() if payment.captured_at else None
    return {"message": "CEB411", "paymentHead": head}


def logistics_record(
    *, order: Any, parcel: Any, lines: Sequence[Any], waybill: str, carrier: str
) -> dict[str, Any]:
    """CEB511: the logistics company's waybill record for the parcel."""
    return {
        "message": "CEB511",
        "logisticsHead": {
            "logisticsCode": carrier,
            "logisticsName": carrier,
            "logisticsNo": waybill,
            "orderNo": parcel.escrow_reference,
            "freight": _amount(parcel.shipping_minor, order.currency),
            "insuredFee": "0",
            "currency": _customs_currency(order.currency),
            "weight": str(Decimal(parcel.weight_grams) / 1000),
            "packNo": 1,
            "goodsInfo": "; ".join(f"{line.title} x{line.quantity}" for line in lines),
            "consignee": order.recipient_name,
            "consigneeAddress": consignee_address(
                region=order.region,
                city=order.city,
                line1=order.address_line1,
                line2=order.address_line2,
                postal_code=order.postal_code,
            ),
            "consigneeTelephone": order.phone,
        },
    }


# -- matching -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mismatch:
    kind: str  # buyer_identity, payment, amounts, goods, waybill
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "message": self.message}


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def records_match(
    *,
    declaration: Mapping[str, Any],
    order: Mapping[str, Any],
    payment: Mapping[str, Any],
    logistics: Mapping[str, Any],
) -> list[Mismatch]:
    """Every disagreement between the three records and the declaration's content (empty: they
    match). Amounts may differ by at most one minor unit of the declaration's currency."""
    found: list[Mismatch] = []
    head = order.get("orderHead", {})
    pay = payment.get("paymentHead", {})
    ship = logistics.get("logisticsHead", {})
    currency = str(declaration.get("currency") or "CNY")
    tolerance = Decimal(1).scaleb(-currency_exponent(currency))

    # Buyer identity: the orderer, the payer and the declared buyer are one person.
    identity = (declaration.get("consignee") or {}).get("identity") or {}
    if head.get("buyerName") != pay.get("payerName"):
        found.append(
            Mismatch(
                "buyer_identity",
                f"the order's buyer {head.get('buyerName')!r} is not the payer "
                f"{pay.get('payerName')!r}",
            )
        )
    if not head.get("buyerIdDigest") or head.get("buyerIdDigest") != pay.get("payerIdDigest"):
        found.append(
            Mismatch("buyer_identity", "the buyer's and the payer's identity numbers differ")
        )
    if identity.get("id_digest") != head.get("buyerIdDigest") or identity.get("name") != head.get(
        "buyerName"
    ):
        found.append(Mismatch("buyer_identity", "the declared buyer is not the order's buyer"))

    # Payment.
    paid = _decimal(pay.get("amountPaid"))
    actural = _decimal(head.get("acturalPaid"))
    if paid is None:
        found.append(
            Mismatch(
                "payment",
                f"no captured payment for the order (payment: {pay.get('payStatus')})",
            )
        )
    elif actural is None or abs(paid - actural) > tolerance:
        found.append(
            Mismatch(
                "amounts",
                f"the payment record's amount {paid} is not the order's paid total {actural}",
            )
        )
    if pay.get("currency") != head.get("currency"):
        found.append(
            Mismatch(
                "amounts",
                f"the payment is in currency {pay.get('currency')}, the order in "
                f"{head.get('currency')}",
            )
        )
    goods = _decimal(head.get("goodsValue"))
    declared_goods = declaration.get("goods_value_minor")
    if isinstance(declared_goods, int) and (
        goods is None
        or abs(goods - Money.from_minor_units(declared_goods, currency).amount) > tolerance
    ):
        found.append(
            Mismatch(
                "amounts",
                f"the order's goods value {goods} is not the declared goods value "
                f"{Money.from_minor_units(declared_goods, currency).amount}",
            )
        )

    # Goods: the same items, quantities, HS codes and values.
    def key(sku: Any, hs: Any, qty: Any, total: Any) -> tuple[str, str, int, Decimal | None]:
        return (str(sku), str(hs), int(qty or 0), _decimal(total))

    ordered = Counter(
        key(i.get("itemNo"), i.get("gcode"), i.get("qty"), i.get("totalPrice"))
        for i in order.get("orderList", [])
    )
    declared = Counter(
        key(
            line.get("sku"),
            line.get("hs_code"),
            line.get("quantity"),
            line.get("total_value"),
        )
        for line in declaration.get("lines") or []
    )
    if ordered != declared:
        missing = sorted(str(k[0]) for k in (declared - ordered))
        extra = sorted(str(k[0]) for k in (ordered - declared))
        found.append(
            Mismatch(
                "goods",
                "the order's goods are not the declared goods"
                + (f"; declared but not ordered as such: {', '.join(missing)}" if missing else "")
                + (f"; ordered but not declared as such: {', '.join(extra)}" if extra else ""),
            )
        )

    # Waybill: the logistics record is for this order and this waybill.
    if not ship.get("logisticsNo") or ship.get("logisticsNo") != declaration.get("waybill"):
        found.append(
            Mismatch(
                "waybill",
                f"the logistics record's waybill {ship.get('logisticsNo')!r} is not the "
                f"declared waybill {declaration.get('waybill')!r}",
            )
        )
    if ship.get("orderNo") != head.get("orderNo") or pay.get("orderNo") != head.get("orderNo"):
        found.append(Mismatch("waybill", "the three records do not name the same order number"))
    if ship.get("consignee") != head.get("consignee"):
        found.append(Mismatch("waybill", "the waybill's consignee is not the order's consignee"))
    return found
