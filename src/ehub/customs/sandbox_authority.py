"""The sandbox customs authority: a real, local authority for development, tests and demos.

- ``submit`` validates the declaration again (an incomplete one is held, with every problem as
  the reason) and decides by configurable rules (``sandbox_authority.toml``, or the file named by
  ``EHUB_CUSTOMS_SANDBOX_RULES``; see ``clearance_domain.sandbox_decide``): cleared, held for
  documents, inspection (then cleared or refused), or refused.
- The decision comes back like a real authority's: a ``SandboxAuthorityMessage`` outbox row
  written in the submitting transaction, delivered **after commit**, signed
  (``Ehub-Signature: t=<unix>,v1=<HMAC-SHA256 hex>``, the payments helpers) and handed as headers
  and raw body to ``clearance.declaration_handle_callback`` — the service
  ``POST /api/v1/customs/authorities/sandbox/callback`` calls. An inspection's result is due
  ``EHUB_CUSTOMS_SANDBOX_INSPECTION_SECONDS`` later (default 0: at once). Undelivered or not yet
  due rows are delivered by ``ehub clearance deliver-decisions``.

Settings (all optional): ``EHUB_CUSTOMS_SANDBOX_ENABLED`` (default: as the payments sandbox),
``EHUB_CUSTOMS_SANDBOX_SECRET`` (default: derived from ``SECRET_KEY``),
``EHUB_CUSTOMS_SANDBOX_RULES`` (a path), ``EHUB_CUSTOMS_SANDBOX_INSPECTION_SECONDS``,
``EHUB_CUSTOMS_SIGNATURE_TOLERANCE_SECONDS`` (default: the payments tolerance).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from ehub.core import clock
from ehub.core.errors import DomainError
from ehub.core.outbox import outbox_attempt
from ehub.customs.authorities import DecisionEvent
from ehub.customs.clearance_domain import (
    Decision,
    SandboxRule,
    SandboxVerdict,
    declaration_problems,
    sandbox_decide,
    sandbox_rules_parse,
)
from ehub.customs.clearance_errors import ClearanceErrorCode
from ehub.customs.models import DeclarationSubmission, SandboxAuthorityMessage
from ehub.payments.domain import (
    SIGNATURE_HEADER,
    CallbackRefused,
    CallbackVerdict,
    header_get,
    signature_header,
    signature_verify,
)

logger = logging.getLogger(__name__)

SANDBOX = "sandbox"
DEFAULT_RULES_FILE = Path(__file__).with_name("sandbox_authority.toml")
EVENT_TYPE = "customs.decision"
USER_AGENT = "ehub-customs-sandbox/1"
PENDING, DELIVERED = "pending", "delivered"


def sandbox_enabled() -> bool:
    return bool(
        getattr(settings, "EHUB_CUSTOMS_SANDBOX_ENABLED", settings.EHUB_PAYMENTS_SANDBOX_ENABLED)
    )


def sandbox_secret() -> str:
    configured = getattr(settings, "EHUB_CUSTOMS_SANDBOX_SECRET", None)
    if configured:
        return str(configured)
    return hmac.new(
        settings.SECRET_KEY.encode("utf-8"), b"ehub customs sandbox authority", hashlib.sha256
    ).hexdigest()


def _tolerance() -> int:
    return int(
        getattr(
            settings,
            "EHUB_CUSTOMS_SIGNATURE_TOLERANCE_SECONDS",
            settings.EHUB_PAYMENTS_SIGNATURE_TOLERANCE_SECONDS,
        )
    )


@functools.lru_cache(maxsize=8)
def _rules_from(path: str, mtime_ns: int) -> tuple[SandboxRule, ...]:
    return sandbox_rules_parse(Path(path).read_text(encoding="utf-8"))


def sandbox_rules() -> tuple[SandboxRule, ...]:
    """The rules in force: ``EHUB_CUSTOMS_SANDBOX_RULES`` or the bundled default file (re-read
    when the file changes)."""
    path = Path(getattr(settings, "EHUB_CUSTOMS_SANDBOX_RULES", None) or DEFAULT_RULES_FILE)
    return _rules_from(str(path), path.stat().st_mtime_ns)


_REFUSAL_CODES = {
    CallbackVerdict.BAD_SIGNATURE: ClearanceErrorCode.BAD_SIGNATURE,
    CallbackVerdict.REPLAYED: ClearanceErrorCode.REPLAYED,
}


def _malformed(message: str) -> CallbackRefused:
    return CallbackRefused(
        ClearanceErrorCode.MALFORMED_CALLBACK, message, CallbackVerdict.MALFORMED
    )


class SandboxAuthority:
    """The built-in authority. Refused (404) when the sandbox is disabled."""

    name = SANDBOX

    def __init__(self) -> None:
        if not sandbox_enabled():
            raise DomainError(
                ClearanceErrorCode.AUTHORITY_DISABLED,
                "the sandbox customs authority is disabled (EHUB_CUSTOMS_SANDBOX_ENABLED)",
                {"authority": SANDBOX},
                status=404,
            )

    def verdict(self, *, submission: DeclarationSubmission) -> SandboxVerdict:
        problems = declaration_problems(submission.content)
        if problems:
            return SandboxVerdict(
                decision=Decision.HELD,
                reason="the declaration is incomplete: "
                + "; ".join(f"{p.field}: {p.message}" for p in problems),
                rule="validation",
            )
        return sandbox_decide(
            submission.content,
            sandbox_rules(),
            documents_supplied=submission.documents,
            resubmission=submission.number > 1,
        )

    def submit(self, *, submission: DeclarationSubmission) -> str:
        reference = f"sbx-cus-{uuid.uuid4().hex[:24]}"
        verdict = self.verdict(submission=submission)
        now = clock.now()
        decisions = [(verdict.decision, verdict.reason, verdict.documents_requested, now)]
        if verdict.decision is Decision.INSPECTION and verdict.then is not None:
            later = now + dt.timedelta(
                seconds=int(getattr(settings, "EHUB_CUSTOMS_SANDBOX_INSPECTION_SECONDS", 0))
            )
            outcome = (
                "cleared after inspection"
                if verdict.then is Decision.CLEARED
                else ("refused after inspection")
            )
            decisions.append((verdict.then, f"{outcome}: {verdict.reason}", (), later))
        for decision, reason, documents, due_at in decisions:
            event_id = f"cusevt_{uuid.uuid4().hex}"
            message = SandboxAuthorityMessage.objects.create(
                submission=submission,
                event_id=event_id,
                decision=decision,
                due_at=due_at,
                body=sandbox_decision_body(
                    event_id=event_id,
                    reference=reference,
                    decision=decision,
                    reason=reason,
                    documents_requested=documents,
                    rule=verdict.rule,
                ),
            )
            if due_at <= now:
                transaction.on_commit(functools.partial(sandbox_decision_deliver, message.pk))
        return reference

    def handle_decision_callback(self, *, headers: Mapping[str, str], body: bytes) -> DecisionEvent:
        try:
            signed_at = signature_verify(
                header=header_get(headers, SIGNATURE_HEADER),
                body=body,
                secret=sandbox_secret(),
                now=int(clock.now().timestamp()),
                tolerance_seconds=_tolerance(),
            )
        except CallbackRefused as exc:
            code = _REFUSAL_CODES.get(exc.verdict, ClearanceErrorCode.BAD_SIGNATURE)
            raise CallbackRefused(code, exc.message, exc.verdict) from None
        return _event_from_body(body, signed_at=signed_at)


def _event_from_body(body: bytes, *, signed_at: int) -> DecisionEvent:
    try:
        event = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _malformed("the callback body is not JSON") from None
    if not isinstance(event, dict) or not isinstance(event.get("data"), dict):
        raise _malformed("the callback body needs an object with id, type and data")
    data: dict[str, Any] = event["data"]
    event_id = event.get("id")
    if not isinstance(event_id, str) or not event_id or len(event_id) > 120:
        raise _malformed("the callback has no event id")
    if event.get("type") != EVENT_TYPE:
        raise _malformed(f"unknown callback type {event.get('type')!r}")
    reference = data.get("reference")
    if not isinstance(reference, str) or not reference:
        raise _malformed("the callback has no submission reference")
    try:
        decision = Decision(str(data.get("decision")))
    except ValueError:
        raise _malformed(f"unknown decision {data.get('decision')!r}") from None
    reason = data.get("reason", "")
    documents = data.get("documents_requested", [])
    if not isinstance(reason, str) or not isinstance(documents, list):
        raise _malformed("reason must be a string and documents_requested a list")
    return DecisionEvent(
        event_id=event_id,
        submission_reference=reference,
        decision=decision,
        reason=reason,
        signed_at=signed_at,
        documents_requested=tuple(str(d) for d in documents),
    )


def sandbox_decision_body(
    *,
    event_id: str,
    reference: str,
    decision: str,
    reason: str,
    documents_requested: tuple[str, ...] | list[str] = (),
    rule: str = "",
) -> str:
    return json.dumps(
        {
            "id": event_id,
            "type": EVENT_TYPE,
            "created": int(clock.now().timestamp()),
            "data": {
                "reference": reference,
                "decision": str(decision),
                "reason": reason,
                "documents_requested": list(documents_requested),
                "rule": rule,
            },
        },
        separators=(",", ":"),
        sort_keys=True,
        ensure_ascii=False,
    )


def sandbox_signed_headers(*, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers the sandbox authority sends with ``body``, signed now (or at ``timestamp``)."""
    signed_at = int(clock.now().timestamp()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature_header(secret=sandbox_secret(), timestamp=signed_at, body=body),
    }


