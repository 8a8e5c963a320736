"""Placing orders (one transaction, idempotent), the status pipeline, unpaid-order expiry, the
payment-capture hook and the escrow release on receipt (or when the confirmation window lapses).

Nothing here calls a payment provider or any other external system: placement holds row locks
(the stock counters, a CN buyer's identity row) only for its own short transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from ehub.checkout.models import CartLine, Quote
from ehub.core import clock
from ehub.core.errors import Conflict, DomainError, NotFound
from ehub.core.events import audit_record
from ehub.core.money import Money
from ehub.customs.rulebook import get_rulebook
from ehub.inventory.services import stock_return, stock_take
from ehub.ledger.domain import ReleaseBreakdown
from ehub.ledger.models import JournalEntry
from ehub.ledger.selectors import commission_rate_for
from ehub.ledger.services import escrow_release, escrow_split_payment
from ehub.orders.domain import (
    ADDRESS_REQUIRED,
    IllegalTransition,
    OrderStatus,
    address_missing,
    cross_border_limit_problems,
    transition_check,
)
from ehub.orders.errors import OrdersErrorCode
from ehub.orders.models import CrossBorderBuyer, IdempotencyKey, Order, OrderLine, OrderParcel
from ehub.orders.selectors import cross_border_year_to_date
from ehub.payments.domain import PaymentStatus
from ehub.payments.models import Payment, Refund, RefundStatus
from ehub.payments.selectors import payments_for_order
from ehub.payments.services import payment_create, payment_refund

logger = logging.getLogger(__name__)

# Destinations with per-buyer limits: the rule-file parameters holding the per-order and annual
# limits (the figures themselves are data, in src/ehub/customs/rules/CN.toml).
CROSS_BORDER_LIMIT_PARAMS = {"CN": ("cbec_order_limit", "cbec_annual_limit")}
IDEMPOTENCY_KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
ORDER_REF_PATTERN = re.compile(r"^ORD-(\d+)(?:/(\d+))?$")


# -- placement ---------------------------------------------------------------------------------
def _check_cross_border_limits(*, quote: Quote, order_value_minor: int, item_count: int) -> None:
    params = CROSS_BORDER_LIMIT_PARAMS.get(quote.country)
    if params is None or not quote.identity_digest:
        return
    # Serialise this person's placements: the annual total is read and added to under a lock.
    # One statement creates the row or, when it exists, locks it: an upsert's DO UPDATE takes the
    # row lock on PostgreSQL (SQLite's writer lock serialises anyway).
    CrossBorderBuyer.objects.bulk_create(
        [CrossBorderBuyer(identity_digest=quote.identity_digest)],
        update_conflicts=True,
        unique_fields=["identity_digest"],
        update_fields=["identity_digest"],
    )
    today = clock.today()
    rules = get_rulebook().for_destination(quote.country, today)
    order_limit, annual_limit = (rules.params[name].value for name in params)
    year_to_date = cross_border_year_to_date(
        identity_digest=quote.identity_digest, year=today.year, currency=quote.currency
    )
    problems = cross_border_limit_problems(
        order_value=Money.from_minor_units(order_value_minor, quote.currency).amount,
        item_count=item_count,
        year_to_date=year_to_date.amount,
        order_limit=Decimal(order_limit),
        annual_limit=Decimal(annual_limit),
    )
    if problems:
        raise DomainError(
            OrdersErrorCode.CROSS_BORDER_LIMIT,
            problems[0],
            {"problems": problems, "rules": [f"{quote.country}/{name}" for name in params]},
            status=422,
        )


def order_place(*, buyer: Any, quote_id: Any) -> Order:
    """Place an order from a quote in one transaction: stock taken, limits checked, order,
    parcels and lines written from the quote's locked figures, cart emptied, audit event."""
    with transaction.atomic():
        return _order_place(buyer=buyer, quote_id=quote_id).order


@dataclass(frozen=True)
class _Placed:
    order: Order
    parcels: list[OrderParcel]
    lines: list[OrderLine]


