from enum import StrEnum


class LedgerErrorCode(StrEnum):
    UNBALANCED_ENTRY = "ledger_unbalanced_entry"
    INVALID_ENTRY = "ledger_invalid_entry"
    IDEMPOTENCY_KEY_REUSED = "ledger_idempotency_key_reused"
    ALREADY_REVERSED = "ledger_already_reversed"
    ESCROW_NOT_FOUND = "ledger_escrow_not_found"
    ESCROW_INSUFFICIENT = "ledger_escrow_insufficient"
    ESCROW_MISMATCH = "ledger_escrow_mismatch"
    ESCROW_RELEASED = "ledger_escrow_released"
    INVALID_COMMISSION_RATE = "ledger_invalid_commission_rate"
