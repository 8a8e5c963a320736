"""The ledger router (``ehub.ledger.api.router``): seller statement and order money trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from ninja.testing import TestClient

from ehub.accounts.tests.factories import UserFactory
from ehub.core.money import Money
from ehub.ledger.api import router
from ehub.ledger.domain import ReleaseBreakdown
from ehub.ledger.services import escrow_fund, escrow_release, payouts_run
from ehub.sellers.services import seller_api_key_create
from ehub.sellers.tests.factories import SellerFactory

pytestmark = pytest.mark.django_db

client = TestClient(router)


def released_order(seller, order_ref="ORD-1"):
    escrow_fund(
        order_ref=order_ref,
        amount=Money("100.00", "EUR"),
        provider="sandbox",
        idempotency_key=order_ref,
    )
    return escrow_release(
        order_ref=order_ref,
        breakdown=ReleaseBreakdown(
            goods=Money("80.00", "EUR"),
            shipping=Money("5.00", "EUR"),
            duties_and_taxes={"FI-VAT": Money("15.00", "EUR")},
        ),
        seller=seller,
        rate=Decimal("4.8"),
    )


def test_a_seller_key_reads_its_own_statement_in_its_payout_currency():
    seller = SellerFactory(payout_currency="MYR")
    other = SellerFactory(payout_currency="MYR")
    released_order(seller, "ORD-1")
    released_order(other, "ORD-2")
    payouts_run(on_date=dt.date(2026, 11, 30))
    _, raw_key = seller_api_key_create(seller=seller, name="books", actor=None)

    response = client.get("/seller/statement", headers={"Authorization": f"Bearer {raw_key}"})

    assert response.status_code == 200
    body = response.json()
    assert (body["seller_id"], body["currency"]) == (seller.pk, "MYR")
    # 80.00 − 5% = 76.00 EUR × 4.8 = 364.80 MYR, then paid out
    assert [(line["kind"], line["amount"]["amount"]) for line in body["lines"]] == [
        ("escrow_release", "364.80"),
        ("payout", "-364.80"),
    ]
    assert body["balance"] == {"amount": "0.00", "currency": "MYR"}


def test_the_statement_for_another_currency_is_empty():
    seller = SellerFactory(payout_currency="MYR")
    released_order(seller)
    _, raw_key = seller_api_key_create(seller=seller, name="books", actor=None)

    response = client.get(
        "/seller/statement?currency=jpy", headers={"Authorization": f"Bearer {raw_key}"}
    )

    assert response.json()["lines"] == []
    assert response.json()["balance"] == {"amount": "0", "currency": "JPY"}


def test_a_platform_admin_reads_an_orders_money_trail():
    seller = SellerFactory(payout_currency="EUR")
    released_order(seller)
    admin = UserFactory(role="platform_admin")

    response = client.get("/admin/ledger/orders/ORD-1/trail", user=admin)

    assert response.status_code == 200
    entries = response.json()["entries"]
    assert [e["kind"] for e in entries] == ["payment_captured", "escrow_release"]
    release = {p["account"]: p["amount"]["amount"] for p in entries[1]["postings"]}
    assert release == {
        "order:ORD-1:escrow:EUR": "100.00",
        "authority:FI-VAT:duties_taxes_payable:EUR": "-15.00",
        "platform:ehub:shipping_payable:EUR": "-5.00",
        "platform:ehub:commission_revenue:EUR": "-4.00",
        f"seller:{seller.pk}:seller_payable:EUR": "-76.00",
    }


def test_the_order_money_trail_is_for_platform_admins_only(db):
    from django.test import Client

    from ehub.accounts.tests.factories import UserFactory
    from ehub.ledger.tests.factories import funded_escrow

    funded_escrow("ORD-T1")
    buyer = Client()
    buyer.force_login(UserFactory())
    admin = Client()
    admin.force_login(UserFactory(role="platform_admin"))

    denied = buyer.get("/api/v1/admin/ledger/orders/ORD-T1/trail")
    allowed = admin.get("/api/v1/admin/ledger/orders/ORD-T1/trail")
    anonymous = Client().get("/api/v1/admin/ledger/orders/ORD-T1/trail")

    assert denied.status_code == 403
    assert denied.json()["code"] == "permission_denied"
    assert anonymous.status_code == 401
    assert allowed.status_code == 200
