from enum import StrEnum


class PaymentErrorCode(StrEnum):
    ILLEGAL_TRANSITION = "payments_illegal_transition"
    UNKNOWN_PROVIDER = "payments_unknown_provider"
    PROVIDER_DISABLED = "payments_provider_disabled"
    IDEMPOTENCY_KEY_REUSED = "payments_idempotency_key_reused"
    INVALID_AMOUNT = "payments_invalid_amount"
    BAD_SIGNATURE = "payments_bad_signature"
    REPLAYED = "payments_replayed"
    MALFORMED_CALLBACK = "payments_malformed_callback"
    UNKNOWN_PAYMENT = "payments_unknown_payment"
    CALLBACK_MISMATCH = "payments_callback_mismatch"
    NOT_REFUNDABLE = "payments_not_refundable"
    REFUND_EXCEEDS_CAPTURE = "payments_refund_exceeds_capture"
    PROVIDER_REFUSED = "payments_provider_refused"
    INVALID_CARD = "payments_invalid_card"
    UNKNOWN_TEST_CARD = "payments_unknown_test_card"
    ALREADY_SUBMITTED = "payments_already_submitted"
