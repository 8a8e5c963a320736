"""Customs clearance over HTTP: authorities' decision callbacks (signature only), a parcel's
declaration (hub operators, platform admins, the parcel's seller), the held list and the hub's
hold actions (hub operators and platform admins).

Mounted by ``ehub.api`` with ``api.add_router("/", ehub.customs.clearance_api.router)``.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from ehub.core.auth import session_auth, session_or_key
from ehub.customs.clearance import (
    clearance_require_hub_staff,
    declaration_for_parcel_visible_to,
    declaration_get,
    declaration_handle_callback,
    declaration_hold_resolve,
    declaration_return_to_seller,
    declarations_held,
)
from ehub.customs.clearance_schemas import CallbackAckOut, DeclarationOut, HoldResolveIn, ReturnIn

router = Router(tags=["customs clearance"])


@router.post(
    "/customs/authorities/{authority}/callback",
    response={200: CallbackAckOut},
    auth=None,
    summary="A customs authority's signed decision (Ehub-Signature: t=<unix>,v1=<HMAC-SHA256>)",
    description=(
        "No session or key: the signature is the authentication. 200 when accepted or a "
        "duplicate; 400 for a bad signature, a replayed timestamp or a malformed body; 404 for "
        "an unknown authority or submission; 409 when it contradicts the declaration's state. "
        "Every callback is recorded. See docs/customs-declarations.md."
    ),
)
def authority_callback_post(request: HttpRequest, authority: str) -> CallbackAckOut:
    declaration_handle_callback(
        authority=authority, headers=dict(request.headers), body=request.body
    )
    return CallbackAckOut(received=True)


@router.get(
    "/customs/parcels/{parcel_code}/declaration",
    response=DeclarationOut,
    auth=session_or_key,
    summary="A parcel's customs declaration, its submissions and decisions",
    description="Hub operators, platform admins and the parcel's seller; others get a 404.",
)
def parcel_declaration_get(request: HttpRequest, parcel_code: str) -> DeclarationOut:
    declaration = declaration_for_parcel_visible_to(
        parcel_code=parcel_code,
        caller=request.auth,  # type: ignore[attr-defined]
    )
    return DeclarationOut.of(declaration)


@router.get(
    "/customs/declarations/held",
    response=list[DeclarationOut],
    auth=session_auth,
    summary="Held declarations, oldest first (hub operators and platform admins)",
)
def held_declarations_list(request: HttpRequest) -> list[DeclarationOut]:
    clearance_require_hub_staff(user=request.auth)  # type: ignore[attr-defined]
    return [DeclarationOut.of(d) for d in declarations_held()]


@router.post(
    "/customs/declarations/{declaration_id}/resolve",
    response=DeclarationOut,
    auth=session_auth,
    summary="Resolve a hold with the documents supplied and/or a note: submitted again",
)
def declaration_resolve_post(
    request: HttpRequest, declaration_id: int, payload: HoldResolveIn
) -> DeclarationOut:
    user = request.auth  # type: ignore[attr-defined]
    clearance_require_hub_staff(user=user)
    declaration = declaration_hold_resolve(
        declaration=declaration_get(declaration_id=declaration_id),
        documents=payload.documents,
        note=payload.note,
        actor=user,
    )
    return DeclarationOut.of(declaration)


@router.post(
    "/customs/declarations/{declaration_id}/return",
    response=DeclarationOut,
    auth=session_auth,
    summary="End a hold: the parcel returns to the seller (the buyer is then refunded)",
)
def declaration_return_post(
    request: HttpRequest, declaration_id: int, payload: ReturnIn
) -> DeclarationOut:
    user = request.auth  # type: ignore[attr-defined]
    clearance_require_hub_staff(user=user)
    declaration = declaration_return_to_seller(
        declaration=declaration_get(declaration_id=declaration_id),
        reason=payload.reason,
        actor=user,
    )
    return DeclarationOut.of(declaration)
