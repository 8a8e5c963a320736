from enum import StrEnum


class MarketsErrorCode(StrEnum):
    MARKET_NOT_FOUND = "market_not_found"
    MARKET_DISABLED = "market_disabled"
    FX_RATE_MISSING = "fx_rate_missing"
    FX_QUOTE_EXPIRED = "fx_quote_expired"
    FX_QUOTE_MISMATCH = "fx_quote_mismatch"
    FX_FILE_INVALID = "fx_file_invalid"