def _order_place(*, buyer: Any, quote_id: Any) -> _Placed:
    """``order_place`` without its own transaction (the caller's encloses it); returns what it
    wrote, so the response is serialised without reading it back."""
    quote = (
        Quote.objects.filter(public_id=quote_id, buyer=buyer)
        .annotate(ordered=Exists(Order.objects.filter(quote=OuterRef("pk"))))
        .first()
    )
    if quote is None:
        raise NotFound("no such quote", {"quote_id": str(quote_id)})
    moment = clock.now()
    if moment >= quote.expires_at:
        raise Conflict(
            "the quote has expired; ask for a new one",
            {"quote_id": str(quote.public_id), "expired_at": quote.expires_at.isoformat()},
            code=OrdersErrorCode.QUOTE_EXPIRED,
        )
    if not quote.sellable:
        raise DomainError(
            OrdersErrorCode.QUOTE_NOT_SELLABLE,
            "this quote cannot be ordered: " + quote.problems[0]["reason"],
            {"problems": quote.problems},
            status=422,
        )
    missing = address_missing({name: getattr(quote, name) for name in ADDRESS_REQUIRED})
    if missing:
        raise DomainError(
            OrdersErrorCode.ADDRESS_INCOMPLETE,
            "the shipping address needs "
            + ", ".join(name.replace("_", " ") for name in missing)
            + " before the order can be placed; ask for a new quote with the full address",
            {"fields": [f"shipping_address.{name}" for name in missing]},
            status=422,
        )
    if quote.ordered:  # the Exists annotation above
        raise Conflict(
            "this quote has already been ordered",
            {"quote_id": str(quote.public_id)},
            code=OrdersErrorCode.QUOTE_ALREADY_ORDERED,
        )
    lines = [line for parcel in quote.parcels for line in parcel["lines"]]
    limit_value = sum(p["goods_minor"] + p["shipping_minor"] for p in quote.parcels)
    _check_cross_border_limits(
        quote=quote,
        order_value_minor=limit_value,
        item_count=sum(line["quantity"] for line in lines),
    )
    # No savepoint: OutOfStock rolls back the whole placement.
    stock_take(lines=[(line["variant_id"], line["quantity"]) for line in lines], savepoint=False)
    order = Order.objects.create(
        buyer=buyer,
        quote=quote,
        status=OrderStatus.PENDING_PAYMENT,
        market_country=quote.country,
        currency=quote.currency,
        country=quote.country,
        region=quote.region,
        postal_code=quote.postal_code,
        recipient_name=quote.recipient_name,
        address_line1=quote.address_line1,
        address_line2=quote.address_line2,
        city=quote.city,
        phone=quote.phone,
        buyer_name=quote.buyer_name,
        resident_id_masked=quote.resident_id_masked,
        identity_digest=quote.identity_digest,
        goods_minor=quote.goods_minor,
        shipping_minor=quote.shipping_minor,
        import_charges_at_checkout_minor=quote.import_charges_at_checkout_minor,
        total_minor=quote.total_minor,
        limit_value_minor=limit_value,
        fx=quote.fx,
        placed_at=moment,
    )
    parcels = OrderParcel.objects.bulk_create(
        [
            OrderParcel(
                order=order,
                number=p["number"],
                seller_id=p["seller_id"],
                ship_from=p["ship_from"],
                weight_grams=p["weight_grams"],
                goods_minor=p["goods_minor"],
                shipping_minor=p["shipping_minor"],
                duty_minor=p["duty_minor"],
                tax_minor=p["tax_minor"],
                import_charges_minor=p["import_charges_minor"],
                collected=p["collected"],
                import_charges_at_checkout_minor=p["import_charges_at_checkout_minor"],
                payable_minor=p["payable_minor"],
                landed_cost=p["landed_cost"],
            )
            for p in quote.parcels
        ]
    )
    order_lines = OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                parcel=parcel,
                variant_id=line["variant_id"],
                sku=line["sku"],
                title=line["title"][:255],
                quantity=line["quantity"],
                hs_code=line["hs_code"],
                origin=line["origin"],
                seller_unit_price_minor=line["seller_unit_price_minor"],
                seller_currency=line["seller_currency"],
                unit_price_minor=line["unit_price_minor"],
                line_total_minor=line["line_total_minor"],
            )
            for parcel, p in zip(parcels, quote.parcels, strict=True)
            for line in p["lines"]
        ]
    )
    CartLine.objects.filter(
        cart__buyer=buyer,
        cart__market_id=quote.market_id,
        variant_id__in=[line["variant_id"] for line in lines],
    ).delete()
    audit_record(
        tag="order:status:pending_payment",
        subject=order,
        actor=buyer,
        data={
            "quote": str(quote.public_id),
            "total": str(Money.from_minor_units(order.total_minor, order.currency)),
            "parcels": len(parcels),
        },
    )
    return _Placed(order=order, parcels=parcels, lines=order_lines)


# -- idempotent placement ----------------------------------------------------------------------
@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict[str, Any]
    replayed: bool = False


