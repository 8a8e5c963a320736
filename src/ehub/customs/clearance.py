"""Customs clearance services: a declaration per parcel, its submissions and decisions.

Called by logistics when a manifest departs (``declaration_prepare`` then
``declaration_submit``), by the authorities' decision callbacks (``declaration_handle_callback``,
in-process for the sandbox or through ``POST /api/v1/customs/authorities/{authority}/callback``),
and by hub operators (``declaration_hold_resolve``, ``declaration_return_to_seller``).

Every decision is a ``CustomsDecision`` row and an audit event (``customs:declaration:<status>``);
the listeners in ``clearance_hooks`` hear cleared / held / refused / returned after commit.
The pipeline and validation are pure, in ``clearance_domain``; China's three records in
``china_records``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from ehub.core import clock
from ehub.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from ehub.core.events import audit_record
from ehub.core.money import Money
from ehub.customs import china_records
from ehub.customs.authorities import authority_for_destination, get_authority
from ehub.customs.clearance_domain import (
    IDENTITY_REQUIRED,
    Decision,
    DeclarationStatus,
    Outcome,
    declaration_problems,
    incoterm_for,
    problems_error,
    taxes_collected,
    transition_check,
    weight_shares,
)
from ehub.customs.clearance_errors import ClearanceErrorCode
from ehub.customs.clearance_hooks import notify_decision_listeners
from ehub.customs.models import (
    AuthorityCallback,
    CustomsDecision,
    CustomsDeclaration,
    DeclarationSubmission,
)
from ehub.customs.registrations import get_registrations
from ehub.orders.domain import OrderStatus
from ehub.orders.models import OrderParcel
from ehub.payments.domain import CallbackRefused, CallbackVerdict
from ehub.payments.models import Payment

S = DeclarationStatus
LOGISTICS_CODE = "EHUB-HUB"  # the logistics party named on China's waybill record
RECORDED_HEADERS = ("Ehub-Signature", "Content-Type", "User-Agent")
OUTCOMES = frozenset(o.value for o in Outcome)


# -- building the declaration ---------------------------------------------------------------------
def declaration_content(*, parcel: OrderParcel, waybill: str, on: dt.date) -> dict[str, Any]:
    """The declaration of ``parcel`` as its order, seller and lines say now (JSON-able)."""
    order = parcel.order
    seller = parcel.seller
    currency = order.currency
    lines = list(parcel.lines.select_related("variant").order_by("id"))
    shares = weight_shares(
        parcel.weight_grams, [line.variant.weight_grams * line.quantity for line in lines]
    )
    destination = order.country
    landed = parcel.landed_cost or {}
    collected = parcel.collected or str(landed.get("collected") or "at_border")
    registration_required = collected == "at_checkout" or destination in IDENTITY_REQUIRED
    registration = (
        get_registrations().for_destination(destination, on) if registration_required else None
    )

    def amount(minor: int) -> str:
        return str(Money.from_minor_units(minor, currency).amount)

    return {
        "parcel": parcel.code,
        "order": order.reference,
        "escrow_reference": parcel.escrow_reference,
        "date": on.isoformat(),
        "destination": destination,
        "regime": str(landed.get("regime") or ""),
        "collected": collected,
        "incoterm": incoterm_for(collected),
        "currency": currency,
        "waybill": waybill,
        "consignor": {
            "legal_name": seller.legal_name,
            "display_name": seller.display_name,
            "address_line1": seller.address_line1,
            "address_line2": seller.address_line2,
            "city": seller.city,
            "region": seller.region,
            "postal_code": seller.postal_code,
            "country": seller.country,
            "registration_number": seller.registration_number,
            "phone": seller.contact_phone,
            "email": seller.contact_email,
        },
        "consignee": {
            "name": order.recipient_name or order.buyer_name,
            "address_line1": order.address_line1,
            "address_line2": order.address_line2,
            "city": order.city,
            "region": order.region,
            "postal_code": order.postal_code,
            "country": order.country,
            "phone": order.phone,
            "identity": (
                {
                    "name": order.buyer_name,
                    "id_masked": order.resident_id_masked,
                    "id_digest": order.identity_digest,
                }
                if destination in IDENTITY_REQUIRED
                else None
            ),
        },
        "lines": [
            {
                "sku": line.sku,
                "description": line.title,
                "hs_code": line.hs_code,
                "quantity": line.quantity,
                "unit_value": amount(line.unit_price_minor),
                "unit_value_minor": line.unit_price_minor,
                "total_value": amount(line.line_total_minor),
                "total_value_minor": line.line_total_minor,
                "origin": line.origin,
                "currency": currency,
                "net_weight_grams": share,
            }
            for line, share in zip(lines, shares, strict=True)
        ],
        "goods_value": amount(parcel.goods_minor),
        "goods_value_minor": parcel.goods_minor,
        "shipping_minor": parcel.shipping_minor,
        "weight_grams": parcel.weight_grams,
        "taxes_collected": taxes_collected(landed, currency=currency),
        "registration_required": registration_required,
        "registration": registration.as_json() if registration else None,
    }


def _locked_parcel(parcel: OrderParcel) -> OrderParcel:
    return (
        OrderParcel.objects.select_for_update(of=("self",))
        .select_related("order", "seller")
        .get(pk=parcel.pk)
    )


def declaration_prepare(*, parcel: OrderParcel, waybill: str) -> CustomsDeclaration:
    """Build and validate the declaration of ``parcel`` for ``waybill``.

    Every problem at once: ``DomainError`` ``declaration_invalid`` (422), ``detail.problems`` =
    ``[{"field", "message"}]``, and nothing written. A parcel's declaration is created once;
    preparing it again while it is still ``prepared`` rebuilds it (data fixed since), and once
    submitted returns it unchanged (a repeated call from logistics is harmless)."""
    waybill = (waybill or "").strip()
    with transaction.atomic():
        locked = _locked_parcel(parcel)
        existing = (
            CustomsDeclaration.objects.select_for_update().filter(order_parcel=locked).first()
        )
        if existing is not None and existing.status != S.PREPARED:
            return existing
        if getattr(locked, "refunded_at", None) is not None or locked.order.status in (
            OrderStatus.CANCELLED,
            OrderStatus.REFUNDED,
        ):
            raise Conflict(
                f"parcel {locked.code} was refunded or its order cancelled: nothing to declare",
                {"parcel": locked.code, "order_status": locked.order.status},
                code=ClearanceErrorCode.PARCEL_NOT_DECLARABLE,
            )
        content = declaration_content(parcel=locked, waybill=waybill, on=clock.today())
        problems = declaration_problems(content)
        if problems:
            raise problems_error(problems)
        now = clock.now()
        fields = {
            "destination": content["destination"],
            "waybill": waybill,
            "incoterm": content["incoterm"],
            "currency": content["currency"],
            "goods_value_minor": content["goods_value_minor"],
            "content": content,
            "updated_at": now,
        }
        if existing is None:
            declaration = CustomsDeclaration.objects.create(
                order_parcel=locked,
                status=S.PREPARED,
                authority=authority_for_destination(content["destination"]),
                **fields,
            )
        else:
            declaration = existing
            for name, value in fields.items():
                setattr(declaration, name, value)
            declaration.save(update_fields=list(fields))
        audit_record(
            tag="customs:declaration:prepared",
            subject=declaration,
            data={"parcel": content["parcel"], "waybill": waybill},
        )
    return declaration


# -- submitting -----------------------------------------------------------------------------------
def declaration_submit(*, declaration: CustomsDeclaration) -> CustomsDeclaration:
    """Send a prepared declaration to its authority (attempt 1). For China the three records are
    built and matched first: a mismatch holds it (decision ``held``, listeners told) and nothing
    is sent. Calling it again once submitted returns the declaration unchanged."""
    with transaction.atomic():
        locked = CustomsDeclaration.objects.select_for_update().get(pk=declaration.pk)
        if locked.status != S.PREPARED:
            return locked
        _submission_make(locked, content=locked.content, documents=[], note="", actor=None)
    locked.refresh_from_db()
    return locked


def _records(
    declaration: CustomsDeclaration, parcel: OrderParcel, content: Mapping[str, Any]
) -> dict[str, Any]:
    """China's three records for ``parcel``, from where each party's data lives now."""
    order = parcel.order
    lines = list(parcel.lines.order_by("id"))
    ebp_code = str((content.get("registration") or {}).get("number") or "")
    captured = list(china_records.PAYMENT_CAPTURED)
    refs = [order.reference, parcel.escrow_reference]
    payment = (
        Payment.objects.filter(order_ref__in=refs, status__in=captured)
        .order_by("-captured_at", "-id")
        .first()
        or Payment.objects.filter(order_ref__in=refs).order_by("-created_at", "-id").first()
    )
    others = sum(
        p.payable_minor for p in OrderParcel.objects.filter(order=order).exclude(pk=parcel.pk)
    )
    return {
        "order": china_records.order_record(
            order=order, parcel=parcel, lines=lines, seller=parcel.seller, ebp_code=ebp_code
        ),
        "payment": china_records.payment_record(
            order=order,
            parcel=parcel,
            payment=payment,
            payer=order.quote,
            other_parcels_payable_minor=others,
            ebp_code=ebp_code,
        ),
        "logistics": china_records.logistics_record(
            order=order,
            parcel=parcel,
            lines=lines,
            waybill=declaration.waybill,
            carrier=LOGISTICS_CODE,
        ),
    }


def _submission_make(
    declaration: CustomsDeclaration,
    *,
    content: dict[str, Any],
    documents: list[str],
    note: str,
    actor: Any,
) -> DeclarationSubmission:
    """Attempt ``n + 1`` for a locked declaration (prepared or held)."""
    number = declaration.attempts + 1
    submission = DeclarationSubmission.objects.create(
        declaration=declaration,
        number=number,
        authority=declaration.authority,
        content=content,
        documents=documents,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    CustomsDeclaration.objects.filter(pk=declaration.pk).update(
        attempts=number, content=content, updated_at=clock.now()
    )
    declaration.attempts, declaration.content = number, content
    if declaration.destination in IDENTITY_REQUIRED:
        parcel = OrderParcel.objects.select_related("order", "order__quote", "seller").get(
            pk=declaration.order_parcel_id
        )
        records = _records(declaration, parcel, content)
        submission.channel_records = records
        submission.save(update_fields=["channel_records"])
        mismatches = china_records.records_match(
            declaration=content,
            order=records["order"],
            payment=records["payment"],
            logistics=records["logistics"],
        )
        if mismatches:
            _decide(
                declaration,
                submission=submission,
                decision=Decision.HELD,
                reason="China's order, payment and logistics records do not match: "
                + "; ".join(f"{m.kind}: {m.message}" for m in mismatches),
                source="china_matching",
                actor=actor,
                data={"mismatches": [m.as_dict() for m in mismatches]},
            )
            return submission
    authority = get_authority(declaration.authority)
    submission.reference = authority.submit(submission=submission)
    submission.save(update_fields=["reference"])
    _move(declaration, S.SUBMITTED, reason="", documents_requested=[])
    audit_record(
        tag="customs:declaration:submitted",
        subject=declaration,
        actor=actor,
        data={
            "attempt": number,
            "authority": declaration.authority,
            "reference": submission.reference,
            "documents": documents,
        },
    )
    return submission


def _move(declaration: CustomsDeclaration, target: DeclarationStatus, **fields: Any) -> None:
    """Conditional update from the status we saw; a concurrent change is a 409."""
    seen = declaration.status
    if not (seen == target == S.HELD):  # held again (China's records still differ): allowed
        transition_check(seen, target)
    updated = CustomsDeclaration.objects.filter(pk=declaration.pk, status=seen).update(
        status=target, updated_at=clock.now(), **fields
    )
    if updated != 1:
        raise Conflict(
            "the declaration changed meanwhile; reload it",
            {"declaration": declaration.pk},
            code=ClearanceErrorCode.ILLEGAL_TRANSITION,
        )
    declaration.status = target
    for name, value in fields.items():
        setattr(declaration, name, value)


def _decide(
    declaration: CustomsDeclaration,
    *,
    submission: DeclarationSubmission | None,
    decision: str,
    reason: str,
    source: str,
    documents_requested: tuple[str, ...] | list[str] = (),
    event_id: str = "",
    actor: Any = None,
    data: dict[str, Any] | None = None,
) -> CustomsDecision:
    now = clock.now()
    target = DeclarationStatus(decision)
    _move(
        declaration,
        target,
        reason=reason,
        documents_requested=list(documents_requested),
        decided_at=now,
    )
    row = CustomsDecision.objects.create(
        declaration=declaration,
        submission=submission,
        decision=str(decision),
        reason=reason,
        documents_requested=list(documents_requested),
        source=source,
        event_id=event_id,
        actor=actor if getattr(actor, "pk", None) else None,
        decided_at=now,
    )
    audit_record(
        tag=f"customs:declaration:{decision}",
        subject=declaration,
        actor=actor,
        data={
            "reason": reason,
            "source": source,
            "attempt": submission.number if submission else None,
            "event": event_id or None,
            **(data or {}),
        },
    )
    if str(decision) in OUTCOMES:
        transaction.on_commit(functools.partial(_notify_decision, row.pk))
    return row


def _notify_decision(decision_pk: int) -> bool:
    row = CustomsDecision.objects.select_related("declaration").get(pk=decision_pk)
    ok = notify_decision_listeners(
        order_parcel_id=row.declaration.order_parcel_id,
        declaration_id=row.declaration_id,
        outcome=row.decision,
        reason=row.reason,
    )
    if ok:
        CustomsDecision.objects.filter(pk=decision_pk, notified_at__isnull=True).update(
            notified_at=clock.now()
        )
    return ok


def declarations_notify_pending() -> list[tuple[int, str, bool]]:
    """Run the decision listeners again for decisions whose notification failed:
    ``[(declaration id, outcome, ok)]``."""
    pending = CustomsDecision.objects.filter(
        decision__in=sorted(OUTCOMES), notified_at__isnull=True
    ).order_by("decided_at", "id")
    return [(d.declaration_id, d.decision, _notify_decision(d.pk)) for d in list(pending)]


# -- decision callbacks -------------------------------------------------------------------------
def _record_callback(
    *,
    authority: str,
    headers: Mapping[str, str],
    body: bytes,
    verdict: CallbackVerdict,
    reason: str = "",
    event: Any = None,
    declaration: CustomsDeclaration | None = None,
) -> AuthorityCallback:
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    return AuthorityCallback.objects.create(
        authority=authority[:32],
        declaration=declaration,
        event_id=event.event_id if event else "",
        decision=str(event.decision) if event else "",
        verdict=verdict,
        reason=reason[:300],
        headers={n: lowered[n.lower()][:300] for n in RECORDED_HEADERS if n.lower() in lowered},
        body_sha256=hashlib.sha256(body).hexdigest(),
        body_size=len(body),
        signed_at=dt.datetime.fromtimestamp(event.signed_at, tz=dt.UTC) if event else None,
    )


def declaration_handle_callback(
    *, authority: str, headers: Mapping[str, str], body: bytes
) -> CustomsDeclaration:
    """Act on one authority decision callback, given exactly as it arrived.

    Verified by the authority (bad signature, replay, malformed: ``CallbackRefused``, 400), then
    recorded as an ``AuthorityCallback`` whatever the verdict, then applied under a lock on the
    declaration. A callback already applied (same event id), or one for an earlier attempt, is
    recorded as ``duplicate`` and changes nothing; one that contradicts the declaration's state
    (cleared → held) is refused (409)."""
    try:
        implementation = get_authority(authority)
        event = implementation.handle_decision_callback(headers=headers, body=body)
    except CallbackRefused as exc:
        _record_callback(
            authority=authority, headers=headers, body=body, verdict=exc.verdict, reason=exc.message
        )
        raise
    except DomainError as exc:  # unknown or disabled authority
        _record_callback(
            authority=authority,
            headers=headers,
            body=body,
            verdict=CallbackVerdict.REJECTED,
            reason=exc.message,
        )
        raise

    refusal: CallbackRefused | None = None
    declaration: CustomsDeclaration | None = None
    with transaction.atomic():
        submission = (
            DeclarationSubmission.objects.filter(
                authority=authority, reference=event.submission_reference
            )
            .select_related("declaration")
            .first()
        )
        if submission is None:
            refusal = CallbackRefused(
                ClearanceErrorCode.UNKNOWN_SUBMISSION,
                f"no {authority} submission with reference {event.submission_reference!r}",
                CallbackVerdict.REJECTED,
                status=404,
            )
        else:
            declaration = CustomsDeclaration.objects.select_for_update().get(
                pk=submission.declaration_id
            )
            duplicate = ""
            if CustomsDecision.objects.filter(
                declaration=declaration, event_id=event.event_id
            ).exists():
                duplicate = "this decision was already applied"
            elif submission.number != declaration.attempts:
                duplicate = (
                    f"decision for attempt {submission.number}; the declaration is on "
                    f"attempt {declaration.attempts}"
                )
            elif declaration.status == event.decision:
                duplicate = f"the declaration is already {declaration.status}"
            if duplicate:
                _record_callback(
                    authority=authority,
                    headers=headers,
                    body=body,
                    verdict=CallbackVerdict.DUPLICATE,
                    reason=duplicate,
                    event=event,
                    declaration=declaration,
                )
                return declaration
            try:
                with transaction.atomic():
                    _decide(
                        declaration,
                        submission=submission,
                        decision=event.decision,
                        reason=event.reason,
                        documents_requested=event.documents_requested,
                        source="authority",
                        event_id=event.event_id,
                    )
            except DomainError as exc:
                declaration.refresh_from_db()
                refusal = CallbackRefused(
                    ClearanceErrorCode.CALLBACK_REJECTED,
                    exc.message,
                    CallbackVerdict.REJECTED,
                    status=409,
                )
            else:
                _record_callback(
                    authority=authority,
                    headers=headers,
                    body=body,
                    verdict=CallbackVerdict.ACCEPTED,
                    event=event,
                    declaration=declaration,
                )
        if refusal is not None:
            _record_callback(
                authority=authority,
                headers=headers,
                body=body,
                verdict=refusal.verdict,
                reason=refusal.message,
                event=event,
                declaration=declaration,
            )
    if refusal is not None:
        raise refusal
    assert declaration is not None
    return declaration


# -- holds ----------------------------------------------------------------------------------------
def _held(declaration: CustomsDeclaration) -> CustomsDeclaration:
    locked = CustomsDeclaration.objects.select_for_update().get(pk=declaration.pk)
    if locked.status != S.HELD:
        raise Conflict(
            f"the declaration is {locked.status}, not held",
            {"declaration": locked.pk, "status": locked.status},
            code=ClearanceErrorCode.ILLEGAL_TRANSITION,
        )
    return locked


def declaration_hold_resolve(
    *,
    declaration: CustomsDeclaration,
    documents: list[str] | None = None,
    note: str = "",
    actor: Any,
) -> CustomsDeclaration:
    """Resolve a hold: the hub supplies ``documents`` (names of what it sends, e.g. "import
    permit") and/or a ``note``; the declaration is rebuilt from the order as it is now (data fixed
    since the hold count), validated, and submitted again as a new attempt — a new decision
    follows. Refuses (422) a resolution with neither documents nor note, (409) a declaration
    that is not held, and (422 ``declaration_invalid``) one that is still incomplete."""
    supplied = [d.strip() for d in (documents or []) if isinstance(d, str) and d.strip()]
    note = (note or "").strip()
    if not supplied and not note:
        raise DomainError(
            ClearanceErrorCode.NOTHING_SUPPLIED,
            "say what resolves the hold: the documents supplied, or a note",
            {"field": "documents"},
            status=422,
        )
    with transaction.atomic():
        locked = _held(declaration)
        parcel = OrderParcel.objects.select_related("order", "seller").get(
            pk=locked.order_parcel_id
        )
        content = declaration_content(parcel=parcel, waybill=locked.waybill, on=clock.today())
        problems = declaration_problems(content)
        if problems:
            raise problems_error(problems)
        audit_record(
            tag="customs:declaration:hold_resolved",
            subject=locked,
            actor=actor,
            data={"documents": supplied, "note": note, "attempt": locked.attempts + 1},
        )
        _submission_make(locked, content=content, documents=supplied, note=note, actor=actor)
    locked.refresh_from_db()
    return locked


def declaration_return_to_seller(
    *, declaration: CustomsDeclaration, reason: str, actor: Any
) -> CustomsDeclaration:
    """End a hold: the parcel goes back to the seller (outcome ``returned``; logistics then
    refunds the buyer through ``order_parcel_refund``)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            ClearanceErrorCode.REASON_REQUIRED,
            "say why the parcel goes back to the seller",
            {"field": "reason"},
            status=422,
        )
    with transaction.atomic():
        locked = _held(declaration)
        latest = locked.submissions.order_by("-number").first()
        _decide(
            locked,
            submission=latest,
            decision=Outcome.RETURNED,
            reason=reason,
            source="hub",
            actor=actor,
        )
    locked.refresh_from_db()
    return locked


