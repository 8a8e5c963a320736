"""The whole checkout path over HTTP, as a browser and the sandbox would drive it.

A buyer in China signs in (session + CSRF), fills a cart from a Malaysian and a US seller, gets a
quote with two parcels, places the order (Idempotency-Key), starts its one payment
(``POST /api/v1/orders/{id}/payment``), opens the sandbox's hosted page and pays with the 4242
card; the signed callback is delivered by ``ehub payments deliver-callbacks``. Then: the order is
``paid``, the ledger holds one ``payment_captured`` and one ``escrow_split`` entry, each parcel's
escrow holds that parcel's total and ``ehub ledger check`` exits 0. A retried callback changes
nothing; a declined card leaves the order unpaid and the ledger empty. Then an operator marks the
order delivered and the buyer confirms receipt (``POST /api/v1/orders/{id}/confirm-receipt``):
each parcel's escrow is released — VAT collected at checkout to ``CN-VAT``, shipping to its
payable, commission to revenue, the rest converted at the release day's rate into each seller's
payout currency — and the order is ``completed``.

Runs on SQLite and PostgreSQL: everything happens inside the test's transaction; commit hooks
(callback delivery, capture listeners) are run with ``django_capture_on_commit_callbacks``. The
concurrency test (real threads and commits) runs on PostgreSQL only: SQLite cannot flush ledger
rows after a ``transaction=True`` test (docs/ledger.md).
"""

from __future__ import annotations

import io
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from ehub.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from ehub.checkout.services import cart_line_add, quote_create
from ehub.core.models import AuditEvent
from ehub.core.money import Money
from ehub.core.tests.concurrency import race
from ehub.ledger.checks import ledger_check
from ehub.ledger.domain import (
    EntryKind,
    commission_revenue_account,
    duties_taxes_payable_account,
    escrow_account,
    seller_payable_account,
    shipping_payable_account,
)
from ehub.ledger.models import CommissionRate, JournalEntry
from ehub.ledger.selectors import account_balance
from ehub.markets.tests.factories import FxRateFactory
from ehub.orders.models import Order
from ehub.orders.services import (
    order_cancel_unpaid,
    order_payment_captured,
    order_payment_start,
    order_place,
    order_transition,
)
from ehub.orders.tests.helpers import GOOD_RESIDENT_ID, fx_rates, markets, variant
from ehub.payments.hooks import notify_capture_listeners
from ehub.payments.models import Payment, PaymentCallback, SandboxCallback
from ehub.payments.sandbox import sandbox_callback_deliver, sandbox_signed_headers
from ehub.payments.services import payment_handle_callback
from ehub.payments.tests.factories import sandbox_callback
from ehub.sellers.tests.factories import SellerFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
GOOD_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000 0000 0000 0002"


