"""The pure core: signatures, Luhn, test cards, the status pipeline. No database."""

from __future__ import annotations

import pytest

from ehub.core.errors import DomainError
from ehub.payments.domain import (
    ALLOWED_TRANSITIONS,
    CallbackRefused,
    CallbackVerdict,
    CardError,
    CardOutcome,
    PaymentStatus,
    card_outcome,
    luhn_valid,
    payment_transition,
    signature_compute,
    signature_header,
    signature_verify,
    status_after_refund,
)

SECRET = "whsec_test"
BODY = b'{"id":"evt_1","type":"payment.captured"}'
NOW = 1_790_000_000


def verify(header: str | None, *, body: bytes = BODY, now: int = NOW) -> int:
    return signature_verify(header=header, body=body, secret=SECRET, now=now, tolerance_seconds=300)


# -- signatures ---------------------------------------------------------------------------------
def test_a_correct_signature_is_accepted_and_returns_its_timestamp():
    header = signature_header(secret=SECRET, timestamp=NOW - 10, body=BODY)

    assert verify(header) == NOW - 10


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    # Same as: printf '%s' "1790000000.$BODY" | openssl dgst -sha256 -hmac whsec_test
    import hashlib
    import hmac

    expected = hmac.new(b"whsec_test", b"1790000000." + BODY, hashlib.sha256).hexdigest()

    assert signature_compute(secret=SECRET, timestamp=NOW, body=BODY) == expected
    assert signature_header(secret=SECRET, timestamp=NOW, body=BODY) == f"t={NOW},v1={expected}"


def test_any_of_several_v1_signatures_may_match_for_secret_rotation():
    good = signature_compute(secret=SECRET, timestamp=NOW, body=BODY)

    assert verify(f"t={NOW},v1={'0' * 64},v1={good}") == NOW


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "header is missing"),
        ("", "header is missing"),
        ("v1=abc", "needs one t="),
        (f"t=abc,v1={'0' * 64}", "needs one t="),
        (f"t={NOW},t={NOW},v1={'0' * 64}", "needs one t="),
        (f"t={NOW}", "has no v1= signature"),
        ("garbage", "needs one t="),
    ],
)
def test_a_missing_or_malformed_header_is_a_bad_signature(header, message):
    with pytest.raises(CallbackRefused) as refused:
        verify(header)

    assert refused.value.verdict is CallbackVerdict.BAD_SIGNATURE
    assert refused.value.code == "payments_bad_signature"
    assert refused.value.status == 400
    assert message in refused.value.message


def test_a_signature_with_another_secret_is_refused():
    header = signature_header(secret="someone-else", timestamp=NOW, body=BODY)

    with pytest.raises(CallbackRefused) as refused:
        verify(header)

    assert refused.value.verdict is CallbackVerdict.BAD_SIGNATURE
    assert refused.value.message == "the callback signature does not match its body"


def test_a_tampered_body_is_refused():
    header = signature_header(secret=SECRET, timestamp=NOW, body=BODY)

    with pytest.raises(CallbackRefused) as refused:
        verify(header, body=BODY.replace(b"captured", b"declined"))

    assert refused.value.verdict is CallbackVerdict.BAD_SIGNATURE


def test_a_signature_older_than_the_tolerance_is_a_replay():
    header = signature_header(secret=SECRET, timestamp=NOW - 301, body=BODY)

    with pytest.raises(CallbackRefused) as refused:
        verify(header)

    assert refused.value.verdict is CallbackVerdict.REPLAYED
    assert refused.value.code == "payments_replayed"
    assert refused.value.status == 400
    assert refused.value.message.startswith("the callback was signed 301 s ago;")


def test_a_timestamp_too_far_in_the_future_is_refused_too():
    header = signature_header(secret=SECRET, timestamp=NOW + 301, body=BODY)

    with pytest.raises(CallbackRefused) as refused:
        verify(header)

    assert refused.value.verdict is CallbackVerdict.REPLAYED
    assert refused.value.message.startswith("the callback was signed 301 s in the future;")


