"""The buyer's pages with Django's test client: sign up and in, cart, checkout with the address
fields the destination needs (CN: the resident ID, masked after entry), place and pay through the
sandbox's hosted page, the order page, confirming receipt, cancelling."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from ehub.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from ehub.checkout.models import Quote
from ehub.orders.models import Order
from ehub.orders.services import order_transition
from ehub.orders.tests.helpers import GOOD_RESIDENT_ID, SHANGHAI_ADDRESS, world
from ehub.payments.sandbox import sandbox_callbacks_deliver_pending
from ehub.payments.services import payments_notify_captures_pending

pytestmark = pytest.mark.django_db

CN_ADDRESS = SHANGHAI_ADDRESS


def csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.fixture
def buyer_client():
    w = world()
    client = Client()
    client.force_login(w.buyer)
    return w, client


def test_sign_up_then_sign_in_and_out():
    client = Client()
    page = client.post(
        "/accounts/signup/",
        {"full_name": "Tan Mei Ling", "email": "mei@example.com", "password": "a-long-pass-2026"},
    )
    assert page.status_code == 302
    assert client.get("/orders/").status_code == 200

    client.post("/accounts/signout/")
    assert client.get("/orders/").headers["Location"].startswith("/accounts/signin/")

    bad = client.post("/accounts/signin/", {"email": "mei@example.com", "password": "wrong"})
    assert bad.status_code == 400
    assert "do not match" in bad.content.decode()
    good = client.post(
        "/accounts/signin/",
        {"email": "MEI@example.com", "password": "a-long-pass-2026", "next": "/orders/"},
    )
    assert good.headers["Location"] == "/orders/"


def test_sign_in_refuses_to_send_you_to_another_site():
    user = UserFactory()
    response = Client().post(
        "/accounts/signin/",
        {"email": user.email, "password": DEFAULT_PASSWORD, "next": "https://evil.example/"},
    )
    assert response.headers["Location"] == "/"


def test_a_duplicate_email_is_a_form_error_not_a_500():
    user = UserFactory()
    page = Client().post(
        "/accounts/signup/",
        {"full_name": "X", "email": user.email, "password": "a-long-pass-2026"},
    )
    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()


def test_the_cn_checkout_asks_for_the_resident_id_and_only_shows_it_masked(buyer_client):
    w, client = buyer_client
    client.post("/cn/cart/add/", {"variant_id": w.variant.pk, "quantity": 2})
    form = client.get("/cn/checkout/").content.decode()
    assert 'name="resident_id"' in form
    assert 'name="region"' in form

    missing = client.post("/cn/checkout/", {**CN_ADDRESS, "resident_id": ""})
    assert missing.status_code == 400

    response = client.post("/cn/checkout/", CN_ADDRESS)
    assert response.status_code == 302
    review = client.get(response.headers["Location"]).content.decode()
    quote = Quote.objects.get()
    assert quote.resident_id_masked in review
    assert GOOD_RESIDENT_ID not in review
    assert GOOD_RESIDENT_ID not in client.get("/cn/checkout/").content.decode()


def test_other_destinations_do_not_ask_for_an_id(buyer_client):
    w, client = buyer_client
    client.post("/sg/cart/add/", {"variant_id": w.variant.pk, "quantity": 1})
    form = client.get("/sg/checkout/").content.decode()
    assert 'name="resident_id"' not in form
    assert 'name="region"' not in form


def test_place_pay_and_confirm_receipt_through_the_pages(buyer_client):
    w, client = buyer_client
    client.post("/cn/cart/add/", {"variant_id": w.variant.pk, "quantity": 1})
    review_url = client.post("/cn/checkout/", CN_ADDRESS).headers["Location"]
    review = client.get(review_url).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', review).group(1)

    to_pay = client.post(review_url + "place/", {"idempotency_key": key})
    again = client.post(review_url + "place/", {"idempotency_key": key})  # a double submit

    assert Order.objects.count() == 1
    assert to_pay.headers["Location"].startswith("/pay/sandbox/")
    assert again.headers["Location"] == to_pay.headers["Location"]
    page = client.get(to_pay.headers["Location"]).content.decode()
    client.post(
        to_pay.headers["Location"],
        {"card_number": "4242 4242 4242 4242", "csrfmiddlewaretoken": csrf(page)},
    )
    sandbox_callbacks_deliver_pending()
    payments_notify_captures_pending()
    order = Order.objects.get()
    paid_page = client.get(to_pay.headers["Location"]).content.decode()
    assert f'href="/orders/{order.pk}/"' in paid_page  # back to the shop

    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-status="paid"' in html
    assert "I have received it" not in html

    order_transition(order=order, to="in_fulfilment")
    order_transition(order=order, to="delivered")
    assert "I have received it" in client.get(f"/orders/{order.pk}/").content.decode()
    client.post(f"/orders/{order.pk}/receipt/")
    assert Order.objects.get().status == "completed"


def test_a_refused_action_is_shown_on_the_page_with_its_status(buyer_client):
    w, client = buyer_client
    client.post("/sg/cart/add/", {"variant_id": w.variant.pk, "quantity": 1})
    client.post(
        "/sg/checkout/",
        {
            "recipient_name": "Tan",
            "address_line1": "1 Raffles Place",
            "city": "Singapore",
            "postal_code": "048616",
            "phone": "+65 6555 0100",
        },
    )
    review_url = f"/sg/checkout/{Quote.objects.get().public_id}/"
    client.post(review_url + "place/", {"idempotency_key": "k1"})
    order = Order.objects.get()

    response = client.post(f"/orders/{order.pk}/receipt/")

    assert response.status_code == 409
    assert "not delivered" in response.content.decode()


def test_someone_elses_order_is_a_404(buyer_client):
    w, client = buyer_client
    other = Client()
    other.force_login(UserFactory())
    client.post("/sg/cart/add/", {"variant_id": w.variant.pk, "quantity": 1})
    client.post(
        "/sg/checkout/",
        {
            "recipient_name": "Tan",
            "address_line1": "1 Raffles",
            "city": "SG",
            "postal_code": "1",
            "phone": "+65 6555 0100",
        },
    )
    client.post(f"/sg/checkout/{Quote.objects.get().public_id}/place/", {"idempotency_key": "k"})
    order = Order.objects.get()

    assert other.get(f"/orders/{order.pk}/").status_code == 404
    assert other.post(f"/orders/{order.pk}/cancel/").status_code == 404


def test_the_address_fields_follow_checkouts_rule_per_country():
    from ehub.checkout.domain import address_format
    from ehub.web.buyer_forms import AddressForm

    assert address_format("CN").identity_required
    assert not address_format("HK").postal_code_required  # Hong Kong has no postal codes
    hong_kong = AddressForm(country="HK")
    assert not hong_kong.fields["postal_code"].required
    assert "resident_id" not in hong_kong.fields
    assert AddressForm(country="CA").fields["region"].required  # provincial taxes