def request_hash(payload: dict[str, Any]) -> str:
    """The body's canonical JSON (sorted keys, no spaces) hashed: key order and whitespace do not
    make a "different body"."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(*, buyer: Any, key: str, digest: str) -> StoredResponse | None:
    row = IdempotencyKey.objects.filter(user=buyer, key=key).first()
    if row is None:
        return None
    if row.request_hash != digest:
        raise Conflict(
            "this Idempotency-Key was already used with a different request body",
            {"idempotency_key": key},
            code=OrdersErrorCode.IDEMPOTENCY_KEY_REUSED,
        )
    return StoredResponse(
        status=row.response_status or 201, body=row.response_json or {}, replayed=True
    )


def order_place_idempotent(
    *, buyer: Any, idempotency_key: str | None, payload: dict[str, Any]
) -> StoredResponse:
    """``POST /orders`` with its key: the first request places the order and stores its response
    in the same transaction; a repeat with the same body gets that response back; a repeat with
    another body is a 409. A refused request stores nothing (nothing happened), so retrying it
    with the same key is evaluated afresh. Concurrent repeats: the unique (user, key) index makes
    all but one wait and fail on insert; they then replay the winner's response."""
    from ehub.orders.schemas import order_out  # the stored response is the API's JSON

    key = (idempotency_key or "").strip()
    if not IDEMPOTENCY_KEY_PATTERN.match(key):
        raise DomainError(
            OrdersErrorCode.IDEMPOTENCY_KEY_REQUIRED,
            "send an Idempotency-Key header (1-255 visible ASCII characters, e.g. a UUID)",
            {"header": "Idempotency-Key"},
            status=400,
        )
    digest = request_hash(payload)
    try:
        with transaction.atomic():
            # Claim the key first: a repeat (or a concurrent retry) fails on the unique index.
            row = IdempotencyKey.objects.create(
                key=key, user=buyer, request_hash=digest, created_at=clock.now()
            )
            placed = _order_place(buyer=buyer, quote_id=payload["quote_id"])
            body = order_out(placed.order, parcels=placed.parcels, lines=placed.lines).model_dump(
                mode="json"
            )
            row.response_status = 201
            row.response_json = body
            row.save(update_fields=["response_status", "response_json"])
    except IntegrityError:
        stored = _replay(buyer=buyer, key=key, digest=digest)
        if stored is not None:
            return stored
        # Not our key: another request (another key) ordered this quote at the same moment.
        raise Conflict(
            "this quote has already been ordered",
            {"quote_id": str(payload["quote_id"])},
            code=OrdersErrorCode.QUOTE_ALREADY_ORDERED,
        ) from None
    return StoredResponse(status=201, body=body)


def idempotency_keys_purge(*, older_than: dt.timedelta | None = None) -> int:
    """Delete stored keys older than ``older_than`` (default and minimum: the configured TTL,
    never under 24 hours). Returns how many were removed."""
    minimum = dt.timedelta(hours=settings.EHUB_ORDERS_IDEMPOTENCY_KEY_TTL_HOURS)
    age = max(older_than or minimum, minimum)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=clock.now() - age).delete()
    return deleted


# -- status pipeline ---------------------------------------------------------------------------
def order_transition(
    *, order: Order, to: str, actor: Any = None, data: dict[str, Any] | None = None
) -> Order:
    """Move ``order`` to ``to`` if the pipeline allows it. The update is conditional on the status
    the caller saw, so two concurrent moves cannot both apply; the loser gets the domain error."""
    target = OrderStatus(to)
    transition_check(order.status, target)
    moment = clock.now()
    fields: dict[str, Any] = {"status": target.value}
    if target == OrderStatus.PAID:
        fields["paid_at"] = moment
    if target == OrderStatus.CANCELLED:
        fields["cancelled_at"] = moment
    if target == OrderStatus.DELIVERED:
        fields["delivered_at"] = moment  # the buyer's confirmation window starts
    if target == OrderStatus.COMPLETED:
        fields["completed_at"] = moment
    if not Order.objects.filter(pk=order.pk, status=order.status).update(**fields):
        current = Order.objects.values_list("status", flat=True).get(pk=order.pk)
        raise IllegalTransition(current, target)
    for name, value in fields.items():
        setattr(order, name, value)
    audit_record(tag=f"order:status:{target.value}", subject=order, actor=actor, data=data)
    return order


