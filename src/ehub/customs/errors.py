from enum import StrEnum


class CustomsErrorCode(StrEnum):
    INVALID_HS_CODE = "invalid_hs_code"
    UNKNOWN_HS_CODE = "unknown_hs_code"
    HS_FILE_INVALID = "hs_file_invalid"
