from __future__ import annotations

import pycountry
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from ehub.accounts.models import Role, User, normalize_email
from ehub.core.errors import Conflict, DomainError
from ehub.core.events import audit_record


class AccountErrorCode:
    INVALID_ACCOUNT = "invalid_account"
    EMAIL_TAKEN = "email_taken"
    BAD_CREDENTIALS = "bad_credentials"


def _invalid(field: str, message: str) -> DomainError:
    return DomainError(AccountErrorCode.INVALID_ACCOUNT, message, {"field": field}, status=422)


@transaction.atomic
def buyer_sign_up(
    *,
    email: str,
    password: str,
    full_name: str = "",
    home_country: str = "",
    preferred_language: str = "en",
) -> User:
    """A buyer account. Sellers sign up as buyers first, then register their business."""
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError as exc:
        raise _invalid("email", "that is not an email address") from exc
    country = home_country.strip().upper()
    if country and pycountry.countries.get(alpha_2=country) is None:
        raise _invalid("home_country", f"{home_country!r} is not an ISO 3166 country code")
    candidate = User(email=email, full_name=full_name.strip())
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise _invalid("password", " ".join(exc.messages)) from exc
    if User.objects.filter(email=email).exists():
        raise Conflict("an account with this email already exists", {"field": "email"},
                       code=AccountErrorCode.EMAIL_TAKEN)  # fmt: skip
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=password,
                full_name=full_name.strip(),
                role=Role.BUYER,
                home_country=country,
                preferred_language=preferred_language,
            )
    except IntegrityError as exc:  # a concurrent sign-up with the same email
        raise Conflict("an account with this email already exists", {"field": "email"},
                       code=AccountErrorCode.EMAIL_TAKEN) from exc  # fmt: skip
    audit_record(tag="user:signed_up", subject=user, actor=user)
    return user
