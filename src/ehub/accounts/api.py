"""Session sign-in for the API and the web. Integrations use seller API keys instead."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest
from django.middleware.csrf import get_token
from ninja import Router, Status

from ehub.accounts.models import User
from ehub.accounts.schemas import CsrfOut, MeOut, SignInIn, SignUpIn
from ehub.accounts.services import AccountErrorCode, buyer_sign_up
from ehub.core.auth import session_auth
from ehub.core.errors import DomainError
from ehub.sellers.selectors import seller_for_user

router = Router(tags=["accounts"])


def me_out(user: User) -> MeOut:
    seller = seller_for_user(user=user)
    return MeOut(
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        home_country=user.home_country,
        preferred_language=user.preferred_language,
        seller=seller.slug if seller else None,
    )


@router.get("/auth/csrf", response=CsrfOut, summary="Get a CSRF token (also set as a cookie)")
def csrf(request: HttpRequest) -> CsrfOut:
    return CsrfOut(csrf_token=get_token(request))


@router.post("/auth/sign-up", response={201: MeOut}, summary="Create a buyer account and sign in")
def sign_up(request: HttpRequest, body: SignUpIn) -> Status:
    user = buyer_sign_up(**body.dict())
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return Status(201, me_out(user))


@router.post("/auth/sign-in", response=MeOut, summary="Sign in with email and password")
def sign_in(request: HttpRequest, body: SignInIn) -> MeOut:
    user = authenticate(request, username=body.email, password=body.password)
    if user is None:
        raise DomainError(AccountErrorCode.BAD_CREDENTIALS, "wrong email or password", status=401)
    login(request, user)
    return me_out(user)


@router.post("/auth/sign-out", response={204: None}, auth=session_auth)
def sign_out(request: HttpRequest) -> Status:
    logout(request)
    return Status(204, None)


@router.get("/auth/me", response=MeOut, auth=session_auth)
def me(request: HttpRequest) -> MeOut:
    return me_out(request.auth)
