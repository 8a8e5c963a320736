"""Logistics error codes (the ``code`` of every 4xx logistics answers with)."""

from __future__ import annotations

from enum import StrEnum


class LogisticsErrorCode(StrEnum):
    NETWORK_INVALID = "logistics_network_invalid"
    UNKNOWN_HUB = "logistics_unknown_hub"
    NO_ROUTE = "logistics_no_route"
    PARCEL_NOT_FOUND = "logistics_parcel_not_found"
    PARCEL_NOT_PAID = "logistics_parcel_not_paid"
    PARCEL_NOT_SHIPPABLE = "logistics_parcel_not_shippable"
    ILLEGAL_TRANSITION = "logistics_illegal_transition"
    INVALID_WEIGHT = "logistics_invalid_weight"
    WRONG_HUB = "logistics_wrong_hub"
    NOT_FLAGGED = "logistics_not_flagged"
    MANIFEST_NOT_FOUND = "logistics_manifest_not_found"
    MANIFEST_ILLEGAL_TRANSITION = "logistics_manifest_illegal_transition"
    MANIFEST_NOT_OPEN = "logistics_manifest_not_open"
    MANIFEST_EMPTY = "logistics_manifest_empty"
    PARCEL_NOT_MANIFESTABLE = "logistics_parcel_not_manifestable"
    UNKNOWN_CARRIER = "logistics_unknown_carrier"
    CARRIER_DISABLED = "logistics_carrier_disabled"
    BAD_SIGNATURE = "logistics_bad_signature"
    REPLAYED = "logistics_replayed"
    MALFORMED_WEBHOOK = "logistics_malformed_webhook"
    UNKNOWN_WAYBILL = "logistics_unknown_waybill"
    NOT_HUB_OPERATOR = "logistics_not_hub_operator"
    INVALID_INPUT = "logistics_invalid_input"
