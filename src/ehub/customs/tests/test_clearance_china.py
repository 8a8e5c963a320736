"""China's cross-border channel: the order (CEB311), payment (CEB411) and logistics (CEB511)
records, their matching, and a mismatch holding the parcel instead of submitting it."""

from __future__ import annotations

import copy
import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from ehub.customs.china_records import (
    logistics_record,
    order_record,
    payment_record,
    records_match,
)
from ehub.customs.clearance import (
    declaration_hold_resolve,
    declaration_prepare,
    declaration_submit,
)
from ehub.customs.clearance_hooks import only_decision_listeners
from ehub.customs.models import CustomsDecision, SandboxAuthorityMessage
from ehub.customs.tests.clearance_support import WAYBILL, Told, addressed, cn_parcel
from ehub.orders.models import OrderLine
from ehub.orders.services import order_place
from ehub.orders.tests.helpers import cn_quote, world
from ehub.payments.models import Payment

DIGEST = "d" * 64


# -- the records, built from plain objects (no database) -----------------------------------------
def objects() -> dict[str, Any]:
    order = SimpleNamespace(
        currency="CNY",
        buyer_id=7,
        buyer_name="张三",
        phone="+86 21 5555 0100",
        resident_id_masked="110***********002X",
        identity_digest=DIGEST,
        recipient_name="张三",
        region="CN-SH",
        city="上海市",
        address_line1="世纪大道100号",
        address_line2="",
        postal_code="200000",
    )
    parcel = SimpleNamespace(
        escrow_reference="ORD-42/1",
        goods_minor=7800,
        shipping_minor=9719,
        import_charges_at_checkout_minor=1500,
        weight_grams=1000,
    )
    lines = [
        SimpleNamespace(
            sku="KOPI-1",
            title="Ipoh white coffee",
            hs_code="090121",
            quantity=2,
            unit_price_minor=3900,
            line_total_minor=7800,
            origin="MY",
        )
    ]
    seller = SimpleNamespace(registration_number="202301000001", legal_name="Kopi Sdn Bhd")
    payment = SimpleNamespace(
        provider="sandbox",
        provider_reference="sbx_1",
        order_ref="ORD-42",
        amount_minor=19019 + 5000,  # this parcel + another parcel's 50.00
        currency="CNY",
        status="captured",
        captured_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )
    payer = SimpleNamespace(
        buyer_name="张三", resident_id_masked="110***********002X", identity_digest=DIGEST
    )
    declaration = {
        "currency": "CNY",
        "waybill": "SBX1",
        "goods_value_minor": 7800,
        "consignee": {"identity": {"name": "张三", "id_digest": DIGEST}},
        "lines": [{"sku": "KOPI-1", "hs_code": "090121", "quantity": 2, "total_value": "78.00"}],
    }
    return {
        "order": order,
        "parcel": parcel,
        "lines": lines,
        "seller": seller,
        "payment": payment,
        "payer": payer,
        "declaration": declaration,
    }


def records(o: dict[str, Any], *, waybill: str = "SBX1") -> dict[str, Any]:
    return {
        "order": order_record(
            order=o["order"], parcel=o["parcel"], lines=o["lines"], seller=o["seller"], ebp_code="E"
        ),
        "payment": payment_record(
            order=o["order"],
            parcel=o["parcel"],
            payment=o["payment"],
            payer=o["payer"],
            other_parcels_payable_minor=5000,
            ebp_code="E",
        ),
        "logistics": logistics_record(
            order=o["order"], parcel=o["parcel"], lines=o["lines"], waybill=waybill, carrier="HUB"
        ),
    }


def mismatches(o: dict[str, Any], **kw: Any) -> list[tuple[str, str]]:
    r = records(o, **kw)
    found = records_match(declaration=o["declaration"], **r)
    return [(m.kind, m.message) for m in found]


def kinds(o: dict[str, Any], **kw: Any) -> list[str]:
    return [kind for kind, _ in mismatches(o, **kw)]


