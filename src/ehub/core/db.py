"""Database helpers shared by every domain."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


class ExactDecimalField(models.CharField):
    """A Decimal stored as its exact text.

    SQLite has no exact decimal type (Django's DecimalField goes through REAL there), so rates that
    must round-trip exactly (FX rates, tax and commission rates) are stored as canonical decimal
    strings. Not for sorting or arithmetic in SQL; money amounts use integer minor units instead.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Decimal | None:
        return None if value is None else Decimal(value)

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        if isinstance(value, float):
            raise ValidationError("floats are not accepted for exact decimals")
        try:
            return Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise ValidationError(f"{value!r} is not a decimal number") from exc

    def get_prep_value(self, value: Any) -> str | None:
        decimal_value = self.to_python(value)
        if decimal_value is None:
            return None
        if not decimal_value.is_finite():
            raise ValidationError("decimal must be finite")
        # Not ``normalize()``: it rounds to the context precision (28 digits), which is not exact.
        text = format(decimal_value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else format(value, "f")

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return forms.DecimalField(**kwargs)
