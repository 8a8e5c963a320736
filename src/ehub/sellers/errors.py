from enum import StrEnum


class SellerErrorCode(StrEnum):
    SELLER_NOT_FOUND = "seller_not_found"
    NOT_SELLER_STAFF = "not_seller_staff"
    ALREADY_SELLER_STAFF = "already_seller_staff"
    INVALID_SELLER = "invalid_seller"
    DUPLICATE_REGISTRATION = "duplicate_registration"
    ILLEGAL_VERIFICATION_TRANSITION = "illegal_verification_transition"
    REJECTION_NEEDS_REASON = "rejection_needs_reason"
    API_KEY_NOT_FOUND = "api_key_not_found"
    VERIFIED_DETAILS_LOCKED = "verified_details_locked"
