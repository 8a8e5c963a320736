"""Payments' pure core (no ORM): the status pipeline, callback signatures, the sandbox's test cards.

Everything here is a function of its arguments (the clock and the secret are passed in), so it is
tested without a database.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from ehub.core.errors import DomainError
from ehub.payments.errors import PaymentErrorCode


# -- status pipeline --------------------------------------------------------------------------
class PaymentStatus(StrEnum):
    PENDING = "pending"
    AUTHORIZED = "authorized"
    CAPTURED = "captured"
    DECLINED = "declined"
    FAILED = "failed"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


S = PaymentStatus

# Every allowed move. ``failed → captured``: a capture that arrives after we gave up on a payment
# (expired) is still money received; it is recorded, funds escrow, and the order decides (refund).
ALLOWED_TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    S.PENDING: frozenset({S.AUTHORIZED, S.CAPTURED, S.DECLINED, S.FAILED}),
    S.AUTHORIZED: frozenset({S.CAPTURED, S.FAILED}),
    S.CAPTURED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.FAILED: frozenset({S.CAPTURED}),
    S.DECLINED: frozenset(),
    S.REFUNDED: frozenset(),
}

# Statuses whose money sits with us (a refund may be taken from it).
REFUNDABLE = frozenset({S.CAPTURED, S.PARTIALLY_REFUNDED})


def payment_transition(current: str, target: str) -> PaymentStatus:
    """``target`` if the pipeline allows ``current → target``; else a 409 domain error."""
    current_status, target_status = PaymentStatus(current), PaymentStatus(target)
    if target_status not in ALLOWED_TRANSITIONS[current_status]:
        raise DomainError(
            PaymentErrorCode.ILLEGAL_TRANSITION,
            f"a payment cannot go from {current_status} to {target_status}",
            {"from": str(current_status), "to": str(target_status)},
            status=409,
        )
    return target_status


def status_after_refund(*, amount_minor: int, refunded_minor: int) -> PaymentStatus:
    """Where a captured payment stands once ``refunded_minor`` of it has gone back."""
    return S.REFUNDED if refunded_minor >= amount_minor else S.PARTIALLY_REFUNDED


# -- callbacks ----------------------------------------------------------------------------------
class CallbackVerdict(StrEnum):
    ACCEPTED = "accepted"  # verified and applied
    DUPLICATE = "duplicate"  # verified; the payment already had that outcome, nothing changed
    BAD_SIGNATURE = "bad_signature"  # signature missing, malformed or wrong
    REPLAYED = "replayed"  # signature right, timestamp outside the tolerance
    MALFORMED = "malformed"  # signed, but the body is not an event we understand
    REJECTED = "rejected"  # signed, but contradicts what we know (unknown payment, amount, move)


class CallbackEventType(StrEnum):
    AUTHORIZED = "payment.authorized"
    CAPTURED = "payment.captured"
    DECLINED = "payment.declined"
    FAILED = "payment.failed"


EVENT_TARGET_STATUS: dict[CallbackEventType, PaymentStatus] = {
    CallbackEventType.AUTHORIZED: S.AUTHORIZED,
    CallbackEventType.CAPTURED: S.CAPTURED,
    CallbackEventType.DECLINED: S.DECLINED,
    CallbackEventType.FAILED: S.FAILED,
}

SIGNATURE_HEADER = "Ehub-Signature"
SIGNATURE_SCHEME = "v1"


class CallbackRefused(DomainError):
    """A callback we will not act on; ``verdict`` is what is recorded for it. A 400 by default:
    the sender must not get a 2xx for something we did not accept."""

    def __init__(
        self, code: str, message: str, verdict: CallbackVerdict, *, status: int = 400
    ) -> None:
        super().__init__(code, message, {"verdict": str(verdict)}, status=status)
        self.verdict = verdict


def signature_compute(*, secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 over ``"<timestamp>." + body``, hex."""
    signed = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    """The ``Ehub-Signature`` header value: ``t=<unix seconds>,v1=<hex>``."""
    signature = signature_compute(secret=secret, timestamp=timestamp, body=body)
    return f"t={timestamp},{SIGNATURE_SCHEME}={signature}"


