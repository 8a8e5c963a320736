"""Landed-cost use case: JSON request in, JSON response out. Django-free.

The CLI command and the API endpoint call ``landed_cost_quote`` with the stored FX rates for the
request's date (``ehub.customs.quoting``); the request's own ``fx`` map wins over them.
"""

from __future__ import annotations

from typing import Any

from ehub.core.fx import RateTable
from ehub.customs.contract import parse_request, result_to_json
from ehub.customs.domain import landed_cost
from ehub.customs.rulebook import get_rulebook


def landed_cost_quote(*, payload: dict[str, Any], stored_rates: RateTable) -> dict[str, Any]:
    """Parse ``payload``, quote it under the bundled rules and return the JSON response."""
    request = parse_request(payload)
    fx = RateTable.from_pairs(request.fx, "from the request").merged_over(stored_rates)
    result = landed_cost(request, rulebook=get_rulebook(), fx=fx)
    return result_to_json(result)
