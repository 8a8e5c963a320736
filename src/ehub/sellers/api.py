"""The signed-in seller: profile, staff-only data, API keys; and verification for platform admins.

Every endpoint here answers for the caller's own seller only. There is no seller id in these
paths, so one seller's staff cannot even name another seller's data.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from ehub.accounts.models import User
from ehub.core.auth import session_auth, session_or_key
from ehub.core.errors import NotFound, PermissionDenied
from ehub.sellers.errors import SellerErrorCode
from ehub.sellers.models import Seller, SellerApiKey
from ehub.sellers.schemas import (
    ApiKeyCreatedOut,
    ApiKeyIn,
    ApiKeyOut,
    SellerIn,
    SellerOut,
    SellerPatch,
    VerificationIn,
)
from ehub.sellers.selectors import seller_for_user_or_error
from ehub.sellers.services import (
    seller_api_key_create,
    seller_api_key_revoke,
    seller_register,
    seller_set_verification,
    seller_update,
)

router = Router(tags=["sellers"])


def current_seller(request: HttpRequest) -> Seller:
    """The seller the caller acts for: the key's seller, or the signed-in user's seller."""
    if isinstance(request.auth, Seller):
        return request.auth
    return seller_for_user_or_error(user=request.auth)


def acting_user(request: HttpRequest) -> User | None:
    return request.auth if isinstance(request.auth, User) else None


def seller_out(seller: Seller) -> SellerOut:
    return SellerOut.from_orm(seller)


def api_key_out(key: SellerApiKey) -> ApiKeyOut:
    return ApiKeyOut(
        id=key.pk,
        name=key.name,
        prefix=key.prefix,
        created_at=key.created_at,
        last_used_at=key.last_used_at,
        revoked_at=key.revoked_at,
    )


@router.post(
    "/sellers",
    response={201: SellerOut},
    auth=session_auth,
    summary="Sign a business up; the signed-in user becomes its owner, pending verification",
)
def seller_signup(request: HttpRequest, body: SellerIn) -> Status:
    seller = seller_register(user=request.auth, **body.dict(exclude_none=True))
    return Status(201, seller_out(seller))


@router.get("/seller", response=SellerOut, auth=session_or_key, summary="The caller's seller")
def seller_me(request: HttpRequest) -> SellerOut:
    return seller_out(current_seller(request))


@router.patch("/seller", response=SellerOut, auth=session_or_key)
def seller_me_update(request: HttpRequest, body: SellerPatch) -> SellerOut:
    seller = seller_update(
        seller=current_seller(request), actor=acting_user(request), **body.dict(exclude_none=True)
    )
    return seller_out(seller)


@router.get("/seller/api-keys", response=list[ApiKeyOut], auth=session_auth)
def api_keys(request: HttpRequest) -> list[ApiKeyOut]:
    seller = current_seller(request)
    return [api_key_out(k) for k in seller.api_keys.all()]


@router.post(
    "/seller/api-keys",
    response={201: ApiKeyCreatedOut},
    auth=session_auth,
    summary="Create an API key; the key is in this response only, never again",
)
def api_key_create(request: HttpRequest, body: ApiKeyIn) -> Status:
    key, raw = seller_api_key_create(
        seller=current_seller(request), name=body.name, actor=request.auth
    )
    return Status(201, ApiKeyCreatedOut(**api_key_out(key).dict(), key=raw))


@router.delete("/seller/api-keys/{key_id}", response=ApiKeyOut, auth=session_auth)
def api_key_revoke(request: HttpRequest, key_id: int) -> ApiKeyOut:
    key = seller_api_key_revoke(seller=current_seller(request), key_id=key_id, actor=request.auth)
    return api_key_out(key)


@router.post(
    "/admin/sellers/{seller_id}/verification",
    response=SellerOut,
    auth=session_auth,
    summary="Platform admins: verify or reject a seller (a rejection needs a reason)",
)
def seller_verification(request: HttpRequest, seller_id: int, body: VerificationIn) -> SellerOut:
    if not request.auth.is_platform_admin:
        raise PermissionDenied("only platform admins verify sellers")
    seller = Seller.objects.filter(pk=seller_id).first()
    if seller is None:
        raise NotFound("no such seller", code=SellerErrorCode.SELLER_NOT_FOUND)
    seller = seller_set_verification(
        seller=seller, actor=request.auth, status=body.status, reason=body.reason
    )
    return seller_out(seller)
