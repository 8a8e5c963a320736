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

from contextlib import AbstractContextManager
from typing import Protocol

from ehub.core.listeners import Listeners


class DecisionListener(Protocol):
    def __call__(
        self, *, order_parcel_id: int, declaration_id: int, outcome: str, reason: str
    ) -> None: ...


_listeners: Listeners[DecisionListener] = Listeners("decision")
register_decision_listener = _listeners.register
unregister_decision_listener = _listeners.unregister
decision_listeners = _listeners.all


def notify_decision_listeners(
    *, order_parcel_id: int, declaration_id: int, outcome: str, reason: str
) -> bool:
    """Call every listener; True if none raised (each runs even when an earlier one failed)."""
    return _listeners.notify(
        about=f"declaration {declaration_id} ({outcome})",
        order_parcel_id=order_parcel_id,
        declaration_id=declaration_id,
        outcome=outcome,
        reason=reason,
    )


def only_decision_listeners(*fns: DecisionListener) -> AbstractContextManager[None]:
    """For tests: exactly ``fns`` listen inside the ``with`` block (other apps' are set aside)."""
    return _listeners.only(*fns)
