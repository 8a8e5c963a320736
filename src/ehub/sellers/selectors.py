from __future__ import annotations

import hmac

from ehub.accounts.models import User
from ehub.core import clock
from ehub.core.errors import DomainError
from ehub.sellers.errors import SellerErrorCode
from ehub.sellers.models import Seller, SellerApiKey
from ehub.sellers.services import API_KEY_PREFIX, api_key_digest


def seller_for_user(*, user: User) -> Seller | None:
    membership = getattr(user, "seller_membership", None) if user.is_authenticated else None
    try:
        return membership.seller if membership else None
    except Seller.DoesNotExist:  # pragma: no cover - cascade keeps this from happening
        return None


def seller_for_user_or_error(*, user: User) -> Seller:
    seller = seller_for_user(user=user)
    if seller is None:
        raise DomainError(
            SellerErrorCode.NOT_SELLER_STAFF, "this account does not work for a seller", status=403
        )
    return seller


def seller_from_api_key(*, raw_key: str) -> Seller | None:
    """The seller an active key belongs to, or None. Marks the key as used."""
    if not raw_key.startswith(API_KEY_PREFIX):
        return None
    prefix = raw_key[len(API_KEY_PREFIX) :].split("_", 1)[0]
    key = SellerApiKey.objects.select_related("seller").filter(prefix=prefix).first()
    if key is None or key.revoked_at is not None:
        return None
    if not hmac.compare_digest(key.key_digest, api_key_digest(raw_key)):
        return None
    SellerApiKey.objects.filter(pk=key.pk).update(last_used_at=clock.now())
    return key.seller


def seller_api_key_list(*, seller: Seller) -> list[SellerApiKey]:
    """The seller's API keys, newest first, revoked ones included (never their secret)."""
    return list(seller.api_keys.select_related("created_by").order_by("-created_at", "-id"))


def seller_list(*, verified_only: bool = True) -> list[Seller]:
    sellers = Seller.objects.all()
    if verified_only:
        sellers = sellers.filter(verification_status="verified")
    return list(sellers)