# -- delivering decisions -------------------------------------------------------------------------
def sandbox_decision_deliver(message_id: int) -> str:
    """Deliver one queued decision to ehub, in-process, exactly as the HTTP endpoint would get
    it. Returns a one-line result; never raises (it runs after commit; a failure leaves the row
    pending for ``deliver-decisions``)."""
    from ehub.customs.clearance import declaration_handle_callback

    message = SandboxAuthorityMessage.objects.filter(pk=message_id).first()
    if message is None or message.status == DELIVERED:
        return "nothing to deliver"
    body = message.body.encode("utf-8")

    def send() -> None:
        declaration_handle_callback(
            authority=SANDBOX, headers=sandbox_signed_headers(body=body), body=body
        )

    return outbox_attempt(
        row=message,
        send=send,
        delivered_status=DELIVERED,
        pending_status=PENDING,
        what=f"sandbox customs decision {message.event_id}",
    )


def sandbox_decisions_deliver_pending(*, limit: int | None = None) -> list[tuple[str, str]]:
    """(Re)deliver every pending decision that is due, oldest first: ``[(event id, result)]``."""
    pending = SandboxAuthorityMessage.objects.filter(
        status=PENDING, due_at__lte=clock.now()
    ).order_by("due_at", "id")
    if limit is not None:
        pending = pending[:limit]
    return [(m.event_id, sandbox_decision_deliver(m.pk)) for m in list(pending)]
