"""The landed-cost contract as the CLI and the API serve it: JSON in, JSON out.

Stored FX rates for the request's date come from the markets app; the request's own ``fx`` map
takes precedence over them (see ``customs.services.landed_cost_quote``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ehub.core import clock
from ehub.core.errors import CoreErrorCode, DomainError
from ehub.customs.services import landed_cost_quote
from ehub.markets.selectors import fx_rate_table_on


def _request_date(payload: dict[str, Any]) -> dt.date:
    try:
        return dt.date.fromisoformat(str(payload.get("date")))
    except ValueError:
        return clock.today()  # the engine reports the bad date with its own error code


def landed_cost_for_payload(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise DomainError(
            CoreErrorCode.INVALID_INPUT, "the request must be a JSON object", status=400
        )
    stored = fx_rate_table_on(_request_date(payload))
    return landed_cost_quote(payload=payload, stored_rates=stored)
