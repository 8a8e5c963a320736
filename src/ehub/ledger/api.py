"""Ledger reads over HTTP: the caller's seller statement; an order's money trail for admins.

Not yet mounted: ``ehub.api`` adds ``ehub.ledger.api.router`` with ``api.add_router("/", ...)``.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from ehub.accounts.models import User
from ehub.core.auth import session_auth, session_or_key
from ehub.core.currencies import UnknownCurrency, normalize_currency
from ehub.core.errors import CoreErrorCode, DomainError, PermissionDenied
from ehub.core.money import Money
from ehub.ledger.schemas import (
    MoneyOut,
    OrderTrailOut,
    PostingOut,
    StatementLineOut,
    StatementOut,
    TrailEntryOut,
)
from ehub.ledger.selectors import order_money_trail, seller_statement
from ehub.sellers.models import Seller
from ehub.sellers.selectors import seller_for_user_or_error

router = Router(tags=["ledger"])


def _caller_seller(request: HttpRequest) -> Seller:
    auth = getattr(request, "auth", None)
    if isinstance(auth, Seller):
        return auth
    if not isinstance(auth, User):
        raise PermissionDenied("sign in as seller staff or use a seller API key")
    return seller_for_user_or_error(user=auth)


@router.get(
    "/seller/statement",
    response=StatementOut,
    auth=session_or_key,
    summary="The caller's seller statement: what it was owed and paid, with a running balance",
)
def seller_statement_get(request: HttpRequest, currency: str | None = None) -> StatementOut:
    seller = _caller_seller(request)
    try:
        code = normalize_currency(currency or seller.payout_currency)
    except UnknownCurrency as exc:
        raise DomainError(
            CoreErrorCode.UNKNOWN_CURRENCY, str(exc), {"field": "currency"}, status=422
        ) from exc
    lines = seller_statement(seller=seller, currency=code)
    return StatementOut(
        seller_id=seller.pk,
        currency=code,
        balance=MoneyOut.of(lines[-1].balance if lines else Money.zero(code)),
        lines=[
            StatementLineOut(
                entry_id=line.entry_id,
                created_at=line.created_at,
                kind=line.kind,
                reference=line.reference,
                memo=line.memo,
                amount=MoneyOut.of(line.amount),
                balance=MoneyOut.of(line.balance),
            )
            for line in lines
        ],
    )


@router.get(
    "/admin/ledger/orders/{order_ref}/trail",
    response=OrderTrailOut,
    auth=session_auth,
    summary="Platform admins: every ledger entry about an order, with its postings",
)
def order_money_trail_get(request: HttpRequest, order_ref: str) -> OrderTrailOut:
    auth = getattr(request, "auth", None)
    if not (isinstance(auth, User) and auth.is_platform_admin):
        raise PermissionDenied("only platform admins see an order's money trail")
    trail = order_money_trail(order_ref=order_ref)
    return OrderTrailOut(
        order_ref=order_ref,
        entries=[
            TrailEntryOut(
                entry_id=item.entry.pk,
                created_at=item.entry.created_at,
                kind=item.entry.kind,
                reference=item.entry.reference,
                memo=item.entry.memo,
                reverses=item.entry.reverses_id,
                postings=[
                    PostingOut(
                        account=str(p.account.key),
                        purpose=p.account.purpose,
                        owner_type=p.account.owner_type,
                        owner_id=p.account.owner_id,
                        amount=MoneyOut.of(p.amount),
                    )
                    for p in item.postings
                ],
            )
            for item in trail
        ],
    )
