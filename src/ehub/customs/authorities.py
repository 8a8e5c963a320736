"""Customs authorities behind a Protocol, and which one a destination's declarations go to.

An authority receives a declaration (``submit``, returning its reference for the submission) and
later tells us its decision by a signed callback (``handle_decision_callback``: verify the
signature, parse the body into a ``DecisionEvent``, or raise ``CallbackRefused``). The built-in
``sandbox`` authority (``sandbox_authority.py``) is the only one so far; a real one (China's
single window, the EU's ICS2/IOSS import systems through a broker...) implements the same two
methods and is added to ``AUTHORITIES``.

Which authority a destination uses: the ``EHUB_CUSTOMS_AUTHORITIES`` setting (``{"CN":
"sandbox", "*": "sandbox"}``; optional), default the sandbox everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from django.conf import settings

from ehub.core.errors import DomainError
from ehub.customs.clearance_domain import Decision
from ehub.customs.clearance_errors import ClearanceErrorCode

if TYPE_CHECKING:
    from ehub.customs.models import DeclarationSubmission


@dataclass(frozen=True)
class DecisionEvent:
    """A verified decision callback: which submission, what was decided, and why."""

    event_id: str
    submission_reference: str
    decision: Decision
    reason: str
    signed_at: int
    documents_requested: tuple[str, ...] = field(default=())


class CustomsAuthority(Protocol):
    name: str

    def submit(self, *, submission: DeclarationSubmission) -> str:
        """Send ``submission`` (its declaration and content); return the authority's reference
        for it. Runs inside the caller's transaction: anything the authority owes us later
        (its decision) goes through an outbox delivered after commit."""
        ...

    def handle_decision_callback(self, *, headers: Mapping[str, str], body: bytes) -> DecisionEvent:
        """Verify and parse one decision callback, exactly as it arrived; raise
        ``ehub.payments.domain.CallbackRefused`` (bad signature, replay, malformed)."""
        ...


def _sandbox() -> CustomsAuthority:
    from ehub.customs.sandbox_authority import SandboxAuthority

    return SandboxAuthority()


AUTHORITIES: dict[str, Callable[[], CustomsAuthority]] = {"sandbox": _sandbox}


def get_authority(name: str) -> CustomsAuthority:
    factory = AUTHORITIES.get(name)
    if factory is None:
        raise DomainError(
            ClearanceErrorCode.UNKNOWN_AUTHORITY,
            f"no customs authority called {name!r}",
            {"authority": name, "known": sorted(AUTHORITIES)},
            status=404,
        )
    return factory()


def authority_for_destination(country: str) -> str:
    """The authority name declarations to ``country`` go to."""
    configured: Mapping[str, str] = getattr(settings, "EHUB_CUSTOMS_AUTHORITIES", None) or {}
    return configured.get(country) or configured.get("*") or "sandbox"
