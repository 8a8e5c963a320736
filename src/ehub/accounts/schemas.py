from __future__ import annotations

from ninja import Schema


class SignInIn(Schema):
    email: str
    password: str


class SignUpIn(Schema):
    email: str
    password: str
    full_name: str = ""
    home_country: str = ""
    preferred_language: str = "en"


class MeOut(Schema):
    email: str
    full_name: str
    role: str
    home_country: str
    preferred_language: str
    seller: str | None


class CsrfOut(Schema):
    csrf_token: str
