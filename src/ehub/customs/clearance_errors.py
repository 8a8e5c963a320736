"""Error codes of customs clearance (declarations, authorities, China's three records)."""

from enum import StrEnum


class ClearanceErrorCode(StrEnum):
    DECLARATION_INVALID = "declaration_invalid"
    ILLEGAL_TRANSITION = "declaration_illegal_transition"
    UNKNOWN_DECLARATION = "declaration_unknown"
    UNKNOWN_AUTHORITY = "customs_unknown_authority"
    AUTHORITY_DISABLED = "customs_authority_disabled"
    BAD_SIGNATURE = "customs_bad_signature"
    REPLAYED = "customs_replayed"
    MALFORMED_CALLBACK = "customs_malformed_callback"
    UNKNOWN_SUBMISSION = "customs_unknown_submission"
    CALLBACK_REJECTED = "customs_callback_rejected"
    NOTHING_SUPPLIED = "declaration_nothing_supplied"
    REASON_REQUIRED = "declaration_reason_required"
    PARCEL_NOT_DECLARABLE = "declaration_parcel_not_declarable"