def header_get(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup (HTTP header names are case-insensitive)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def signature_verify(
    *, header: str | None, body: bytes, secret: str, now: int, tolerance_seconds: int
) -> int:
    """Check an ``Ehub-Signature`` header; return its timestamp, or raise ``CallbackRefused``.

    Refused: no header; a header without exactly one ``t`` and at least one ``v1``; a signature
    that does not match (any ``v1`` may match, so a secret can be rotated); a timestamp more
    than ``tolerance_seconds`` from ``now`` in either direction (a replay, or a forged clock).
    The signature is checked before the timestamp: an unsigned old timestamp is a bad signature.
    """
    if not header or not header.strip():
        raise CallbackRefused(
            PaymentErrorCode.BAD_SIGNATURE,
            f"the {SIGNATURE_HEADER} header is missing",
            CallbackVerdict.BAD_SIGNATURE,
        )
    timestamps: list[str] = []
    signatures: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            timestamps.append(value.strip())
        elif key == SIGNATURE_SCHEME:
            signatures.append(value.strip().lower())
    if len(timestamps) != 1 or not timestamps[0].isascii() or not timestamps[0].isdigit():
        raise CallbackRefused(
            PaymentErrorCode.BAD_SIGNATURE,
            f"the {SIGNATURE_HEADER} header needs one t=<unix seconds>",
            CallbackVerdict.BAD_SIGNATURE,
        )
    if not signatures:
        raise CallbackRefused(
            PaymentErrorCode.BAD_SIGNATURE,
            f"the {SIGNATURE_HEADER} header has no {SIGNATURE_SCHEME}= signature",
            CallbackVerdict.BAD_SIGNATURE,
        )
    timestamp = int(timestamps[0])
    expected = signature_compute(secret=secret, timestamp=timestamp, body=body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise CallbackRefused(
            PaymentErrorCode.BAD_SIGNATURE,
            "the callback signature does not match its body",
            CallbackVerdict.BAD_SIGNATURE,
        )
    if abs(now - timestamp) > tolerance_seconds:
        age = now - timestamp
        when = f"{age} s ago" if age > 0 else f"{-age} s in the future"
        raise CallbackRefused(
            PaymentErrorCode.REPLAYED,
            f"the callback was signed {when}; more than {tolerance_seconds} s either way is "
            "refused as a replay",
            CallbackVerdict.REPLAYED,
        )
    return timestamp


# -- the sandbox's test cards -------------------------------------------------------------------
class CardOutcome(StrEnum):
    SUCCEEDS = "succeeds"  # captured, a payment.captured callback follows
    DECLINED = "declined"  # declined, a payment.declined callback follows
    TIMES_OUT = "times_out"  # nothing follows; the payment stays pending until expired


TEST_CARDS: dict[str, CardOutcome] = {
    "4242424242424242": CardOutcome.SUCCEEDS,
    "4000000000000002": CardOutcome.DECLINED,
    "4000000000009995": CardOutcome.TIMES_OUT,
}


@dataclass(frozen=True)
class CardError(Exception):
    code: str
    message: str


def card_number_normalize(raw: str) -> str:
    """Digits only: spaces and dashes between groups are allowed, anything else is refused."""
    cleaned = "".join(raw.split()).replace("-", "")
    if not cleaned.isascii() or not cleaned.isdigit() or not 12 <= len(cleaned) <= 19:
        raise CardError(PaymentErrorCode.INVALID_CARD, "enter a card number of 12 to 19 digits")
    return cleaned


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check every card number carries."""
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def card_outcome(raw_number: str) -> CardOutcome:
    """What the sandbox does with this card number; ``CardError`` with a message for the payer."""
    digits = card_number_normalize(raw_number)
    if not luhn_valid(digits):
        raise CardError(
            PaymentErrorCode.INVALID_CARD,
            "this card number is not valid (check digit wrong); check it for typos",
        )
    outcome = TEST_CARDS.get(digits)
    if outcome is None:
        raise CardError(
            PaymentErrorCode.UNKNOWN_TEST_CARD,
            "the sandbox only accepts its test cards: 4242 4242 4242 4242 (succeeds), "
            "4000 0000 0000 0002 (declined), 4000 0000 0000 9995 (times out)",
        )
    return outcome
