"""API schemas shared by every domain."""

from __future__ import annotations

from typing import overload

from ninja import Schema

from ehub.core.money import Money


class MoneyOut(Schema):
    """An amount as the API shows it: a decimal string on the currency's minor unit + ISO code."""

    amount: str
    currency: str

    @overload
    @classmethod
    def of(cls, money: Money) -> MoneyOut: ...

    @overload
    @classmethod
    def of(cls, money: None) -> None: ...

    @classmethod
    def of(cls, money: Money | None) -> MoneyOut | None:
        if money is None:
            return None
        return cls(amount=str(money.quantize().amount), currency=money.currency)

    @classmethod
    def of_minor(cls, minor: int, currency: str) -> MoneyOut:
        return cls.of(Money.from_minor_units(minor, currency))
