"""Landed-cost quotes per second for a 3-line parcel, in process (goal: >= 10,000 per core).

Measures the pure engine (``landed_cost``) on an already-parsed request, the full JSON path
(``landed_cost_quote``: parse + engine + serialise), the engine on a 3-line US parcel with specific
and compound duties (per kg, cents each + %), and a no-op baseline loop of the same shape.
Prints medians over several rounds and the ratio to the baseline. Machines are shared and noisy:
read the medians and ratios, not a single figure.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ehub.core.fx import RateTable
from ehub.customs.contract import parse_request
from ehub.customs.domain import landed_cost
from ehub.customs.rulebook import get_rulebook
from ehub.customs.services import landed_cost_quote

ROUNDS = 7
SECONDS_PER_ROUND = 0.5

PAYLOAD = {
    "date": "2026-03-01",
    "destination": "FI",
    "destination_region": None,
    "ship_from": "CN",
    "currency": "EUR",
    "fx": {},
    "buyer_type": "consumer",
    "channel": None,
    "lines": [
        {"hs_code": "620610", "description": "silk blouse", "origin": "CN", "quantity": 1,
         "unit_price": "120.00"},
        {"hs_code": "621410", "description": "silk scarf", "origin": "CN", "quantity": 2,
         "unit_price": "35.00"},
        {"hs_code": "090210", "description": "green tea", "origin": "CN", "quantity": 3,
         "unit_price": "12.50", "duty_rate": "0.032"},
    ],
    "shipping": "18.00",
    "insurance": "2.00",
    "carrier_fees": [{"name": "handling", "amount": "2.90", "in_tax_base": True}],
}  # fmt: skip


# The same shape with specific and compound duties (US: honey per kg, knives "cents each + %").
SPECIFIC_PAYLOAD = {
    **PAYLOAD,
    "destination": "US",
    "ship_from": "JP",
    "currency": "USD",
    "date": "2026-08-01",
    "lines": [
        {"hs_code": "821192", "description": "gyuto", "origin": "JP", "quantity": 2,
         "unit_price": "200.00"},
        {"hs_code": "821191", "description": "steak knives, set of 4", "origin": "JP",
         "quantity": 1, "unit_price": "150.00", "supplementary_quantity": "4",
         "supplementary_unit": "pieces"},
        {"hs_code": "040900", "description": "honey", "origin": "NZ", "quantity": 3,
         "unit_price": "39.90", "net_weight_kg": "1.26", "gross_weight_kg": "2.28"},
    ],
}  # fmt: skip


def per_second(function: Callable[[], object]) -> float:
    count = 0
    start = time.process_time()
    deadline = start + SECONDS_PER_ROUND
    while True:
        for _ in range(100):
            function()
        count += 100
        now = time.process_time()
        if now >= deadline:
            return count / (now - start)


def rates(function: Callable[[], object]) -> tuple[float, float]:
    """Median and best of the rounds: the median is the figure; the best round shows what the
    code does when the shared machine leaves it alone."""
    function()  # warm caches (rules resolved for the date)
    rounds = [per_second(function) for _ in range(ROUNDS)]
    return statistics.median(rounds), max(rounds)


def main() -> int:
    book = get_rulebook()
    stored = RateTable()
    request = parse_request(PAYLOAD)
    specific_request = parse_request(SPECIFIC_PAYLOAD)

    def baseline() -> object:
        return None

    def engine() -> object:
        return landed_cost(request, rulebook=book, fx=stored)

    def engine_specific() -> object:
        return landed_cost(specific_request, rulebook=book, fx=stored)

    def full_json() -> object:
        return landed_cost_quote(payload=PAYLOAD, stored_rates=stored)

    base, _ = rates(baseline)
    results = {
        "engine (parsed request)": rates(engine),
        "JSON in/out": rates(full_json),
        "engine, specific duties": rates(engine_specific),
    }
    print(f"no-op baseline            {base:14,.0f} calls/s (median of {ROUNDS} rounds)")
    for name, (rate, best) in results.items():
        print(
            f"{name:<25} {rate:14,.0f} quotes/s (best round {best:,.0f})   "
            f"baseline/quote ratio {base / rate:,.0f}x"
        )
    goal = 10_000
    engine_rate = results["engine (parsed request)"][0]
    verdict = "met" if engine_rate >= goal else "NOT met"
    print(f"goal {goal:,} quotes/s per core (median): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
