"""One registry of in-process listeners, for the hooks a domain offers others ("a payment was
captured", "customs decided"): register once, call every listener with keyword arguments, log
and report (never propagate) a listener's failure so the others still run, and a test helper
to set the others aside."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

logger = logging.getLogger(__name__)

L = TypeVar("L", bound=Callable[..., None])


class Listeners(Generic[L]):
    def __init__(self, what: str) -> None:
        self.what = what  # "capture", "decision": for the log line
        self._listeners: list[L] = []

    def register(self, fn: L) -> None:
        """Add ``fn`` (once: registering the same function again is a no-op)."""
        if fn not in self._listeners:
            self._listeners.append(fn)

    def unregister(self, fn: L) -> None:
        if fn in self._listeners:
            self._listeners.remove(fn)

    def all(self) -> list[L]:
        return list(self._listeners)

    def notify(self, *, about: str, **kwargs: Any) -> bool:
        """Call every listener with ``kwargs``; True if none raised (each runs even when an
        earlier one failed). ``about`` names the event in the log."""
        ok = True
        for listener in list(self._listeners):
            try:
                listener(**kwargs)
            except Exception:  # one broken listener must not hide the event from the others
                ok = False
                logger.exception(
                    "%s listener %r failed for %s",
                    self.what,
                    getattr(listener, "__qualname__", listener),
                    about,
                )
        return ok

    @contextmanager
    def only(self, *fns: L) -> Iterator[None]:
        """For tests: exactly ``fns`` listen inside the ``with`` block."""
        saved = list(self._listeners)
        self._listeners[:] = list(fns)
        try:
            yield
        finally:
            self._listeners[:] = saved

    @contextmanager
    def adding(self, fn: L) -> Iterator[L]:
        """For tests: ``fn`` listens inside the ``with`` block only."""
        self.register(fn)
        try:
            yield fn
        finally:
            self.unregister(fn)