def test_the_order_record_has_the_ceb311_fields_and_figures():
    head = records(objects())["order"]["orderHead"]

    assert head["orderNo"] == "ORD-42/1"
    assert (head["goodsValue"], head["freight"], head["taxTotal"]) == ("78.00", "97.19", "15.00")
    assert head["acturalPaid"] == "190.19"
    assert (head["currency"], head["buyerIdType"], head["buyerName"]) == ("142", "1", "张三")
    assert head["consigneeAddress"] == "CN-SH 上海市 世纪大道100号 200000"
    [item] = records(objects())["order"]["orderList"]
    assert (item["itemNo"], item["gcode"], item["qty"], item["totalPrice"]) == (
        "KOPI-1",
        "090121",
        2,
        "78.00",
    )


def test_the_payment_record_takes_this_parcels_share_of_a_whole_order_payment():
    head = records(objects())["payment"]["paymentHead"]

    assert (head["payTransactionId"], head["amountPaid"], head["currency"]) == (
        "sbx_1",
        "190.19",
        "142",
    )
    assert head["payTime"] == "2026-11-01T00:00:00+00:00"


def test_the_logistics_record_carries_the_waybill_and_weight():
    head = records(objects())["logistics"]["logisticsHead"]

    assert (head["logisticsNo"], head["orderNo"], head["weight"]) == ("SBX1", "ORD-42/1", "1")


def test_records_that_agree_match():
    assert mismatches(objects()) == []


def test_amounts_may_differ_by_one_minor_unit_but_not_two():
    o = objects()
    o["payment"].amount_minor += 1
    assert mismatches(o) == []

    o["payment"].amount_minor += 1
    assert kinds(o) == ["amounts"]
    assert "190.21 is not the order's paid total 190.19" in mismatches(o)[0][1]


def test_a_payer_who_is_not_the_buyer_is_a_mismatch():
    o = objects()
    o["payer"].buyer_name = "李四"

    assert kinds(o) == ["buyer_identity"]


def test_a_payer_identity_number_that_differs_is_a_mismatch():
    o = objects()
    o["payer"].identity_digest = "e" * 64

    assert kinds(o) == ["buyer_identity"]


def test_a_declared_buyer_who_is_not_the_orders_buyer_is_a_mismatch():
    o = objects()
    o["declaration"]["consignee"]["identity"]["id_digest"] = "f" * 64

    assert kinds(o) == ["buyer_identity"]


def test_no_captured_payment_is_a_mismatch():
    o = objects()
    o["payment"].status = "pending"

    assert kinds(o) == ["payment"]
    o["payment"] = None
    assert mismatches(o) == [("payment", "no captured payment for the order (payment: none)")]


def test_a_payment_in_another_currency_is_a_mismatch():
    o = objects()
    o["payment"].currency = "USD"

    assert "amounts" in kinds(o)


def test_goods_that_differ_from_the_declaration_are_a_mismatch():
    o = objects()
    o["lines"][0].quantity = 3

    assert kinds(o) == ["goods"]
    assert "KOPI-1" in mismatches(o)[0][1]


def test_a_waybill_that_is_not_the_declared_one_is_a_mismatch():
    assert kinds(objects(), waybill="SBX2") == ["waybill"]
    assert kinds(objects(), waybill="") == ["waybill"]


def test_a_declared_goods_value_that_differs_is_a_mismatch():
    o = objects()
    o["declaration"]["goods_value_minor"] = 7700

    assert "amounts" in kinds(o)


def test_records_for_different_orders_are_a_mismatch():
    o = objects()
    r = records(o)
    r["logistics"] = copy.deepcopy(r["logistics"])
    r["logistics"]["logisticsHead"]["orderNo"] = "ORD-43/1"

    found = records_match(declaration=o["declaration"], **r)

    assert [m.kind for m in found] == ["waybill"]


# -- in the flow: a real paid CN order ----------------------------------------------------------
pytestmark_db = pytest.mark.django_db


@pytest.fixture
def told():
    listener = Told()
    with only_decision_listeners(listener):
        yield listener


