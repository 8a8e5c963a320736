"""The hub's clock. Every "now" and "today" goes through here so tests can pin it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.now().date()
