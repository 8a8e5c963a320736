"""Capture listeners: how other domains hear that a payment was captured.

``register_capture_listener(fn)`` with ``fn(*, order_ref: str, payment_id: str, amount: Money)``;
the orders app registers one in its ``AppConfig.ready`` to move the order to ``paid``. Listeners
run **after** the capture (and its escrow entry) committed, once per captured payment; a listener
that raises is logged and the payment stays un-notified (``capture_notified_at`` empty) so
``ehub payments notify-captures`` can run every listener again. Listeners must therefore be
idempotent (paying an already-paid order is a no-op).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from ehub.core.money import Money

logger = logging.getLogger(__name__)


class CaptureListener(Protocol):
    def __call__(self, *, order_ref: str, payment_id: str, amount: Money) -> None: ...


_listeners: list[CaptureListener] = []


def register_capture_listener(fn: CaptureListener) -> None:
    """Add ``fn`` (once: registering the same function again is a no-op)."""
    if fn not in _listeners:
        _listeners.append(fn)


def unregister_capture_listener(fn: CaptureListener) -> None:
    if fn in _listeners:
        _listeners.remove(fn)


def capture_listeners() -> list[CaptureListener]:
    return list(_listeners)


@contextmanager
def capture_listener(fn: CaptureListener) -> Iterator[CaptureListener]:
    """For tests: ``fn`` is registered inside the ``with`` block only."""
    register_capture_listener(fn)
    try:
        yield fn
    finally:
        unregister_capture_listener(fn)


def notify_capture_listeners(*, order_ref: str, payment_id: str, amount: Money) -> bool:
    """Call every listener; True if none raised (each runs even when an earlier one failed)."""
    ok = True
    for listener in list(_listeners):
        try:
            listener(order_ref=order_ref, payment_id=payment_id, amount=amount)
        except Exception:  # one broken listener must not hide the capture from the others
            ok = False
            logger.exception(
                "capture listener %r failed for payment %s (order %s)",
                getattr(listener, "__qualname__", listener),
                payment_id,
                order_ref,
            )
    return ok


@contextmanager
def only_capture_listeners(*fns: CaptureListener) -> Iterator[None]:
    """For tests: exactly ``fns`` listen inside the ``with`` block (other apps' are set aside)."""
    saved = list(_listeners)
    _listeners[:] = list(fns)
    try:
        yield
    finally:
        _listeners[:] = saved