def order_cancel_unpaid(*, order: Order, actor: Any = None, reason: str) -> Order:
    """Cancel an order not yet paid and return its stock. (A paid order is cancelled through a
    refund in ``payments``, which reverses the escrow.)"""
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise IllegalTransition(order.status, OrderStatus.CANCELLED)
    with transaction.atomic():
        order_transition(
            order=order, to=OrderStatus.CANCELLED, actor=actor, data={"reason": reason}
        )
        stock_return(lines=list(order.lines.values_list("variant_id", "quantity")))
    return order


def order_expire_unpaid(*, older_than: dt.timedelta | None = None) -> list[int]:
    """Cancel every order still unpaid ``older_than`` after placement (default
    ``EHUB_ORDERS_UNPAID_TTL_MINUTES``) and return its stock; one short transaction per order.
    Returns the cancelled order ids. Run by ``ehub orders expire-unpaid`` from a scheduler."""
    age = (
        older_than
        if older_than is not None
        else dt.timedelta(minutes=settings.EHUB_ORDERS_UNPAID_TTL_MINUTES)
    )
    cutoff = clock.now() - age
    cancelled = []
    for order in Order.objects.filter(
        status=OrderStatus.PENDING_PAYMENT, placed_at__lt=cutoff
    ).order_by("pk"):
        try:
            order_cancel_unpaid(order=order, reason=f"unpaid after {age}")
        except IllegalTransition:
            continue  # paid (or cancelled) between our read and our update: leave it
        cancelled.append(order.pk)
    return cancelled


# -- starting the payment (the buyer, over HTTP) ------------------------------------------------
@dataclass(frozen=True)
class PaymentStarted:
    payment: Payment
    created: bool


# Payment attempts that ended without the money: the buyer may start another one.
_PAYMENT_ENDED_UNPAID = frozenset({PaymentStatus.DECLINED, PaymentStatus.FAILED})


def order_payment_start(
    *, order: Order, buyer: Any, provider: str = "sandbox", return_url: str = ""
) -> PaymentStarted:
    """Start (or resume) paying ``order``, the buyer's own, for its whole total in the market
    currency: one payment for ``ORD-<id>``. Idempotent: the key is ``order-<id>``, so a repeat
    returns the same payment; after a declined or failed attempt the next call starts attempt
    n with the key ``order-<id>-<n>``. Refuses (409 ``order_not_payable``) an order that is not
    ``pending_payment``. No transaction is held across the provider call (payments' rule)."""
    if order.buyer_id != getattr(buyer, "pk", None):
        raise NotFound(f"no order {order.pk}")
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise Conflict(
            f"order {order.reference} is {order.status}, not waiting for payment",
            {"order": order.reference, "status": order.status},
            code=OrdersErrorCode.ORDER_NOT_PAYABLE,
        )
    attempts = list(payments_for_order(order_ref=order.reference).filter(provider=provider))
    for attempt in reversed(attempts):
        if attempt.status not in _PAYMENT_ENDED_UNPAID:
            return PaymentStarted(payment=attempt, created=False)
    key = f"order-{order.pk}" if not attempts else f"order-{order.pk}-{len(attempts) + 1}"
    payment = payment_create(
        order_ref=order.reference,
        amount=Money.from_minor_units(order.total_minor, order.currency),
        idempotency_key=key,
        provider=provider,
        created_by=buyer,
        return_url=return_url,
    )
    return PaymentStarted(payment=payment, created=True)


# -- payment capture (called by payments) ------------------------------------------------------
def _order_escrow_split(*, order: Order, parcels: list[OrderParcel], payment_id: str) -> None:
    """Split what ``payment_id`` put in ``ORD-<id>``'s escrow into the parcels' escrows."""
    parts = {
        p.escrow_reference: Money.from_minor_units(p.payable_minor, order.currency)
        for p in parcels
        if p.payable_minor > 0
    }
    entry = escrow_split_payment(order_ref=order.reference, payment_id=payment_id, parts=parts)
    if entry is None:
        logger.warning(
            "payment %s for %s funded no escrow in the ledger: nothing to split",
            payment_id,
            order.reference,
        )


class CaptureNotApplicable(IllegalTransition):
    """A capture for an order that can no longer take it (cancelled, or paid by another
    payment): the capture listener refunds that payment instead."""

    def __init__(self, order: Order, payment_id: str, why: str) -> None:
        super().__init__(order.status, OrderStatus.PAID)
        self.message = f"payment {payment_id} cannot pay {order.reference}: {why}"
        self.detail = {**(self.detail or {}), "order": order.reference, "payment": payment_id}


