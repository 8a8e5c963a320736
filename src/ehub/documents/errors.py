from __future__ import annotations

from enum import StrEnum


class DocumentsErrorCode(StrEnum):
    UNKNOWN_DOCUMENT_KIND = "unknown_document_kind"
    PARCEL_NOT_FOUND = "parcel_not_found"
    NOT_YOUR_PARCEL = "not_your_parcel"
