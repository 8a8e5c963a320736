"""Capture listeners: how other domains hear that a payment was captured.

``register_capture_listener(fn)`` with ``fn(*, order_ref: str, payment_id: str, amount: Money)``;
the orders app registers one in its ``AppConfig.ready`` to move the order to ``paid``. Listeners
run **after** the capture (and its escrow entry) committed, once per captured payment; a listener
that raises is logged and the payment stays un-notified (``capture_notified_at`` empty) so
``ehub payments notify-captures`` can run every listener again. Listeners must therefore be
idempotent (paying an already-paid order is a no-op).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from ehub.core.listeners import Listeners
from ehub.core.money import Money


class CaptureListener(Protocol):
    def __call__(self, *, order_ref: str, payment_id: str, amount: Money) -> None: ...


_listeners: Listeners[CaptureListener] = Listeners("capture")
register_capture_listener = _listeners.register
unregister_capture_listener = _listeners.unregister
capture_listeners = _listeners.all


@contextmanager
def capture_listener(fn: CaptureListener) -> Iterator[CaptureListener]:
    """For tests: ``fn`` is registered inside the ``with`` block only."""
    with _listeners.adding(fn):
        yield fn


def notify_capture_listeners(*, order_ref: str, payment_id: str, amount: Money) -> bool:
    """Call every listener; True if none raised (each runs even when an earlier one failed)."""
    return _listeners.notify(
        about=f"payment {payment_id} (order {order_ref})",
        order_ref=order_ref,
        payment_id=payment_id,
        amount=amount,
    )


def only_capture_listeners(*fns: CaptureListener) -> AbstractContextManager[None]:
    """For tests: exactly ``fns`` listen inside the ``with`` block (other apps' are set aside)."""
    return _listeners.only(*fns)