class Browser:
    """A session client with CSRF enforced, sending the token like the curl walk-through."""

    def __init__(self) -> None:
        self.client = Client(enforce_csrf_checks=True)

    @property
    def token(self) -> str:
        return self.client.cookies["csrftoken"].value

    def get(self, path: str, **query: Any) -> Any:
        return self.client.get(path, query)

    def post(self, path: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.post(
            path,
            data=json.dumps(body or {}),
            content_type="application/json",
            headers={"X-CSRFToken": self.token, **headers},
        )

    def sign_in(self, email: str, password: str = DEFAULT_PASSWORD) -> None:
        assert self.client.get(f"{API}/auth/csrf").status_code == 200
        response = self.post(f"{API}/auth/sign-in", {"email": email, "password": password})
        assert response.status_code == 200, response.content

    def pay(self, redirect_url: str, card: str) -> Any:
        """Open the hosted page, then post the card with the form's CSRF token."""
        page = self.client.get(redirect_url)
        assert page.status_code == 200
        html = page.content.decode()
        form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        return self.client.post(
            redirect_url, {"card_number": card, "csrfmiddlewaretoken": form_token}
        )


@pytest.fixture
def shop():
    """Markets and today's rates; a Malaysian seller (paid in MYR) and a US seller (paid in
    USD), each with one product; a buyer in Shanghai."""
    markets()
    fx_rates()
    penang = SellerFactory(country="MY", payout_currency="MYR", legal_name="Penang Batik Sdn Bhd")
    ohio = SellerFactory(country="US", payout_currency="USD", legal_name="Ohio Coffee LLC")
    return {
        "penang": penang,
        "ohio": ohio,
        "batik": variant(seller=penang, price_minor=4500, weight_grams=400),  # MYR 45.00
        "coffee": variant(
            seller=ohio, price_minor=1800, weight_grams=600, country="US", currency="USD"
        ),  # USD 18.00
        "buyer": UserFactory(email="buyer.shanghai@example.test"),
    }


def checkout(shop: dict[str, Any], browser: Browser) -> dict[str, Any]:
    """Sign in → cart → quote (two parcels) → order. Returns the order's JSON."""
    browser.sign_in(shop["buyer"].email)
    for v, quantity in ((shop["batik"], 2), (shop["coffee"], 1)):
        added = browser.post(
            f"{API}/checkout/cart/lines", {"market": "CN", "variant_id": v.pk, "quantity": quantity}
        )
        assert added.status_code in (200, 201), added.content
    cart = browser.get(f"{API}/checkout/cart", market="CN").json()
    assert cart["currency"] == "CNY"
    assert len(cart["lines"]) == 2

    quote = browser.post(
        f"{API}/checkout/quotes",
        {
            "market": "CN",
            "shipping_address": {
                "country": "CN",
                "region": "CN-SH",
                "postal_code": "200030",
                "recipient_name": "王芳",
                "address_line1": "徐汇区漕溪北路88号",
                "city": "上海市",
                "phone": "+86 21 5555 0100",
            },
            "buyer": {"name": "张三", "resident_id": GOOD_RESIDENT_ID},
        },
    )
    assert quote.status_code in (200, 201), quote.content
    quote_body = quote.json()
    assert quote_body["sellable"], quote_body["problems"]
    assert len(quote_body["parcels"]) == 2

    placed = browser.post(
        f"{API}/orders", {"quote_id": quote_body["id"]}, **{"Idempotency-Key": "flow-order-1"}
    )
    assert placed.status_code == 201, placed.content
    order = placed.json()
    assert order["status"] == "pending_payment"
    assert order["total"] == quote_body["total"]
    assert order["total"]["currency"] == "CNY"
    assert [p["escrow_reference"] for p in order["parcels"]] == [
        f"ORD-{order['id']}/1",
        f"ORD-{order['id']}/2",
    ]
    return order


def held(order_ref: str) -> Money:
    return -account_balance(key=escrow_account(order_ref, "CNY"))


def ledger_check_exit_status() -> int:
    try:
        call_command("ledger", "check", stdout=io.StringIO(), stderr=io.StringIO())
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_the_whole_path_pays_the_order_once_and_splits_its_escrow_per_parcel(
    shop, django_capture_on_commit_callbacks
):
    browser = Browser()
    order = checkout(shop, browser)
    ref, total = order["reference"], order["total"]

    # Start the payment: one, for the whole order, in the market currency.
    started = browser.post(f"{API}/orders/{order['id']}/payment")
    assert started.status_code == 201, started.content
    payment = started.json()
    assert payment["amount"] == total["amount"]
    assert payment["currency"] == "CNY"
    assert payment["status"] == "pending"
    assert payment["order_ref"] == ref
    assert payment["redirect_url"] == f"/pay/sandbox/{payment['payment_id']}/"
    again = browser.post(f"{API}/orders/{order['id']}/payment")
    assert again.status_code == 200
    assert again.json() == payment
    assert Payment.objects.get().idempotency_key == f"order-{order['id']}"

    # The hosted page; the card. (In a running server the callback is delivered as soon as the
    # charge commits; here it waits in the outbox until deliver-callbacks, like after a crash.)
    paid_page = browser.pay(payment["redirect_url"], GOOD_CARD)
    assert paid_page.status_code == 303
    assert Order.objects.get(pk=order["id"]).status == "pending_payment"
    assert not JournalEntry.objects.exists()

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the capture listeners, after commit
        call_command("payments", "deliver-callbacks", stdout=out)
    assert out.getvalue().splitlines()[-1] == "1 callback(s) attempted"
    assert ": 200 delivered" in out.getvalue()

    # Paid, once; one capture entry, one split entry; each parcel's escrow holds its total.
    shown = browser.get(f"{API}/orders/{order['id']}").json()
    assert shown["status"] == "paid"
    assert all(parcel["paid"] for parcel in shown["parcels"])
    assert Order.objects.get(pk=order["id"]).payment_id == payment["payment_id"]
    entries = list(JournalEntry.objects.order_by("pk").values_list("kind", "reference"))
    assert entries == [(EntryKind.PAYMENT_CAPTURED, ref), (EntryKind.ESCROW_SPLIT, ref)]
    assert held(ref) == Money("0", "CNY")
    for parcel in shown["parcels"]:
        assert held(parcel["escrow_reference"]) == Money(parcel["payable"]["amount"], "CNY")
    assert sum(
        (Money(p["payable"]["amount"], "CNY") for p in shown["parcels"]), Money("0", "CNY")
    ) == Money(total["amount"], "CNY")
    assert ledger_check().ok
    assert ledger_check_exit_status() == 0
    assert browser.get(redirect := payment["redirect_url"]).status_code == 200, redirect

    # Retries change nothing: the outbox again, the same signed callback again over HTTP, the
    # capture listeners again, and another "start payment".
    callback = SandboxCallback.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert sandbox_callback_deliver(callback.pk) == "nothing to deliver"
        body = callback.body.encode()
        replay = Client().post(
            f"{API}/payments/sandbox/callback",
            data=body,
            content_type="application/json",
            headers=sandbox_signed_headers(body=body),
        )
        assert notify_capture_listeners(
            order_ref=ref, payment_id=payment["payment_id"], amount=Money(total["amount"], "CNY")
        )
    assert replay.status_code == 200, replay.content
    assert list(PaymentCallback.objects.values_list("verdict", flat=True).order_by("pk")) == [
        "accepted",
        "duplicate",
    ]
    assert list(JournalEntry.objects.order_by("pk").values_list("kind", "reference")) == entries
    assert Payment.objects.count() == 1
    assert Order.objects.get(pk=order["id"]).status == "paid"
    assert ledger_check_exit_status() == 0

    # A paid order cannot be paid again.
    refused = browser.post(f"{API}/orders/{order['id']}/payment")
    assert refused.status_code == 409
    assert refused.json()["code"] == "order_not_payable"

    confirm_receipt_releases_each_parcel_to_its_seller(shop, browser, order, entries)


def confirm_receipt_releases_each_parcel_to_its_seller(
    shop: dict[str, Any], browser: Browser, order: dict[str, Any], paid_entries: list[Any]
) -> None:
    """Delivered → the buyer confirms → every parcel's escrow released, the order completed."""
    order_id = order["id"]
    penang, ohio = shop["penang"], shop["ohio"]
    # Commission: the US seller has its own rate; the Malaysian one pays the default 5%.
    CommissionRate.objects.create(seller=ohio, rate=Decimal("0.08"))
    # The release day's rates (direct CNY rates, seeded after the quote locked its own): the
    # sellers' shares are converted at these, not at the checkout's.
    FxRateFactory(base="CNY", quote="MYR", rate=Decimal("0.6000"))
    FxRateFactory(base="CNY", quote="USD", rate=Decimal("0.1400"))

    # Not delivered yet: refused, nothing released. Someone else's order: not found.
    early = browser.post(f"{API}/orders/{order_id}/confirm-receipt")
    assert early.status_code == 409, early.content
    assert early.json()["code"] == "order_not_delivered"
    assert early.json()["detail"] == {"order": f"ORD-{order_id}", "status": "paid"}
    stranger = Browser()
    stranger.sign_in(UserFactory().email)
    assert stranger.post(f"{API}/orders/{order_id}/confirm-receipt").status_code == 404
    assert list(JournalEntry.objects.order_by("pk").values_list("kind", "reference")) == (
        paid_entries
    )

    # The operator (the logistics issue later) moves it along; delivered_at is stamped.
    placed = Order.objects.get(pk=order_id)
    order_transition(order=placed, to="in_fulfilment")
    order_transition(order=placed, to="delivered")
    delivered = browser.get(f"{API}/orders/{order_id}").json()
    assert delivered["status"] == "delivered"
    assert delivered["delivered_at"] is not None
    assert delivered["completed_at"] is None

    confirmed = browser.post(f"{API}/orders/{order_id}/confirm-receipt")
    assert confirmed.status_code == 200, confirmed.content
    body = confirmed.json()
    assert body["status"] == "completed"
    assert body["completed_at"] is not None
    assert Order.objects.get(pk=order_id).status == "completed"

    parcels = {p.seller_id: p for p in Order.objects.get(pk=order_id).parcels.all()}
    assert set(parcels) == {penang.pk, ohio.pk}
    vat_collected = Money("0", "CNY")
    for seller, rate, commission_rate in (
        (penang, Decimal("0.6000"), Decimal("0.05")),
        (ohio, Decimal("0.1400"), Decimal("0.08")),
    ):
        parcel = parcels[seller.pk]
        assert parcel.collected == "at_checkout"
        assert parcel.duty_minor == 0  # CN cross-border retail: no duty, VAT (70%) only
        assert parcel.import_charges_at_checkout_minor == parcel.tax_minor > 0
        goods = Money.from_minor_units(parcel.goods_minor, "CNY")
        commission = (goods.amount * commission_rate).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        share = (goods.amount - commission) * rate
        expected = Money(
            share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), seller.payout_currency
        )
        owed = -account_balance(key=seller_payable_account(seller.pk, seller.payout_currency))
        assert owed == expected, (seller.payout_currency, owed, expected)
        assert held(parcel.escrow_reference) == Money("0", "CNY")
        vat_collected += Money.from_minor_units(parcel.import_charges_at_checkout_minor, "CNY")
    # By hand: batik 2 × MYR 45.00 at checkout's 1.56 = CNY 140.40 goods, − 5% (7.02) = 133.38,
    # × 0.60 = MYR 80.028 → 80.03; coffee USD 18.00 at 7.80 / 1.10 = CNY 127.64 goods, − 8%
    # (10.2112 → 10.21) = 117.43, × 0.14 = USD 16.4402 → 16.44.
    assert parcels[penang.pk].goods_minor == 14040
    assert parcels[ohio.pk].goods_minor == 12764
    assert -account_balance(key=seller_payable_account(penang.pk, "MYR")) == Money("80.03", "MYR")
    assert -account_balance(key=seller_payable_account(ohio.pk, "USD")) == Money("16.44", "USD")

    total_shipping = sum(p.shipping_minor for p in parcels.values())
    assert -account_balance(key=duties_taxes_payable_account("CN-VAT", "CNY")) == vat_collected
    assert -account_balance(key=shipping_payable_account("CNY")) == Money.from_minor_units(
        total_shipping, "CNY"
    )
    # Commission: 7.02 (5% of 140.40) + 10.21 (8% of 127.64).
    assert -account_balance(key=commission_revenue_account("CNY")) == Money("17.23", "CNY")
    released = list(
        JournalEntry.objects.filter(kind=EntryKind.ESCROW_RELEASE)
        .order_by("reference")
        .values_list("reference", flat=True)
    )
    assert released == [f"ORD-{order_id}/1", f"ORD-{order_id}/2"]
    assert ledger_check().ok
    assert ledger_check_exit_status() == 0
    assert AuditEvent.objects.filter(tag="order:status:completed").count() == 1

    # Confirming again changes nothing: the same completed order, no second release.
    entries = list(JournalEntry.objects.order_by("pk").values_list("pk", flat=True))
    again = browser.post(f"{API}/orders/{order_id}/confirm-receipt")
    assert again.status_code == 200
    assert again.json() == body
    assert list(JournalEntry.objects.order_by("pk").values_list("pk", flat=True)) == entries
    assert AuditEvent.objects.filter(tag="order:status:completed").count() == 1
    assert ledger_check_exit_status() == 0


