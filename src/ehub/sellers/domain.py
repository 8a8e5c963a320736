"""Seller verification: an explicit pipeline of allowed transitions."""

from __future__ import annotations

from ehub.sellers.models import VerificationStatus

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    VerificationStatus.PENDING: frozenset(
        {VerificationStatus.VERIFIED, VerificationStatus.REJECTED}
    ),
    # A rejected seller may fix its details and ask again.
    VerificationStatus.REJECTED: frozenset({VerificationStatus.PENDING}),
    # A verified seller can be suspended back to review if its documents lapse.
    VerificationStatus.VERIFIED: frozenset({VerificationStatus.PENDING}),
}


def can_transition(current: str, target: str) -> bool:
    return target in ALLOWED_TRANSITIONS.get(current, frozenset())
