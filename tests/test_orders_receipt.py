"""Receipt and the confirmation window: ``order_confirm_receipt`` and ``order_release_lapsed``
release each parcel's escrow once and complete the order (the HTTP path is in
test_checkout_flow.py)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from ehub.accounts.tests.factories import UserFactory
from ehub.core import clock
from ehub.core.errors import Conflict, NotFound
from ehub.core.models import AuditEvent
from ehub.core.money import Money
from ehub.core.tests.concurrency import race
from ehub.ledger.checks import ledger_check
from ehub.ledger.domain import EntryKind, escrow_account, seller_payable_account
from ehub.ledger.models import JournalEntry
from ehub.ledger.selectors import account_balance
from ehub.ledger.services import escrow_fund
from ehub.orders.models import Order, OrderParcel
from ehub.orders.services import (
    _import_charges_collected,
    order_confirm_receipt,
    order_payment_captured,
    order_place,
    order_release_lapsed,
    order_transition,
)
from ehub.orders.tests.helpers import cn_quote, world

pytestmark = pytest.mark.django_db

WINDOW = dt.timedelta(days=10)


def delivered_order(*, delivered_at: dt.datetime | None = None) -> Order:
    """A CN order from a Malaysian seller (paid in MYR): placed, paid (escrow funded and split),
    delivered at ``delivered_at`` (default now)."""
    w = world()
    order = order_place(buyer=w.buyer, quote_id=cn_quote(w.buyer, [(w.variant, 2)]).public_id)
    amount = Money.from_minor_units(order.total_minor, order.currency)
    escrow_fund(
        order_ref=order.reference,
        amount=amount,
        provider="sandbox",
        idempotency_key=f"pay-{order.pk}",
    )
    order = order_payment_captured(
        order_ref=order.reference, payment_id=f"pay-{order.pk}", amount=amount
    )
    order_transition(order=order, to="in_fulfilment")
    order_transition(order=order, to="delivered")
    assert order.delivered_at is not None
    if delivered_at is not None:
        Order.objects.filter(pk=order.pk).update(delivered_at=delivered_at)
        order.refresh_from_db()
    return order


def released(order: Order) -> list[str]:
    return list(
        JournalEntry.objects.filter(kind=EntryKind.ESCROW_RELEASE)
        .order_by("reference")
        .values_list("reference", flat=True)
    )


@pytest.mark.parametrize(
    ("age", "lapsed"),
    [
        (WINDOW - dt.timedelta(microseconds=1), False),  # just before
        (WINDOW, True),  # exactly the window
        (WINDOW + dt.timedelta(microseconds=1), True),  # just after
    ],
    ids=["just-before", "exactly", "just-after"],
)
def test_the_lapse_job_releases_an_order_once_its_window_is_over(age, lapsed):
    now = clock.now()
    order = delivered_order(delivered_at=now - age)

    completed = order_release_lapsed(now=now)

    order.refresh_from_db()
    if lapsed:
        assert completed == [order.pk]
        assert order.status == "completed"
        assert order.completed_at is not None
        assert released(order) == [f"{order.reference}/1"]
        assert account_balance(key=escrow_account(f"{order.reference}/1", "CNY")).is_zero()
        assert -account_balance(key=seller_payable_account(order.parcels.get().seller_id, "MYR"))
    else:
        assert completed == []
        assert order.status == "delivered"
        assert released(order) == []
    assert ledger_check().ok
    # A second run changes nothing.
    assert order_release_lapsed(now=now) == []
    assert released(order) == ([f"{order.reference}/1"] if lapsed else [])


def test_the_window_comes_from_the_setting_unless_given(settings):
    now = clock.now()
    order = delivered_order(delivered_at=now - dt.timedelta(days=3))
    assert order_release_lapsed(now=now) == []  # default 10 days
    settings.EHUB_ORDERS_CONFIRMATION_WINDOW_DAYS = 3
    assert order_release_lapsed(now=now, window_days=4) == []
    assert order_release_lapsed(now=now) == [order.pk]


def test_only_delivered_orders_lapse():
    now = clock.now()
    order = delivered_order(delivered_at=now - WINDOW * 2)
    Order.objects.filter(pk=order.pk).update(status="refunded")
    assert order_release_lapsed(now=now) == []
    assert released(order) == []


def test_the_command_releases_lapsed_orders():
    order = delivered_order(delivered_at=clock.now() - WINDOW - dt.timedelta(minutes=1))
    out = io.StringIO()
    call_command("orders", "release-lapsed", stdout=out)
    assert out.getvalue().strip() == f"released 1 delivered order(s): {order.reference}"
    out = io.StringIO()
    call_command("orders", "release-lapsed", "--window-days", "1", stdout=out)
    assert out.getvalue().strip() == "released 0 delivered order(s)"


def test_confirming_and_the_lapse_job_release_once_whichever_comes_first():
    now = clock.now()
    order = delivered_order(delivered_at=now - WINDOW)
    buyer = order.buyer
    confirmed = order_confirm_receipt(order=order, buyer=buyer)
    assert confirmed.status == "completed"
    assert order_release_lapsed(now=now) == []
    again = order_confirm_receipt(order=Order.objects.get(pk=order.pk), buyer=buyer)
    assert again.status == "completed"
    assert released(order) == [f"{order.reference}/1"]

    other = delivered_order(delivered_at=now - WINDOW)
    assert order_release_lapsed(now=now) == [other.pk]
    stale = Order.objects.get(pk=other.pk)
    assert order_confirm_receipt(order=stale, buyer=other.buyer).status == "completed"
    assert JournalEntry.objects.filter(kind=EntryKind.ESCROW_RELEASE).count() == 2
    assert ledger_check().ok


def test_only_the_buyer_confirms_and_only_a_delivered_order():
    order = delivered_order()
    with pytest.raises(NotFound):
        order_confirm_receipt(order=order, buyer=UserFactory())
    Order.objects.filter(pk=order.pk).update(status="in_fulfilment")
    with pytest.raises(Conflict) as refused:
        order_confirm_receipt(order=Order.objects.get(pk=order.pk), buyer=order.buyer)
    assert refused.value.code == "order_not_delivered"
    assert released(order) == []


def parcel(**fields: Any) -> OrderParcel:
    defaults: dict[str, Any] = {
        "goods_minor": 10000,
        "shipping_minor": 2000,
        "duty_minor": 0,
        "tax_minor": 0,
        "import_charges_minor": 0,
        "collected": "at_checkout",
        "import_charges_at_checkout_minor": 0,
        "landed_cost": {},
    }
    return OrderParcel(**{**defaults, **fields})


def test_import_charges_are_released_per_authority_only_when_collected_at_checkout():
    order = Order(country="FI", currency="EUR")
    landed = {
        "taxes": [
            {"kind": "vat", "amount": "25.505"},
            {"kind": "excise_tax", "amount": "1.333"},
            {"kind": "vat", "amount": None},
        ]
    }
    # Duty 3.00 + a customs fee 1.50 + taxes 26.84 (VAT 25.505 → 25.51, excise 1.333 → 1.33).
    at_checkout = parcel(
        duty_minor=300,
        tax_minor=2684,
        import_charges_minor=3134,
        import_charges_at_checkout_minor=3134,
        landed_cost=landed,
    )
    assert _import_charges_collected(order=order, parcel=at_checkout) == {
        "FI-EXCISE-TAX": Money("1.33", "EUR"),
        "FI-VAT": Money("25.51", "EUR"),
        "FI-customs": Money("4.50", "EUR"),
    }
    assert sum(
        _import_charges_collected(order=order, parcel=at_checkout).values(), Money("0", "EUR")
    ) == Money("31.34", "EUR")

    # A rounding remainder against the locked tax total goes to the largest tax.
    remainder = parcel(
        tax_minor=2552,
        import_charges_minor=2552,
        import_charges_at_checkout_minor=2552,
        landed_cost={"taxes": [{"kind": "vat", "amount": "25.505"}]},
    )
    assert _import_charges_collected(order=order, parcel=remainder) == {
        "FI-VAT": Money("25.52", "EUR")
    }

    # Collected at the border: the buyer pays customs on delivery, nothing of it is in escrow.
    at_border = parcel(
        duty_minor=300,
        tax_minor=2684,
        import_charges_minor=2984,
        collected="at_border",
        import_charges_at_checkout_minor=0,
        landed_cost=landed,
    )
    assert _import_charges_collected(order=order, parcel=at_border) == {}


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real concurrency needs PostgreSQL; SQLite cannot flush ledger rows (docs/ledger.md)",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_and_lapse_runs_release_once():
    """5 buyer confirmations and 5 lapse runs at once: one release, one completion."""
    now = clock.now()
    order = delivered_order(delivered_at=now - WINDOW)

    def work(i: int) -> Any:
        if i % 2:
            return order_release_lapsed(now=now)
        fresh = Order.objects.get(pk=order.pk)
        return order_confirm_receipt(order=fresh, buyer=order.buyer).status

    results = race(work, 10)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert sum(len(r) for r in results if isinstance(r, list)) <= 1
    order.refresh_from_db()
    assert order.status == "completed"
    assert released(order) == [f"{order.reference}/1"]
    assert AuditEvent.objects.filter(tag="order:status:completed").count() == 1
    assert ledger_check().ok
