"""API shapes of customs clearance."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from ehub.customs.models import CustomsDecision, CustomsDeclaration, DeclarationSubmission


class SubmissionOut(Schema):
    number: int
    authority: str
    reference: str
    documents: list[str]
    note: str
    created_at: dt.datetime


class DecisionOut(Schema):
    decision: str
    reason: str
    documents_requested: list[str]
    source: str
    decided_at: dt.datetime


class DeclarationOut(Schema):
    id: int
    parcel: str
    status: str
    destination: str
    authority: str
    waybill: str
    incoterm: str
    currency: str
    reason: str
    documents_requested: list[str]
    attempts: int
    content: dict[str, Any]
    submissions: list[SubmissionOut]
    decisions: list[DecisionOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, declaration: CustomsDeclaration) -> DeclarationOut:
        content = dict(declaration.content)
        consignee = dict(content.get("consignee") or {})
        if consignee.get("identity"):  # the masked number and name only, never the digest
            consignee["identity"] = {
                k: v for k, v in consignee["identity"].items() if k != "id_digest"
            }
        content["consignee"] = consignee
        submissions: list[DeclarationSubmission] = list(declaration.submissions.all())
        decisions: list[CustomsDecision] = list(declaration.decisions.all())
        return cls(
            id=declaration.pk,
            parcel=declaration.order_parcel.code,
            status=declaration.status,
            destination=declaration.destination,
            authority=declaration.authority,
            waybill=declaration.waybill,
            incoterm=declaration.incoterm,
            currency=declaration.currency,
            reason=declaration.reason,
            documents_requested=list(declaration.documents_requested),
            attempts=declaration.attempts,
            content=content,
            submissions=[
                SubmissionOut(
                    number=s.number,
                    authority=s.authority,
                    reference=s.reference,
                    documents=list(s.documents),
                    note=s.note,
                    created_at=s.created_at,
                )
                for s in submissions
            ],
            decisions=[
                DecisionOut(
                    decision=d.decision,
                    reason=d.reason,
                    documents_requested=list(d.documents_requested),
                    source=d.source,
                    decided_at=d.decided_at,
                )
                for d in decisions
            ],
            created_at=declaration.created_at,
            updated_at=declaration.updated_at,
        )


class HoldResolveIn(Schema):
    documents: list[str] = Field(default_factory=list, description="names of documents supplied")
    note: str = ""


class ReturnIn(Schema):
    reason: str


class CallbackAckOut(Schema):
    received: bool
