"""Decision listeners: how other domains hear what customs decided about a parcel.

``register_decision_listener(fn)`` with ``fn(*, order_parcel_id: int, declaration_id: int,
outcome: str, reason: str) -> None``; ``outcome`` is ``cleared``, ``held``, ``refused`` or
``returned`` (a hold that ended in return to the seller). Logistics registers one in its
``AppConfig.ready`` and moves the physical parcel.

Listeners run **after** the decision committed, once per decision (an ``inspection`` is recorded
but not announced: the cleared or refused that ends it is). A listener that raises is logged and
the decision stays un-notified (``CustomsDecision.notified_at`` empty), so
``ehub clearance notify-decisions`` runs every listener again: listeners must be idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

logger = logging.getLogger(__name__)


class DecisionListener(Protocol):
    def __call__(
        self, *, order_parcel_id: int, declaration_id: int, outcome: str, reason: str
    ) -> None: ...


_listeners: list[DecisionListener] = []


def register_decision_listener(fn: DecisionListener) -> None:
    """Add ``fn`` (once: registering the same function again is a no-op)."""
    if fn not in _listeners:
        _listeners.append(fn)


def unregister_decision_listener(fn: DecisionListener) -> None:
    if fn in _listeners:
        _listeners.remove(fn)


def decision_listeners() -> list[DecisionListener]:
    return list(_listeners)


def notify_decision_listeners(
    *, order_parcel_id: int, declaration_id: int, outcome: str, reason: str
) -> bool:
    """Call every listener; True if none raised (each runs even when an earlier one failed)."""
    ok = True
    for listener in list(_listeners):
        try:
            listener(
                order_parcel_id=order_parcel_id,
                declaration_id=declaration_id,
                outcome=outcome,
                reason=reason,
            )
        except Exception:  # one broken listener must not hide the decision from the others
            ok = False
            logger.exception(
                "decision listener %r failed for declaration %s (%s)",
                getattr(listener, "__qualname__", listener),
                declaration_id,
                outcome,
            )
    return ok


@contextmanager
def only_decision_listeners(*fns: DecisionListener) -> Iterator[None]:
    """For tests: exactly ``fns`` listen inside the ``with`` block (other apps' are set aside)."""
    saved = list(_listeners)
    _listeners[:] = list(fns)
    try:
        yield
    finally:
        _listeners[:] = saved