def test_the_tolerance_edge_is_accepted():
    assert verify(signature_header(secret=SECRET, timestamp=NOW - 300, body=BODY)) == NOW - 300
    assert verify(signature_header(secret=SECRET, timestamp=NOW + 300, body=BODY)) == NOW + 300


def test_an_old_timestamp_with_a_wrong_signature_is_a_bad_signature_not_a_replay():
    with pytest.raises(CallbackRefused) as refused:
        verify(f"t={NOW - 10_000},v1={'0' * 64}")

    assert refused.value.verdict is CallbackVerdict.BAD_SIGNATURE


# -- cards --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("4242424242424242", True),
        ("4000000000000002", True),
        ("4000000000009995", True),
        ("79927398713", True),
        ("4242424242424241", False),
        ("1234567812345678", False),
        ("", False),
        ("42a2", False),
    ],
)
def test_luhn(number, valid):
    assert luhn_valid(number) is valid


@pytest.mark.parametrize(
    ("number", "outcome"),
    [
        ("4242 4242 4242 4242", CardOutcome.SUCCEEDS),
        ("4242424242424242", CardOutcome.SUCCEEDS),
        ("4000-0000-0000-0002", CardOutcome.DECLINED),
        (" 4000 0000 0000 9995 ", CardOutcome.TIMES_OUT),
    ],
)
def test_test_cards_decide_the_outcome(number, outcome):
    assert card_outcome(number) is outcome


@pytest.mark.parametrize(
    ("number", "code", "message"),
    [
        ("4242 4242 4242 4241", "payments_invalid_card", "check digit wrong"),
        ("abcd efgh", "payments_invalid_card", "12 to 19 digits"),
        ("4242", "payments_invalid_card", "12 to 19 digits"),
        ("5555 5555 5555 4444", "payments_unknown_test_card", "only accepts its test cards"),
    ],
)
def test_an_invalid_or_unknown_card_is_refused_with_a_message(number, code, message):
    with pytest.raises(CardError) as refused:
        card_outcome(number)

    assert refused.value.code == code
    assert message in refused.value.message


# -- status pipeline ----------------------------------------------------------------------------
S = PaymentStatus


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.PENDING, S.CAPTURED),
        (S.PENDING, S.AUTHORIZED),
        (S.PENDING, S.DECLINED),
        (S.PENDING, S.FAILED),
        (S.AUTHORIZED, S.CAPTURED),
        (S.CAPTURED, S.PARTIALLY_REFUNDED),
        (S.CAPTURED, S.REFUNDED),
        (S.PARTIALLY_REFUNDED, S.REFUNDED),
        (S.FAILED, S.CAPTURED),
    ],
)
def test_allowed_transitions(current, target):
    assert payment_transition(current, target) is target


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.DECLINED, S.CAPTURED),
        (S.REFUNDED, S.CAPTURED),
        (S.CAPTURED, S.PENDING),
        (S.CAPTURED, S.DECLINED),
        (S.CAPTURED, S.CAPTURED),
        (S.PENDING, S.REFUNDED),
        (S.DECLINED, S.FAILED),
    ],
)
def test_illegal_transitions_raise_a_domain_error(current, target):
    with pytest.raises(DomainError) as refused:
        payment_transition(current, target)

    assert refused.value.code == "payments_illegal_transition"
    assert refused.value.status == 409
    assert refused.value.detail == {"from": str(current), "to": str(target)}


def test_every_status_is_in_the_pipeline():
    assert set(ALLOWED_TRANSITIONS) == set(PaymentStatus)


def test_status_after_refund():
    assert status_after_refund(amount_minor=1000, refunded_minor=400) is S.PARTIALLY_REFUNDED
    assert status_after_refund(amount_minor=1000, refunded_minor=1000) is S.REFUNDED