def order_payment_captured_listener(*, order_ref: str, payment_id: str, amount: Money) -> None:
    """The capture listener registered with ``payments``: mark the order paid, or, when the
    capture came too late (the order was cancelled meanwhile, or another payment already paid
    it), give that payment back in full from the escrow it funded. Either way the notification
    is then done; a failed refund raises, so ``ehub payments notify-captures`` tries again."""
    try:
        order_payment_captured(order_ref=order_ref, payment_id=payment_id, amount=amount)
    except CaptureNotApplicable as exc:
        payment = Payment.objects.get(public_id=payment_id)
        logger.warning("%s; refunding it", exc.message)
        payment_refund(
            payment=payment,
            amount=payment.amount,
            reason=f"captured after the order could take it: {exc.message}"[:300],
            idempotency_key=f"late-capture:{payment_id}",
        )


def order_payment_captured(*, order_ref: str, payment_id: str, amount: Money) -> Order:
    """A provider captured ``amount`` for ``order_ref`` (``ORD-<id>`` for the whole order, or
    ``ORD-<id>/<n>`` for one parcel's escrow). Marks the parcel(s) paid; the order becomes
    ``paid`` when every parcel is. Repeats are harmless. Refuses (409) an amount that is not
    exactly what is owed, and a capture for an order that is no longer payable (cancelled: the
    caller must refund).

    A whole-order payment funded the order's escrow ``ORD-<id>``; in the same transaction as the
    ``paid`` transition it is split into one escrow per parcel (``ORD-<id>/<n>``, each its
    payable), keyed by the payment id, so each parcel is released to its own seller."""
    match = ORDER_REF_PATTERN.match(order_ref)
    if match is None:
        raise NotFound(f"{order_ref!r} is not an order reference")
    order_id, number = int(match.group(1)), match.group(2)
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            raise NotFound(f"no order {order_ref}")
        parcels = list(order.parcels.all())
        targets = [p for p in parcels if number is None or p.number == int(number)]
        if not targets:
            raise NotFound(f"no parcel {order_ref}")
        owed = Money.from_minor_units(sum(p.payable_minor for p in targets), order.currency)
        if amount != owed:
            raise Conflict(
                f"captured {amount} but {order_ref} owes {owed}",
                {"order_ref": order_ref, "owed": str(owed), "captured": str(amount)},
                code=OrdersErrorCode.PAYMENT_MISMATCH,
            )
        if all(p.paid_at for p in targets) and order.status != OrderStatus.PENDING_PAYMENT:
            if number is not None or order.payment_id in ("", payment_id):
                return order  # a duplicate capture notification
            raise CaptureNotApplicable(order, payment_id, "it was already paid by another payment")
        if order.status != OrderStatus.PENDING_PAYMENT:
            raise CaptureNotApplicable(order, payment_id, f"it is {order.status}")
        if number is None:
            _order_escrow_split(order=order, parcels=parcels, payment_id=payment_id)
        moment = clock.now()
        for parcel in targets:
            if parcel.paid_at is None:
                parcel.paid_at = moment
                parcel.save(update_fields=["paid_at"])
        if all(p.paid_at for p in parcels):
            order.payment_id = payment_id
            order.save(update_fields=["payment_id"])
            order_transition(
                order=order,
                to=OrderStatus.PAID,
                data={"payment_id": payment_id, "order_ref": order_ref, "amount": str(amount)},
            )
    return order


# -- receipt: the escrow is released ------------------------------------------------------------
def _authority_name(country: str, kind: str) -> str:
    """The ledger authority an import charge is owed to: ``<destination>-<KIND>`` for a tax
    (``CN-VAT``, ``CN-CONSUMPTION-TAX``, ``AU-GST``), ``<destination>-customs`` for duties and
    customs fees."""
    if kind == "customs":
        return f"{country}-customs"
    return f"{country}-{kind.upper().replace('_', '-')}"


