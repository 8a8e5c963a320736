"""The cart: one per buyer and market, lines per variant, prices in the market currency."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from ehub.accounts.tests.factories import UserFactory
from ehub.catalog.models import ProductStatus
from ehub.checkout.models import Cart, CartLine
from ehub.orders.tests.helpers import TEST_URLS, signed_in, variant, world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_urls")]


@pytest.fixture
def test_urls():
    with override_settings(ROOT_URLCONF=TEST_URLS):
        yield


def add(client, variant_id, quantity=1, market="SG"):
    return client.post(
        "/api/v1/checkout/cart/lines",
        data=json.dumps({"market": market, "variant_id": variant_id, "quantity": quantity}),
        content_type="application/json",
    )


def test_adding_shows_the_cart_priced_in_the_market_currency():
    w = world()
    client = signed_in(w.buyer)

    response = add(client, w.variant.pk, 2)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["market"], body["currency"]) == ("SG", "SGD")
    [line] = body["lines"]
    assert line["variant_id"] == w.variant.pk
    assert line["quantity"] == 2
    assert line["seller_unit_price"] == {"amount": "25.00", "currency": "MYR"}
    assert line["unit_price"] == {"amount": "7.50", "currency": "SGD"}
    assert line["line_total"] == {"amount": "15.00", "currency": "SGD"}
    assert body["total"] == {"amount": "15.00", "currency": "SGD"}


def test_adding_a_variant_again_increases_its_line():
    w = world()
    client = signed_in(w.buyer)

    add(client, w.variant.pk, 1)
    body = add(client, w.variant.pk, 2).json()

    assert [(line["variant_id"], line["quantity"]) for line in body["lines"]] == [(w.variant.pk, 3)]
    assert CartLine.objects.count() == 1


def test_one_cart_per_buyer_and_market():
    w = world()
    client = signed_in(w.buyer)

    add(client, w.variant.pk, 1, market="SG")
    add(client, w.variant.pk, 1, market="CN")

    assert Cart.objects.filter(buyer=w.buyer).count() == 2
    assert client.get("/api/v1/checkout/cart?market=CN").json()["currency"] == "CNY"
    assert signed_in(UserFactory()).get("/api/v1/checkout/cart?market=SG").json()["lines"] == []


def test_removing_a_line_and_emptying_the_cart():
    w = world()
    other = variant()
    client = signed_in(w.buyer)
    add(client, w.variant.pk)
    add(client, other.pk)

    after_remove = client.delete(f"/api/v1/checkout/cart/lines/{w.variant.pk}?market=SG").json()
    after_clear = client.delete("/api/v1/checkout/cart?market=SG").json()

    assert [line["variant_id"] for line in after_remove["lines"]] == [other.pk]
    assert after_clear["lines"] == []
    assert CartLine.objects.count() == 0


@pytest.mark.parametrize("quantity", [0, -1, 1000])
def test_a_bad_quantity_is_a_422_and_adds_nothing(quantity):
    w = world()

    response = add(signed_in(w.buyer), w.variant.pk, quantity)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_quantity"
    assert CartLine.objects.count() == 0


def test_a_variant_not_for_sale_cannot_be_added():
    w = world()
    w.variant.product.status = ProductStatus.ARCHIVED
    w.variant.product.save()

    response = add(signed_in(w.buyer), w.variant.pk)

    assert response.status_code == 404
    assert CartLine.objects.count() == 0


def test_an_unknown_market_is_a_404():
    w = world()

    response = signed_in(w.buyer).get("/api/v1/checkout/cart?market=ZZ")

    assert response.status_code == 404


def test_the_cart_needs_a_signed_in_buyer():
    w = world()

    assert add(Client(), w.variant.pk).status_code == 401
    assert CartLine.objects.count() == 0
