"""Delivering outbox rows of the sandbox parties (payment provider, carrier, customs authority):
each row holds a signed message's exact body; it is handed, in-process, to the same service the
HTTP endpoint calls, and the attempt is recorded on the row. Never raises: delivery runs after
commit, and a failure leaves the row pending for the periodic retry (docs/background-jobs.md).

The row's model has ``status``, ``attempts``, ``last_result`` and ``delivered_at``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import F

from ehub.core import clock
from ehub.core.errors import DomainError

logger = logging.getLogger(__name__)


def outbox_attempt(
    *,
    row: models.Model,
    send: Callable[[], object],
    delivered_status: str,
    pending_status: str,
    what: str,
) -> str:
    """Run ``send()`` (the receiving service, called with the row's body and signed headers) and
    record the attempt: ``"200 <what send returned>"``, ``"<4xx> <code>: <message>"`` for a
    refusal, ``"500 ..."`` when the receiver broke (logged). Returns that one-line result."""
    delivered = False
    try:
        answer = send()
        delivered, result = True, f"200 {answer}" if answer else "200 delivered"
    except DomainError as exc:
        result = f"{exc.status} {exc.code}: {exc.message}"
    except Exception as exc:  # the receiver broke: keep the row for a retry, say why
        logger.exception("%s could not be delivered", what)
        result = f"500 {type(exc).__name__}: {exc}"
    fields: dict[str, Any] = {
        "attempts": F("attempts") + 1,
        "last_result": result[:300],
        "status": delivered_status if delivered else pending_status,
        "delivered_at": clock.now() if delivered else None,
    }
    type(row)._default_manager.filter(pk=row.pk).update(**fields)
    return result