def _import_charges_collected(*, order: Order, parcel: OrderParcel) -> dict[str, Money]:
    """What the buyer paid at checkout for the destination's authorities, per authority, from
    the parcel's locked figures. Charges collected at the border are paid by the buyer to the
    carrier or customs on delivery: they never entered escrow, so nothing is released for them.

    Duties and customs fees go to ``<country>-customs``; taxes to ``<country>-<KIND>`` by the
    landed-cost tax line's kind. Tax lines are rounded per kind; a rounding remainder against the
    parcel's locked tax total goes to the largest tax, so the parts add up to exactly the
    charges collected (``import_charges_at_checkout_minor``)."""
    at_checkout = parcel.import_charges_at_checkout_minor
    if parcel.collected != "at_checkout" or at_checkout <= 0:
        return {}
    currency = order.currency
    minor: dict[str, int] = {}
    tax_minor = parcel.tax_minor
    taxes: dict[str, Decimal] = {}
    for line in (parcel.landed_cost or {}).get("taxes", []):
        if line.get("amount") is None:
            continue
        kind = _authority_name(order.country, str(line.get("kind") or "tax"))
        taxes[kind] = taxes.get(kind, Decimal(0)) + Decimal(str(line["amount"]))
    for authority, amount in taxes.items():
        minor[authority] = Money(amount, currency).quantize().to_minor_units()
    remainder = tax_minor - sum(minor.values())
    if remainder:
        if minor:
            largest = max(sorted(minor), key=lambda name: minor[name])
            minor[largest] += remainder
        else:
            minor[_authority_name(order.country, "tax")] = remainder
    customs = at_checkout - tax_minor  # duties + customs fees
    if customs:
        minor[_authority_name(order.country, "customs")] = customs
    return {
        authority: Money.from_minor_units(amount, currency)
        for authority, amount in sorted(minor.items())
        if amount
    }


def _release_breakdown(*, order: Order, parcel: OrderParcel) -> ReleaseBreakdown:
    return ReleaseBreakdown(
        goods=Money.from_minor_units(parcel.goods_minor, order.currency),
        shipping=Money.from_minor_units(parcel.shipping_minor, order.currency),
        duties_and_taxes=_import_charges_collected(order=order, parcel=parcel),
    )


def _commission(parcel: OrderParcel) -> tuple[int | None, Decimal | None]:
    """``(category_id, commission_rate)`` for the parcel's release. One category across its
    lines: that category (the ledger picks the seller's / category's configured rate). Several:
    the rate weighted by each line's goods value, so each line pays its own category's rate."""
    lines = list(
        OrderLine.objects.filter(parcel=parcel).values_list(
            "variant__product__category_id", "line_total_minor"
        )
    )
    categories = {category for category, _ in lines}
    if len(categories) <= 1:
        return (next(iter(categories), None), None)
    goods = sum(total for _, total in lines)
    if goods <= 0:
        return (None, None)
    weighted = sum(
        Decimal(total) * commission_rate_for(seller_id=parcel.seller_id, category_id=category)
        for category, total in lines
    )
    return (None, weighted / Decimal(goods))


def _order_release(*, order: Order, on_date: dt.date, actor: Any, reason: str) -> Order:
    """Release every parcel's escrow and complete ``order`` (locked, ``delivered``), inside the
    caller's transaction."""
    releases: dict[str, int] = {}
    for parcel in order.parcels.select_related("seller").order_by("number"):
        if parcel.payable_minor <= 0 or parcel.refunded_at is not None:
            continue  # nothing was paid into this parcel's escrow, or it went back to the buyer
        category_id, commission_rate = _commission(parcel)
        entry: JournalEntry = escrow_release(
            order_ref=parcel.escrow_reference,
            breakdown=_release_breakdown(order=order, parcel=parcel),
            seller=parcel.seller,
            category_id=category_id,
            commission_rate=commission_rate,
            on_date=on_date,
        )
        releases[parcel.escrow_reference] = entry.pk
    return order_transition(
        order=order,
        to=OrderStatus.COMPLETED,
        actor=actor,
        data={"reason": reason, "releases": releases},
    )


def order_confirm_receipt(*, order: Order, buyer: Any) -> Order:
    """The buyer confirms receipt of ``order`` (their own, ``delivered``): each parcel's escrow
    ``ORD-<id>/<n>`` is released (import charges collected at checkout to the authorities,
    shipping to its payable, commission to revenue, the rest converted at today's rate into the
    seller's payable) and the order becomes ``completed``, all in one transaction under the
    order's row lock. A repeat (or losing a race with the lapse job) returns the completed
    order; anybody else's order is a 404; an order not ``delivered`` is a 409
    ``order_not_delivered``."""
    if order.buyer_id != getattr(buyer, "pk", None):
        raise NotFound(f"no order {order.pk}")
    with transaction.atomic():
        locked = Order.objects.select_for_update().filter(pk=order.pk).first()
        if locked is None:
            raise NotFound(f"no order {order.pk}")
        if locked.status == OrderStatus.COMPLETED:
            return locked
        if locked.status != OrderStatus.DELIVERED:
            raise Conflict(
                f"order {locked.reference} is {locked.status}, not delivered: "
                "receipt can be confirmed once it is delivered",
                {"order": locked.reference, "status": locked.status},
                code=OrdersErrorCode.ORDER_NOT_DELIVERED,
            )
        return _order_release(
            order=locked, on_date=clock.today(), actor=buyer, reason="buyer confirmed receipt"
        )


