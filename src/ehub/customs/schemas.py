from __future__ import annotations

from ninja import Schema


class HsCodeOut(Schema):
    code: str
    level: int
    description: str
    parent_code: str
    section: str | None