def test_a_declined_card_leaves_the_order_unpaid_and_the_ledger_empty_and_a_retry_can_pay(
    shop, django_capture_on_commit_callbacks
):
    browser = Browser()
    order = checkout(shop, browser)
    first = browser.post(f"{API}/orders/{order['id']}/payment").json()

    with django_capture_on_commit_callbacks(execute=True):  # delivered on commit, as in a server
        declined = browser.pay(first["redirect_url"], DECLINED_CARD)
    assert declined.status_code == 303
    with django_capture_on_commit_callbacks(execute=True):
        call_command("payments", "deliver-callbacks", stdout=io.StringIO())

    assert Payment.objects.get().status == "declined"
    assert Order.objects.get(pk=order["id"]).status == "pending_payment"
    assert not JournalEntry.objects.exists()
    assert ledger_check_exit_status() == 0

    # The buyer tries again: a new attempt (a declined payment is final), which can succeed.
    retry = browser.post(f"{API}/orders/{order['id']}/payment")
    assert retry.status_code == 201
    second = retry.json()
    assert second["payment_id"] != first["payment_id"]
    assert Payment.objects.get(public_id=second["payment_id"]).idempotency_key == (
        f"order-{order['id']}-2"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert browser.pay(second["redirect_url"], GOOD_CARD).status_code == 303

    assert Order.objects.get(pk=order["id"]).status == "paid"
    assert JournalEntry.objects.filter(kind=EntryKind.ESCROW_SPLIT).count() == 1
    assert ledger_check().ok


def test_only_the_buyer_can_start_paying_an_order_and_not_a_cancelled_one(shop):
    browser = Browser()
    order = checkout(shop, browser)

    stranger = Browser()
    stranger.sign_in(UserFactory().email)
    assert stranger.post(f"{API}/orders/{order['id']}/payment").status_code == 404
    assert Client().post(f"{API}/orders/{order['id']}/payment").status_code == 401
    no_csrf = Client(enforce_csrf_checks=True)
    no_csrf.cookies = browser.client.cookies
    assert no_csrf.post(f"{API}/orders/{order['id']}/payment").status_code == 403
    assert not Payment.objects.exists()

    order_cancel_unpaid(order=Order.objects.get(pk=order["id"]), reason="test")
    refused = browser.post(f"{API}/orders/{order['id']}/payment")
    assert refused.status_code == 409
    assert refused.json()["code"] == "order_not_payable"
    assert not Payment.objects.exists()


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real concurrency needs PostgreSQL; SQLite cannot flush ledger rows (docs/ledger.md)",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_callbacks_and_listener_retries_pay_once_and_split_once(shop):
    """10 deliveries of one signed capture callback at once (each notifies the orders listener
    after its own commit), then 10 listener retries at once: one capture, one split, paid once."""
    for v, quantity in ((shop["batik"], 1), (shop["coffee"], 1)):
        cart_line_add(buyer=shop["buyer"], market_country="CN", variant_id=v.pk, quantity=quantity)
    quote = quote_create(
        buyer=shop["buyer"],
        market_country="CN",
        country="CN",
        region="CN-SH",
        postal_code="200030",
        recipient_name="张三",
        address_line1="徐汇区漕溪北路88号",
        city="上海市",
        phone="+86 21 5555 0100",
        buyer_name="张三",
        resident_id=GOOD_RESIDENT_ID,
    )
    order = order_place(buyer=shop["buyer"], quote_id=quote.public_id)
    payment = order_payment_start(order=order, buyer=shop["buyer"]).payment
    headers, body = sandbox_callback(payment)

    delivered = race(
        lambda i: payment_handle_callback(provider="sandbox", headers=headers, body=body), 10
    )
    retried = race(
        lambda i: order_payment_captured(
            order_ref=order.reference, payment_id=str(payment.public_id), amount=payment.amount
        ),
        10,
    )

    assert [r for r in delivered + retried if isinstance(r, Exception)] == []
    order.refresh_from_db()
    assert order.status == "paid"
    assert list(JournalEntry.objects.values_list("kind", flat=True).order_by("pk")) == [
        EntryKind.PAYMENT_CAPTURED,
        EntryKind.ESCROW_SPLIT,
    ]
    assert AuditEvent.objects.filter(tag="order:status:paid").count() == 1
    for parcel in order.parcels.all():
        assert held(parcel.escrow_reference) == Money.from_minor_units(parcel.payable_minor, "CNY")
    assert ledger_check().ok