def order_release_lapsed(
    *, window_days: int | None = None, now: dt.datetime | None = None
) -> list[int]:
    """Release and complete every ``delivered`` order whose confirmation window (default
    ``EHUB_ORDERS_CONFIRMATION_WINDOW_DAYS``) is over: ``delivered_at + window <= now`` (at
    exactly the window it has lapsed). One transaction per order, under its row lock; an order
    the buyer confirmed meanwhile is skipped. An order that cannot be released (e.g. no FX rate
    for today) is logged and left for the next run. Returns the completed order ids. Run by
    ``ehub orders release-lapsed`` from a scheduler."""
    days = window_days if window_days is not None else settings.EHUB_ORDERS_CONFIRMATION_WINDOW_DAYS
    moment = now or clock.now()
    cutoff = moment - dt.timedelta(days=days)
    completed = []
    candidates = Order.objects.filter(
        status=OrderStatus.DELIVERED, delivered_at__lte=cutoff
    ).order_by("pk")
    for order_id in list(candidates.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                order = (
                    Order.objects.select_for_update()
                    .filter(pk=order_id, status=OrderStatus.DELIVERED, delivered_at__lte=cutoff)
                    .first()
                )
                if order is None:
                    continue  # confirmed (or refunded) between our read and our lock
                _order_release(
                    order=order,
                    on_date=moment.date(),
                    actor=None,
                    reason=f"confirmation window of {days} day(s) lapsed",
                )
        except DomainError:
            logger.exception("could not release ORD-%s after its confirmation window", order_id)
            continue
        completed.append(order_id)
    return completed


# -- cancellation and refunds of paid orders ---------------------------------------------------
# A paid order's parcels can be refunded while it is in these states (after completion the
# escrow was released to the seller: a refund would first reverse that release).
REFUNDABLE_STATUSES = frozenset(
    {OrderStatus.PAID, OrderStatus.IN_FULFILMENT, OrderStatus.DELIVERED, OrderStatus.CANCELLED}
)


def _parcel_payment(*, order: Order, parcel: OrderParcel) -> Payment:
    """The captured payment whose money is in ``parcel``'s escrow: the parcel's own payment, or
    the order's (whose escrow was split per parcel)."""
    payment = (
        Payment.objects.filter(order_ref=parcel.escrow_reference, captured_at__isnull=False)
        .order_by("pk")
        .first()
    )
    if payment is None and order.payment_id:
        payment = Payment.objects.filter(public_id=order.payment_id).first()
    if payment is None:
        raise Conflict(
            f"no captured payment for {parcel.escrow_reference}",
            {"parcel": parcel.escrow_reference},
            code=OrdersErrorCode.ORDER_NOT_REFUNDABLE,
        )
    return payment


def order_parcel_refund(*, parcel: OrderParcel, reason: str, actor: Any = None) -> OrderParcel:
    """Give the buyer back what they paid for ``parcel`` (goods, shipping and the import charges
    collected at checkout): a provider refund taken out of the parcel's escrow ``ORD-<id>/<n>``.
    Idempotent (keyed by the parcel); call it outside a transaction (no lock is held across the
    provider call). When every paid parcel of the order is refunded, a paid, in-fulfilment or
    delivered order becomes ``refunded`` (a cancelled one stays cancelled). Stock is not
    returned here: a returned parcel is restocked when the seller has it back. Refused (409
    ``order_not_refundable``) once the order is completed (its escrow was released)."""
    parcel = OrderParcel.objects.select_related("order").get(pk=parcel.pk)
    order = parcel.order
    if parcel.refunded_at is not None:
        return parcel
    if order.status not in REFUNDABLE_STATUSES or parcel.paid_at is None:
        raise Conflict(
            f"{parcel.escrow_reference} cannot be refunded: the order is {order.status}"
            + ("" if parcel.paid_at else " and the parcel was never paid"),
            {"parcel": parcel.escrow_reference, "status": order.status},
            code=OrdersErrorCode.ORDER_NOT_REFUNDABLE,
        )
    reason = (reason or "").strip() or "refund"
    refund = None
    if parcel.payable_minor > 0:
        # One key per attempt: a retry after the provider failed is a new refund.
        failed = Refund.objects.filter(
            escrow_ref=parcel.escrow_reference, status=RefundStatus.FAILED
        ).count()
        refund = payment_refund(
            payment=_parcel_payment(order=order, parcel=parcel),
            amount=Money.from_minor_units(parcel.payable_minor, order.currency),
            reason=reason,
            idempotency_key=f"parcel-refund:{parcel.escrow_reference}:{failed + 1}",
            escrow_ref=parcel.escrow_reference,
        )
        if refund.status != RefundStatus.SUCCEEDED:
            raise Conflict(
                f"the refund of {parcel.escrow_reference} is {refund.status}",
                {"parcel": parcel.escrow_reference, "refund": str(refund.public_id)},
                code=OrdersErrorCode.ORDER_NOT_REFUNDABLE,
            )
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        moment = clock.now()
        if OrderParcel.objects.filter(pk=parcel.pk, refunded_at__isnull=True).update(
            refunded_at=moment, refund_reason=reason[:300]
        ):
            audit_record(
                tag="order:parcel:refunded",
                subject=locked,
                actor=actor,
                data={
                    "parcel": parcel.escrow_reference,
                    "amount_minor": parcel.payable_minor,
                    "refund": str(refund.public_id) if refund else None,
                    "reason": reason,
                },
            )
        outstanding = locked.parcels.filter(paid_at__isnull=False, refunded_at__isnull=True)
        if not outstanding.exists() and locked.status in (
            OrderStatus.PAID,
            OrderStatus.IN_FULFILMENT,
            OrderStatus.DELIVERED,
        ):
            order_transition(
                order=locked, to=OrderStatus.REFUNDED, actor=actor, data={"reason": reason}
            )
    parcel.refresh_from_db()
    return parcel


def order_cancel(*, order: Order, actor: Any, reason: str) -> Order:
    """Cancel ``order`` before anything was handed to a carrier. Unpaid: cancelled, stock
    returned. Paid (nothing handed over yet, so the order is still ``paid``): cancelled and
    stock returned in one transaction under the order's lock, then every paid parcel refunded
    (``order_parcel_refund``, outside the transaction). A refund the provider fails is left for
    ``ehub orders settle-refunds``; the order stays cancelled. Anything further along is a 409
    ``illegal_order_transition``: once handed over, the buyer refuses delivery or returns it."""
    reason = (reason or "").strip() or "cancelled"
    if order.status == OrderStatus.PENDING_PAYMENT:
        return order_cancel_unpaid(order=order, actor=actor, reason=reason)
    with transaction.atomic():
        locked = Order.objects.select_for_update().filter(pk=order.pk).first()
        if locked is None:
            raise NotFound(f"no order {order.pk}")
        if locked.status == OrderStatus.PENDING_PAYMENT:
            return order_cancel_unpaid(order=locked, actor=actor, reason=reason)
        if locked.status != OrderStatus.PAID:
            raise IllegalTransition(locked.status, OrderStatus.CANCELLED)
        order_transition(
            order=locked, to=OrderStatus.CANCELLED, actor=actor, data={"reason": reason}
        )
        stock_return(lines=list(locked.lines.values_list("variant_id", "quantity")))
    _refund_parcels(order=locked, reason=reason, actor=actor)
    return locked


def _refund_parcels(*, order: Order, reason: str, actor: Any) -> list[str]:
    """Refund each paid, unrefunded parcel; returns the references that could not be."""
    failed = []
    for parcel in order.parcels.filter(paid_at__isnull=False, refunded_at__isnull=True):
        try:
            order_parcel_refund(parcel=parcel, reason=reason, actor=actor)
        except DomainError:
            logger.exception("refund of %s failed; settle-refunds will retry", parcel)
            failed.append(parcel.escrow_reference)
    return failed


def order_refunds_settle() -> list[str]:
    """Retry the refunds of cancelled orders' paid parcels that are not refunded yet (the
    provider failed the first time). Returns what is still not refunded. Run by
    ``ehub orders settle-refunds`` from a scheduler."""
    pending = (
        Order.objects.filter(
            status=OrderStatus.CANCELLED,
            parcels__paid_at__isnull=False,
            parcels__refunded_at__isnull=True,
        )
        .distinct()
        .order_by("pk")
    )
    failed: list[str] = []
    for order in list(pending):
        failed += _refund_parcels(order=order, reason="order cancelled (retry)", actor=None)
    return failed
