"""Ledger test helpers for every domain's tests: entries go through the services, never the ORM
(the database refuses edits, and a hand-made entry could be unbalanced)."""

from __future__ import annotations

from decimal import Decimal

import factory

from ehub.core.money import Money
from ehub.ledger.models import CommissionRate, JournalEntry
from ehub.ledger.services import escrow_fund
from ehub.sellers.tests.factories import SellerFactory


class CommissionRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissionRate

    seller = factory.SubFactory(SellerFactory)
    category = None
    rate = Decimal("0.05")


def funded_escrow(
    order_ref: str, amount: Money | None = None, *, provider: str = "sandbox"
) -> JournalEntry:
    """A captured payment for ``order_ref`` (default EUR 100.00) sitting in escrow."""
    return escrow_fund(
        order_ref=order_ref,
        amount=amount or Money("100.00", "EUR"),
        provider=provider,
        idempotency_key=f"test-capture-{order_ref}",
    )