# -- reads ----------------------------------------------------------------------------------------
def _is_hub_staff(user: Any) -> bool:
    from ehub.accounts.models import Role

    return bool(
        getattr(user, "is_authenticated", False)
        and (
            getattr(user, "role", None) in (Role.HUB_OPERATOR, Role.PLATFORM_ADMIN)
            or getattr(user, "is_superuser", False)
        )
    )


def clearance_require_hub_staff(*, user: Any) -> None:
    if not _is_hub_staff(user):
        raise PermissionDenied("only hub operators and platform admins may do that")


def declaration_get(*, declaration_id: int) -> CustomsDeclaration:
    found = (
        CustomsDeclaration.objects.select_related("order_parcel").filter(pk=declaration_id).first()
    )
    if found is None:
        raise NotFound(
            f"no customs declaration {declaration_id}", code=ClearanceErrorCode.UNKNOWN_DECLARATION
        )
    return found


def declaration_for_parcel_visible_to(*, parcel_code: str, caller: Any) -> CustomsDeclaration:
    """The declaration of the parcel ``parcel_code`` (``EHP...``), for a hub operator, a platform
    admin or the parcel's seller (staff or API key); anyone else gets the same 404 as for a
    parcel without a declaration."""
    from ehub.orders.domain import parcel_code_parse
    from ehub.sellers.models import Seller
    from ehub.sellers.selectors import seller_for_user

    order_id, number = parcel_code_parse(parcel_code)
    declaration = (
        CustomsDeclaration.objects.select_related("order_parcel")
        .filter(order_parcel__order_id=order_id, order_parcel__number=number)
        .first()
    )
    seller = caller if isinstance(caller, Seller) else None
    if seller is None and not _is_hub_staff(caller) and getattr(caller, "is_authenticated", False):
        seller = seller_for_user(user=caller)
    allowed = _is_hub_staff(caller) or (
        declaration is not None
        and seller is not None
        and declaration.order_parcel.seller_id == seller.pk
    )
    if declaration is None or not allowed:
        raise NotFound(
            f"no customs declaration for parcel {parcel_code}",
            code=ClearanceErrorCode.UNKNOWN_DECLARATION,
        )
    return declaration


def declarations_held() -> list[CustomsDeclaration]:
    """Held declarations, oldest first (the hub's exceptions list)."""
    return list(
        CustomsDeclaration.objects.filter(status=S.HELD)
        .select_related("order_parcel")
        .order_by("updated_at", "id")
    )
