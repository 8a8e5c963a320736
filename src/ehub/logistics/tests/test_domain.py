"""Logistics' pure rules, without a database."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ehub.core.errors import Conflict, DomainError
from ehub.logistics.domain import (
    TRANSITIONS,
    CarrierEventType,
    ManifestStatus,
    ParcelStatus,
    carrier_event_moves,
    manifest_move_check,
    master_waybill_number,
    network_parse,
    parcel_move_check,
    s10_check_digit,
    s10_waybill,
    weight_verdict,
)

P = ParcelStatus
E = CarrierEventType


# -- pipelines -------------------------------------------------------------------------------------
def test_the_happy_path_is_allowed_step_by_step():
    path = [
        P.AWAITING_HANDOVER,
        P.HANDED_OVER,
        P.RECEIVED_AT_HUB,
        P.MANIFESTED,
        P.DEPARTED,
        P.AT_CUSTOMS,
        P.CLEARED,
        P.OUT_FOR_DELIVERY,
        P.DELIVERED,
    ]
    for current, target in itertools.pairwise(path):
        assert parcel_move_check(current, target) is target


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (P.AWAITING_HANDOVER, P.RECEIVED_AT_HUB),  # the seller has not handed it over
        (P.RECEIVED_AT_HUB, P.DEPARTED),  # not on a manifest
        (P.DELIVERED, P.OUT_FOR_DELIVERY),  # never backwards
        (P.RETURNED, P.RETURNING),
        (P.CLEARED, P.DELIVERED),  # through out_for_delivery
        (P.HANDED_OVER, P.RETURNING),
    ],
)
def test_an_illegal_move_is_a_409_naming_what_is_allowed(current, target):
    with pytest.raises(Conflict) as caught:
        parcel_move_check(current, target, code="EHP000004201")

    assert caught.value.status == 409
    assert caught.value.code == "logistics_illegal_transition"
    assert caught.value.detail["allowed"] == sorted(TRANSITIONS[current])
    assert caught.value.detail["parcel"] == "EHP000004201"


def test_held_goes_back_and_forth_with_at_customs_and_every_dead_end_can_return():
    assert parcel_move_check(P.AT_CUSTOMS, P.HELD) is P.HELD
    assert parcel_move_check(P.HELD, P.AT_CUSTOMS) is P.AT_CUSTOMS
    for state in (P.HELD, P.DELIVERY_FAILED, P.AT_CUSTOMS):
        assert parcel_move_check(state, P.RETURNING) is P.RETURNING
    assert TRANSITIONS[P.DELIVERED] == TRANSITIONS[P.RETURNED] == frozenset()


def test_a_manifest_is_opened_closed_departed_and_never_reopened_after_departure():
    assert manifest_move_check("open", "closed") is ManifestStatus.CLOSED
    assert manifest_move_check("closed", "departed") is ManifestStatus.DEPARTED
    for current, target in (("open", "departed"), ("departed", "open"), ("departed", "closed")):
        with pytest.raises(Conflict) as caught:
            manifest_move_check(current, target)
        assert caught.value.code == "logistics_manifest_illegal_transition"


# -- weighing --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("declared", "measured", "within"),
    [
        (1000, 1100, True),  # exactly 10 %
        (1000, 1101, False),  # one gram over 10 %
        (1000, 900, True),
        (1000, 899, False),
        (200, 250, True),  # 25 % but only 50 g: the gram floor
        (200, 251, False),
        (200, 149, False),
        (5000, 5500, True),
    ],
)
def test_the_weight_tolerance_is_ten_percent_or_fifty_grams_whichever_is_more(
    declared, measured, within
):
    verdict = weight_verdict(
        declared_grams=declared, measured_grams=measured, tolerance_percent=10, minimum_grams=50
    )

    assert verdict.within is within
    assert verdict.difference_grams == measured - declared
    assert verdict.allowed_grams == max(declared // 10, 50)


@given(st.integers(1, 70_000), st.integers(1, 70_000))
def test_within_tolerance_means_the_difference_is_at_most_the_allowance(declared, measured):
    verdict = weight_verdict(
        declared_grams=declared, measured_grams=measured, tolerance_percent=10, minimum_grams=50
    )

    exact_allowance = max(declared * 10 / 100, 50)
    assert verdict.within is (abs(measured - declared) <= exact_allowance)


# -- carrier events --------------------------------------------------------------------------------
def test_a_carrier_event_moves_forward_through_the_states_in_between():
    assert carrier_event_moves(
        status="cleared", event_type="delivered", event_attempt=1, parcel_attempt=1
    ) == [P.OUT_FOR_DELIVERY, P.DELIVERED]
    assert carrier_event_moves(
        status="cleared", event_type="out_for_delivery", event_attempt=1, parcel_attempt=1
    ) == [P.OUT_FOR_DELIVERY]
    assert carrier_event_moves(
        status="out_for_delivery", event_type="delivery_failed", event_attempt=1, parcel_attempt=1
    ) == [P.DELIVERY_FAILED]


@pytest.mark.parametrize(
    ("status", "event", "event_attempt", "parcel_attempt"),
    [
        ("delivered", "out_for_delivery", 1, 1),  # late, older: never backwards
        ("delivered", "delivery_failed", 1, 1),  # same rank: the first word stands
        ("out_for_delivery", "out_for_delivery", 1, 1),
        ("cleared", "accepted", 1, 1),  # timeline only
        ("cleared", "in_transit", 1, 1),
        ("out_for_delivery", "delivery_failed", 1, 2),  # an earlier attempt's news
        ("returning", "delivered", 1, 1),  # not on the last mile any more
    ],
)
def test_some_carrier_events_only_join_the_timeline(status, event, event_attempt, parcel_attempt):
    assert (
        carrier_event_moves(
            status=status,
            event_type=event,
            event_attempt=event_attempt,
            parcel_attempt=parcel_attempt,
        )
        == []
    )


@given(st.permutations(list(CarrierEventType)))
def test_any_arrival_order_of_a_successful_journey_ends_delivered(order):
    events = [e for e in order if e is not E.DELIVERY_FAILED]
    status = P.CLEARED
    for event in events:
        for move in carrier_event_moves(
            status=status, event_type=event, event_attempt=1, parcel_attempt=1
        ):
            parcel_move_check(status, move)
            status = move
    assert status is P.DELIVERED


# -- numbers ---------------------------------------------------------------------------------------
def test_s10_check_digits_match_the_upu_examples():
    assert s10_check_digit("47312482") == 9  # the S10 standard's example: AA473124829GB
    # 00000012: 1 × 9 + 2 × 7 = 23; 11 - 23 mod 11 = 10, written 0
    assert s10_waybill(service="LX", number=12, country="MY") == "LX000000120MY"
    with pytest.raises(ValueError, match="8 digits"):
        s10_check_digit("1234")


def test_a_master_waybill_carries_its_mod_seven_check_digit():
    assert master_waybill_number(427) == "999-00004270"  # 427 = 61 × 7
    assert master_waybill_number(12345) == "999-00123454"  # 12345 mod 7 = 4


# -- the network file ------------------------------------------------------------------------------
HUB = {
    "name": "KL",
    "country": "MY",
    "city": "Sepang",
    "address": "x",
    "operator": "o",
    "role": "both",
}


def test_a_network_file_becomes_hubs_and_routes_with_their_destination_hubs():
    network = network_parse(
        {
            "source": "test",
            "hubs": {"KUL": HUB, "HGH": {**HUB, "country": "CN", "role": "destination"}},
            "destination_hubs": {"CN": "HGH"},
            "routes": [{"hub": "KUL", "from": ["MY", "SG"], "to": {"CN": [4, 7], "MY": [1, 2]}}],
        },
        corridors={("MY", "CN"), ("SG", "CN"), ("SG", "MY")},
    )

    assert [h.code for h in network.hubs] == ["KUL", "HGH"]
    routes = [(r.origin_country, r.destination_country, r.destination_hub) for r in network.routes]
    assert routes == [
        ("MY", "CN", "HGH"),
        ("SG", "CN", "HGH"),
        ("SG", "MY", None),
    ]


def test_every_problem_in_a_network_file_is_listed_at_once():
    with pytest.raises(DomainError) as caught:
        network_parse(
            {
                "hubs": {"kul": HUB, "HGH": {**HUB, "country": "XX"}, "LAX": {**HUB, "role": "x"}},
                "routes": [
                    {"hub": "NOPE", "from": ["MY"], "to": {"CN": [1, 2]}},
                    {"hub": "LAX", "from": ["MY"], "to": {"CN": [1, 2]}},
                ],
            },
            corridors=set(),
        )

    problems = caught.value.detail["problems"]
    assert caught.value.status == 422
    assert caught.value.code == "logistics_network_invalid"
    assert problems == [
        "top level: source (where these figures come from) is required",
        "hubs.kul: a hub code is three capital letters",
        "hubs.HGH: country 'XX' is not an ISO 3166 code",
        "hubs.LAX: role must be origin, destination or both",
        "routes[0]: no hub 'NOPE'",
        "routes[1]: no hub 'LAX'",
    ]


def test_a_route_needs_a_checkout_corridor_and_ordered_transit_days():
    with pytest.raises(DomainError) as caught:
        network_parse(
            {
                "source": "test",
                "hubs": {"KUL": HUB},
                "routes": [
                    {"hub": "KUL", "from": ["MY"], "to": {"CN": [4, 7], "SG": [5, 2], "JP": [1, 3]}}
                ],
            },
            corridors={("MY", "CN"), ("MY", "SG")},
        )

    assert caught.value.detail["problems"] == [
        "routes[0]: MY→SG: transit days are [min, max] with 1 <= min <= max <= 90",
        "routes[0]: MY→JP: checkout has no shipping-rate corridor for it",
    ]
