"""API authentication: the web session, or a seller's API key.

A key is sent as ``Authorization: Bearer ehub_sk_...`` or ``X-API-Key: ehub_sk_...``. A request
authenticated by key acts as that seller and nothing else (``request.auth`` is the Seller);
a session request acts as the signed-in user (``request.auth`` is the User).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth


class SellerKeyHeader(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        from ehub.sellers.selectors import seller_from_api_key

        return seller_from_api_key(raw_key=key) if key else None


class SellerKeyBearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from ehub.sellers.selectors import seller_from_api_key

        return seller_from_api_key(raw_key=token) if token else None


session_auth = SessionAuth()
session_or_key = [SellerKeyBearer(), SellerKeyHeader(), session_auth]


class AuthedRequest(HttpRequest):
    """For type hints only: a request django-ninja authenticated. ``auth`` is what the
    authenticator returned (the signed-in User, or the Seller of an API key)."""

    auth: Any
