"""Payments over HTTP: the sandbox's hosted page (CSRF, test cards, messages), the signed callback
endpoint (200 / 400, every call recorded) and reading a payment (payer or platform admin only).

The payments router and page are mounted by ``ehub.payments.tests.urls`` until ``ehub.urls``
mounts them."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from ehub.accounts.tests.factories import UserFactory
from ehub.core.money import Money
from ehub.ledger.domain import EntryKind, escrow_account
from ehub.ledger.models import JournalEntry
from ehub.ledger.selectors import account_balance
from ehub.payments.domain import PaymentStatus
from ehub.payments.hooks import only_capture_listeners
from ehub.payments.models import PaymentCallback, SandboxCallback, SandboxCharge
from ehub.payments.tests.factories import sandbox_callback, sandbox_payment

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("ehub.payments.tests.urls"),
]

ERROR_KEYS = {"code", "message", "detail"}


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, Money]] = []

    def __call__(self, *, order_ref: str, payment_id: str, amount: Money) -> None:
        self.calls.append((order_ref, payment_id, amount))


@pytest.fixture
def listener():
    recorder = Recorder()
    with only_capture_listeners(recorder):
        yield recorder


@pytest.fixture
def payment():
    return sandbox_payment("ORD-1", Money("319.46", "EUR"))


def page(payment) -> str:
    return f"/pay/sandbox/{payment.public_id}/"


def pay(client: Client, payment, card: str):
    """GET the page for its CSRF token, then POST the card like a browser."""
    html = client.get(page(payment)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return client.post(page(payment), {"card_number": card, "csrfmiddlewaretoken": token})


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == code
    return body


def post_callback(client: Client, headers: dict[str, str], body: bytes, provider="sandbox"):
    extra = {
        f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items() if k != "Content-Type"
    }
    return client.post(
        f"/api/v1/payments/{provider}/callback",
        data=body,
        content_type="application/json",
        **extra,
    )


# -- the hosted page ----------------------------------------------------------------------------
def test_the_hosted_page_shows_amount_currency_and_a_csrf_form_without_scripts(payment):
    response = Client().get(page(payment))

    html = response.content.decode()
    assert response.status_code == 200
    assert "€319.46" in html
    assert "Currency: EUR" in html
    assert "ORD-1" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="card_number"' in html
    assert "<script" not in html.lower()
    assert "sandbox" in html


def test_paying_with_the_success_card_captures_and_funds_escrow_once(
    payment, listener, django_capture_on_commit_callbacks
):
    client = Client(enforce_csrf_checks=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = pay(client, payment, "4242 4242 4242 4242")

    payment.refresh_from_db()
    assert (response.status_code, response["Location"]) == (303, page(payment))
    assert "Payment captured" in client.get(page(payment)).content.decode()
    assert payment.status == PaymentStatus.CAPTURED
    [entry] = JournalEntry.objects.filter(kind=EntryKind.PAYMENT_CAPTURED)
    assert entry.reference == "ORD-1"
    assert account_balance(key=escrow_account("ORD-1", "EUR")) == Money("-319.46", "EUR")
    assert listener.calls == [("ORD-1", str(payment.public_id), Money("319.46", "EUR"))]
    assert SandboxCallback.objects.get().status == "delivered"
    assert list(PaymentCallback.objects.values_list("verdict", flat=True)) == ["accepted"]


def test_paying_with_the_decline_card_declines_without_a_ledger_entry(
    payment, listener, django_capture_on_commit_callbacks
):
    client = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = pay(client, payment, "4000 0000 0000 0002")

    payment.refresh_from_db()
    assert response.status_code == 303
    assert "Payment declined" in client.get(page(payment)).content.decode()
    assert payment.status == PaymentStatus.DECLINED
    assert JournalEntry.objects.count() == 0
    assert listener.calls == []


def test_the_timeout_card_leaves_the_payment_pending(payment, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = pay(client, payment, "4000000000009995")

    payment.refresh_from_db()
    assert response.status_code == 303
    assert "timed out" in client.get(page(payment)).content.decode()
    assert payment.status == PaymentStatus.PENDING
    assert SandboxCallback.objects.count() == 0


@pytest.mark.parametrize(
    ("card", "message"),
    [
        ("4242 4242 4242 4241", "check digit wrong"),
        ("5555 5555 5555 4444", "only accepts its test cards"),
        ("not a card", "12 to 19 digits"),
        ("", "enter a card number"),
    ],
)
def test_a_bad_card_is_refused_on_the_page_with_a_message(payment, card, message):
    response = pay(Client(enforce_csrf_checks=True), payment, card)

    payment.refresh_from_db()
    assert response.status_code in (400, 422)
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert payment.status == PaymentStatus.PENDING
    assert SandboxCharge.objects.count() == 0


def test_the_hosted_page_enforces_csrf(payment):
    response = Client(enforce_csrf_checks=True).post(
        page(payment), {"card_number": "4242424242424242"}
    )

    payment.refresh_from_db()
    assert response.status_code == 403
    assert payment.status == PaymentStatus.PENDING
    assert SandboxCharge.objects.count() == 0
    assert SandboxCallback.objects.count() == 0


def test_an_unknown_payment_page_is_a_404():
    assert Client().get("/pay/sandbox/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_hosted_page_is_gone_when_the_sandbox_is_disabled(payment, settings):
    settings.EHUB_PAYMENTS_SANDBOX_ENABLED = False

    assert Client().get(page(payment)).status_code == 404


# -- the callback endpoint ----------------------------------------------------------------------
def test_a_signed_callback_is_accepted_then_a_duplicate_is_a_200_too(
    payment, listener, django_capture_on_commit_callbacks
):
    headers, body = sandbox_callback(payment)
    client = Client(enforce_csrf_checks=True)  # the endpoint is CSRF-exempt: signature only

    with django_capture_on_commit_callbacks(execute=True):
        first = post_callback(client, headers, body)
    with django_capture_on_commit_callbacks(execute=True):
        second = post_callback(client, headers, body)

    assert (first.status_code, first.json()) == (200, {"received": True})
    assert (second.status_code, second.json()) == (200, {"received": True})
    assert JournalEntry.objects.filter(kind=EntryKind.PAYMENT_CAPTURED).count() == 1
    assert len(listener.calls) == 1
    assert list(PaymentCallback.objects.order_by("id").values_list("verdict", flat=True)) == [
        "accepted",
        "duplicate",
    ]


def test_a_bad_signature_is_a_400_recorded_and_nothing_changes(payment, listener):
    headers, body = sandbox_callback(payment)
    headers["Ehub-Signature"] = headers["Ehub-Signature"][:-4] + "0000"

    response = post_callback(Client(), headers, body)

    payment.refresh_from_db()
    assert_error_shape(response, 400, "payments_bad_signature")
    assert payment.status == PaymentStatus.PENDING
    assert JournalEntry.objects.count() == 0
    assert listener.calls == []
    [record] = PaymentCallback.objects.all()
    assert record.verdict == "bad_signature"
    assert record.headers["Ehub-Signature"] == headers["Ehub-Signature"]


def test_a_missing_signature_header_is_a_400(payment):
    _, body = sandbox_callback(payment)

    response = post_callback(Client(), {}, body)

    assert_error_shape(response, 400, "payments_bad_signature")
    assert list(PaymentCallback.objects.values_list("verdict", flat=True)) == ["bad_signature"]


def test_a_replayed_timestamp_is_a_400_recorded_and_nothing_changes(payment, listener):
    import time

    headers, body = sandbox_callback(payment, timestamp=int(time.time()) - 3600)

    response = post_callback(Client(), headers, body)

    payment.refresh_from_db()
    body_json = assert_error_shape(response, 400, "payments_replayed")
    assert body_json["detail"] == {"verdict": "replayed"}
    assert payment.status == PaymentStatus.PENDING
    assert JournalEntry.objects.count() == 0
    assert listener.calls == []
    assert list(PaymentCallback.objects.values_list("verdict", flat=True)) == ["replayed"]


def test_a_callback_for_an_unknown_provider_is_a_404_and_recorded():
    response = post_callback(Client(), {"Ehub-Signature": "t=1,v1=00"}, b"{}", provider="acme")

    assert_error_shape(response, 404, "payments_unknown_provider")
    assert list(PaymentCallback.objects.values_list("verdict", "provider")) == [
        ("rejected", "acme")
    ]


# -- reading a payment --------------------------------------------------------------------------
def test_the_payer_reads_their_payment():
    buyer = UserFactory()
    payment = sandbox_payment("ORD-9", Money("10.00", "EUR"), created_by=buyer)
    client = Client()
    client.force_login(buyer)

    response = client.get(f"/api/v1/payments/{payment.public_id}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(payment.public_id)
    assert body["order_ref"] == "ORD-9"
    assert body["status"] == "pending"
    assert body["amount"] == {"amount": "10.00", "currency": "EUR"}
    assert body["refunded"] == {"amount": "0.00", "currency": "EUR"}
    assert body["redirect_url"] == page(payment)
    assert body["refunds"] == []


def test_a_platform_admin_reads_any_payment():
    payment = sandbox_payment(created_by=UserFactory())
    client = Client()
    client.force_login(UserFactory(role="platform_admin"))

    assert client.get(f"/api/v1/payments/{payment.public_id}").status_code == 200


def test_another_user_cannot_read_a_payment():
    payment = sandbox_payment(created_by=UserFactory())
    client = Client()
    client.force_login(UserFactory())

    response = client.get(f"/api/v1/payments/{payment.public_id}")

    assert_error_shape(response, 404, "payments_unknown_payment")


def test_reading_a_payment_needs_a_session():
    payment = sandbox_payment(created_by=UserFactory())

    response = Client().get(f"/api/v1/payments/{payment.public_id}")

    assert_error_shape(response, 401, "not_authenticated")
