"""One error shape for the whole hub: ``{"code", "message", "detail"}``.

Domains raise ``DomainError`` subclasses (or ``DomainError`` with a code from their own error-code
enum); the API turns any ``DomainError`` into that JSON with ``status`` (a 4xx), and the CLI prints
the same JSON or message and exits with status 2. A view never builds an error shape by hand.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class CoreErrorCode(StrEnum):
    INVALID_INPUT = "invalid_input"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    NOT_AUTHENTICATED = "not_authenticated"
    CONFLICT = "conflict"
    UNKNOWN_CURRENCY = "unknown_currency"
    CURRENCY_MISMATCH = "currency_mismatch"
    FX_RATE_MISSING = "fx_rate_missing"


class DomainError(Exception):
    """A rule said no. ``status`` is the HTTP status the API answers with."""

    status: int = 400

    def __init__(
        self,
        code: str,
        message: str,
        detail: Any = None,
        *,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.detail = detail
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "detail": self.detail}


class NotFound(DomainError):
    status = 404

    def __init__(self, message: str, detail: Any = None, *, code: str = CoreErrorCode.NOT_FOUND):
        super().__init__(code, message, detail)


class PermissionDenied(DomainError):
    status = 403

    def __init__(self, message: str = "you may not do that", detail: Any = None) -> None:
        super().__init__(CoreErrorCode.PERMISSION_DENIED, message, detail)


class Conflict(DomainError):
    status = 409

    def __init__(self, message: str, detail: Any = None, *, code: str = CoreErrorCode.CONFLICT):
        super().__init__(code, message, detail)
