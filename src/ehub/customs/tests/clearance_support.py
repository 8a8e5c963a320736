"""Set-up for the customs clearance tests: paid orders' parcels, sandbox rules, listeners."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ehub.catalog.models import Variant
from ehub.orders.models import OrderParcel
from ehub.orders.tests.helpers import cn_quote, my_quote, paid_order, variant, world

WAYBILL = "SBX1234567890"


def addressed(v: Variant) -> Variant:
    """Give the variant's seller a full consignor address (the factory leaves lines empty)."""
    seller = v.product.seller
    seller.address_line1 = "12 Lebuh Pantai"
    seller.postal_code = "10300"
    seller.save(update_fields=["address_line1", "postal_code"])
    return v


def cn_parcel(*, quantity: int = 1, **variant_kw: Any) -> OrderParcel:
    """The parcel of a paid CN order (cross-border channel) from a Malaysian seller."""
    w = world()
    v = addressed(variant(**variant_kw) if variant_kw else w.variant)
    order = paid_order(w.buyer, cn_quote(w.buyer, [(v, quantity)]))
    return order.parcels.select_related("order", "seller").get()


def sg_parcel(*, quantity: int = 1, **variant_kw: Any) -> OrderParcel:
    """The parcel of a paid SG order (GST collected at checkout) from a Malaysian seller."""
    w = world()
    v = addressed(variant(**variant_kw) if variant_kw else w.variant)
    order = paid_order(w.buyer, my_quote(w.buyer, [(v, quantity)]))
    return order.parcels.select_related("order", "seller").get()


def rules_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


class Told:
    """A decision listener that remembers what it was told."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int, str, str]] = []

    def __call__(
        self, *, order_parcel_id: int, declaration_id: int, outcome: str, reason: str
    ) -> None:
        self.calls.append((order_parcel_id, declaration_id, outcome, reason))

    @property
    def outcomes(self) -> list[str]:
        return [c[2] for c in self.calls]


def clearance_one_of_each(parcel: OrderParcel) -> None:
    """One row of every clearance model for ``parcel`` (for admin and listing tests)."""
    from ehub.customs.models import (
        AuthorityCallback,
        CustomsDecision,
        CustomsDeclaration,
        DeclarationSubmission,
        SandboxAuthorityMessage,
    )

    content = {"parcel": parcel.code, "lines": [], "consignee": {"identity": None}}
    declaration = CustomsDeclaration.objects.create(
        order_parcel=parcel,
        status="held",
        destination="CN",
        authority="sandbox",
        waybill=WAYBILL,
        incoterm="DDP",
        currency="CNY",
        goods_value_minor=parcel.goods_minor,
        content=content,
        attempts=1,
        reason="a test hold",
    )
    submission = DeclarationSubmission.objects.create(
        declaration=declaration, number=1, authority="sandbox", reference="sbx-cus-a", content={}
    )
    CustomsDecision.objects.create(
        declaration=declaration, submission=submission, decision="held", source="authority"
    )
    AuthorityCallback.objects.create(
        authority="sandbox", verdict="accepted", body_sha256="a" * 64, body_size=2
    )
    SandboxAuthorityMessage.objects.create(
        submission=submission, event_id="cusevt_a", decision="held", body="{}"
    )
