from __future__ import annotations

import datetime as dt

from ninja import Schema

from ehub.core.schemas import MoneyOut


class StatementLineOut(Schema):
    entry_id: int
    created_at: dt.datetime
    kind: str
    reference: str
    memo: str
    amount: MoneyOut
    balance: MoneyOut


class StatementOut(Schema):
    seller_id: int
    currency: str
    balance: MoneyOut
    lines: list[StatementLineOut]


class PostingOut(Schema):
    account: str
    purpose: str
    owner_type: str
    owner_id: str
    amount: MoneyOut


class TrailEntryOut(Schema):
    entry_id: int
    created_at: dt.datetime
    kind: str
    reference: str
    memo: str
    reverses: int | None
    postings: list[PostingOut]


class OrderTrailOut(Schema):
    order_ref: str
    entries: list[TrailEntryOut]