@pytestmark_db
def test_a_paid_order_whose_records_match_is_submitted_and_cleared(
    told, django_capture_on_commit_callbacks
):
    parcel = cn_parcel(quantity=2)
    declaration = declaration_prepare(parcel=parcel, waybill=WAYBILL)

    with django_capture_on_commit_callbacks(execute=True):
        declaration = declaration_submit(declaration=declaration)

    declaration.refresh_from_db()
    assert declaration.status == "cleared"
    [submission] = declaration.submissions.all()
    assert submission.reference.startswith("sbx-cus-")
    assert set(submission.channel_records) == {"order", "payment", "logistics"}
    assert (
        submission.channel_records["payment"]["paymentHead"]["amountPaid"]
        == (submission.channel_records["order"]["orderHead"]["acturalPaid"])
    )
    assert told.outcomes == ["cleared"]


@pytestmark_db
def test_a_payment_amount_that_differs_holds_the_parcel_without_submitting(
    told, django_capture_on_commit_callbacks
):
    parcel = cn_parcel()
    Payment.objects.filter(order_ref=parcel.order.reference).update(
        amount_minor=parcel.order.total_minor + 500
    )
    declaration = declaration_prepare(parcel=parcel, waybill=WAYBILL)

    with django_capture_on_commit_callbacks(execute=True):
        declaration = declaration_submit(declaration=declaration)

    assert declaration.status == "held"
    assert declaration.reason.startswith("China's order, payment and logistics records do not")
    assert "amounts: the payment record's amount" in declaration.reason
    assert SandboxAuthorityMessage.objects.count() == 0
    [submission] = declaration.submissions.all()
    assert submission.reference == ""
    [decision] = CustomsDecision.objects.filter(declaration=declaration)
    assert (decision.decision, decision.source) == ("held", "china_matching")
    assert told.calls == [(parcel.pk, declaration.pk, "held", declaration.reason)]


@pytestmark_db
def test_an_unpaid_order_is_held_for_its_missing_payment(told, django_capture_on_commit_callbacks):
    w = world()
    addressed(w.variant)
    order = order_place(buyer=w.buyer, quote_id=cn_quote(w.buyer, [(w.variant, 1)]).public_id)
    declaration = declaration_prepare(parcel=order.parcels.get(), waybill=WAYBILL)

    with django_capture_on_commit_callbacks(execute=True):
        declaration = declaration_submit(declaration=declaration)

    assert declaration.status == "held"
    assert "payment: no captured payment for the order (payment: none)" in declaration.reason
    assert told.outcomes == ["held"]


@pytestmark_db
def test_goods_changed_after_declaring_hold_the_parcel_then_a_corrected_resubmission_clears(
    told, django_capture_on_commit_callbacks
):
    parcel = cn_parcel()
    declaration = declaration_prepare(parcel=parcel, waybill=WAYBILL)
    OrderLine.objects.filter(parcel=parcel).update(sku="SKU-SWAPPED")

    with django_capture_on_commit_callbacks(execute=True):
        declaration = declaration_submit(declaration=declaration)

    assert declaration.status == "held"
    assert "goods: the order's goods are not the declared goods" in declaration.reason
    assert "SKU-SWAPPED" in declaration.reason

    with django_capture_on_commit_callbacks(execute=True):
        declaration = declaration_hold_resolve(
            declaration=declaration, note="declaration rebuilt from the order", actor=None
        )

    declaration.refresh_from_db()
    assert declaration.status == "cleared"
    assert declaration.attempts == 2
    assert declaration.content["lines"][0]["sku"] == "SKU-SWAPPED"
    assert told.outcomes == ["held", "cleared"]


@pytestmark_db
def test_a_mismatch_that_persists_holds_again_on_resubmission(
    told, django_capture_on_commit_callbacks
):
    parcel = cn_parcel()
    Payment.objects.filter(order_ref=parcel.order.reference).update(status="pending")
    declaration = declaration_prepare(parcel=parcel, waybill=WAYBILL)
    with django_capture_on_commit_callbacks(execute=True):
        declaration = declaration_submit(declaration=declaration)

    with django_capture_on_commit_callbacks(execute=True):
        declaration = declaration_hold_resolve(
            declaration=declaration, documents=["payment proof"], actor=None
        )

    assert declaration.status == "held"
    assert declaration.attempts == 2
    assert [d.decision for d in declaration.decisions.all()] == ["held", "held"]
    assert told.outcomes == ["held", "held"]
    assert SandboxAuthorityMessage.objects.count() == 0
