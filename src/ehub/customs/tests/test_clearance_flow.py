"""Declarations from real paid orders through the sandbox authority: preparation and its
validation, each decision by configurable rules, signed decision callbacks (signature, replay,
duplicates), holds resolved or returned, listeners and the housekeeping command."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ehub.accounts.tests.factories import UserFactory
from ehub.core import clock
from ehub.core.errors import Conflict, DomainError
from ehub.core.models import AuditEvent
from ehub.customs.clearance import (
    declaration_handle_callback,
    declaration_hold_resolve,
    declaration_prepare,
    declaration_return_to_seller,
    declaration_submit,
    declarations_notify_pending,
)
from ehub.customs.clearance_hooks import only_decision_listeners
from ehub.customs.models import (
    AuthorityCallback,
    CustomsDecision,
    CustomsDeclaration,
    DeclarationSubmission,
    SandboxAuthorityMessage,
)
from ehub.customs.sandbox_authority import (
    SandboxAuthority,
    sandbox_decision_body,
    sandbox_signed_headers,
)
from ehub.customs.tests.clearance_support import WAYBILL, Told, rules_file, sg_parcel
from ehub.orders.tests.helpers import my_quote, paid_order, world
from ehub.payments.domain import CallbackRefused

pytestmark = pytest.mark.django_db

RULES = """
[[rule]]
name = "weapons"
outcome = "refused"
reason = "no arms"
hs_prefixes = ["93"]

[[rule]]
name = "tea-needs-papers"
outcome = "held"
reason = "tea needs a phytosanitary certificate"
hs_prefixes = ["0902"]
documents = ["phytosanitary certificate"]

[[rule]]
name = "look-closer"
outcome = "inspection"
then = "cleared"
reason = "random check"
keywords = ["durian"]

[[rule]]
name = "look-and-refuse"
outcome = "inspection"
then = "refused"
reason = "suspicious"
keywords = ["mystery"]
"""


@pytest.fixture(autouse=True)
def sandbox_rules(settings, tmp_path):
    settings.EHUB_CUSTOMS_SANDBOX_RULES = rules_file(tmp_path, RULES)
    settings.EHUB_CUSTOMS_SANDBOX_INSPECTION_SECONDS = 0


@pytest.fixture
def told():
    listener = Told()
    with only_decision_listeners(listener):
        yield listener


def submitted(parcel, capture):
    declaration = declaration_prepare(parcel=parcel, waybill=WAYBILL)
    with capture(execute=True):
        declaration_submit(declaration=declaration)
    declaration.refresh_from_db()
    return declaration


def hub_operator():
    return UserFactory(role="hub_operator")


# -- preparation ----------------------------------------------------------------------------------
def test_a_declaration_is_prepared_from_the_order_and_its_parcel():
    parcel = sg_parcel(quantity=3)

    declaration = declaration_prepare(parcel=parcel, waybill=f"  {WAYBILL} ")

    content = declaration.content
    assert (declaration.status, declaration.destination, declaration.incoterm) == (
        "prepared",
        "SG",
        "DDP",
    )
    assert (declaration.waybill, declaration.authority, declaration.attempts) == (
        WAYBILL,
        "sandbox",
        0,
    )
    assert content["parcel"] == parcel.code
    assert content["consignor"]["legal_name"] == parcel.seller.legal_name
    assert content["consignor"]["address_line1"] == "12 Lebuh Pantai"
    assert content["consignee"]["name"] == "Tan Mei Ling"
    assert content["consignee"]["postal_code"] == "018989"
    [line] = content["lines"]
    assert (line["quantity"], line["hs_code"], line["origin"]) == (3, "090121", "MY")
    assert line["total_value_minor"] == parcel.goods_minor == declaration.goods_value_minor
    assert line["net_weight_grams"] == parcel.weight_grams == 1500
    assert content["taxes_collected"]["total_minor"] == parcel.import_charges_at_checkout_minor
    assert [i["kind"] for i in content["taxes_collected"]["items"]] == ["gst"]
    assert content["registration"]["key"] == "SG-OVR"
    assert AuditEvent.objects.filter(tag="customs:declaration:prepared").count() == 1


def test_a_parcel_paying_at_the_border_is_dap_without_registration():
    parcel = sg_parcel(price_minor=250_000)  # MYR 2,500: above SGD 400, GST at the border

    declaration = declaration_prepare(parcel=parcel, waybill=WAYBILL)

    assert parcel.collected == "at_border"
    assert declaration.incoterm == "DAP"
    assert declaration.content["registration"] is None
    assert declaration.content["taxes_collected"]["items"] == []


def test_preparation_lists_every_problem_and_writes_nothing():
    parcel = sg_parcel()
    seller = parcel.seller
    seller.address_line1 = ""
    seller.save(update_fields=["address_line1"])
    order = parcel.order
    order.city = ""
    order.postal_code = ""
    order.save(update_fields=["city", "postal_code"])
    parcel.lines.update(hs_code="0901")

    with pytest.raises(DomainError) as raised:
        declaration_prepare(parcel=parcel, waybill="")

    assert (raised.value.code, raised.value.status) == ("declaration_invalid", 422)
    assert [p["field"] for p in raised.value.detail["problems"]] == [
        "consignor.address_line1",
        "consignee.city",
        "consignee.postal_code",
        "lines[0].hs_code",
        "waybill",
    ]
    assert CustomsDeclaration.objects.count() == 0
    assert AuditEvent.objects.filter(tag__startswith="customs:").count() == 0


def test_a_missing_registration_stops_a_parcel_collected_at_checkout(monkeypatch):
    from ehub.customs import clearance
    from ehub.customs.registrations import Registrations

    parcel = sg_parcel()
    monkeypatch.setattr(clearance, "get_registrations", lambda: Registrations(entries=()))

    with pytest.raises(DomainError) as raised:
        declaration_prepare(parcel=parcel, waybill=WAYBILL)

    assert [p["field"] for p in raised.value.detail["problems"]] == ["registration"]


def test_a_refunded_parcel_is_not_declared():
    parcel = sg_parcel()
    type(parcel).objects.filter(pk=parcel.pk).update(refunded_at=clock.now())

    with pytest.raises(Conflict) as raised:
        declaration_prepare(parcel=parcel, waybill=WAYBILL)

    assert raised.value.code == "declaration_parcel_not_declarable"
    assert CustomsDeclaration.objects.count() == 0


def test_preparing_again_rebuilds_a_prepared_declaration_and_keeps_a_submitted_one(
    django_capture_on_commit_callbacks,
):
    parcel = sg_parcel()
    first = declaration_prepare(parcel=parcel, waybill="W1")
    again = declaration_prepare(parcel=parcel, waybill="W2")
    assert (again.pk, again.waybill) == (first.pk, "W2")

    with django_capture_on_commit_callbacks(execute=True):
        declaration_submit(declaration=again)
    later = declaration_prepare(parcel=parcel, waybill="W3")

    assert (later.pk, later.waybill, later.status) == (first.pk, "W2", "cleared")
    assert CustomsDeclaration.objects.count() == 1
    assert declaration_submit(declaration=later).attempts == 1  # a repeat submits nothing


# -- the sandbox authority's decisions ------------------------------------------------------------
def test_no_rule_clears_and_the_listeners_hear_it_after_commit(
    told, django_capture_on_commit_callbacks
):
    parcel = sg_parcel()
    declaration = declaration_prepare(parcel=parcel, waybill=WAYBILL)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        declaration_submit(declaration=declaration)
    assert told.calls == []  # nothing before commit
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:  # "commit": the sandbox delivers its decision
            callback()

    declaration.refresh_from_db()
    assert declaration.status == "cleared"
    assert told.calls == [(parcel.pk, declaration.pk, "cleared", "no rule held the parcel")]
    [message] = SandboxAuthorityMessage.objects.all()
    assert (message.status, message.attempts, message.last_result) == (
        "delivered",
        1,
        "200 delivered",
    )
    [callback_row] = AuthorityCallback.objects.all()
    assert (callback_row.verdict, callback_row.decision) == ("accepted", "cleared")
    assert CustomsDecision.objects.get().notified_at is not None


def test_a_rule_by_hs_code_refuses(told, django_capture_on_commit_callbacks):
    declaration = submitted(sg_parcel(hs_code="930320"), django_capture_on_commit_callbacks)

    assert (declaration.status, declaration.reason) == ("refused", "no arms")
    assert told.outcomes == ["refused"]


def test_a_rule_holds_for_documents(told, django_capture_on_commit_callbacks):
    declaration = submitted(sg_parcel(hs_code="090230"), django_capture_on_commit_callbacks)

    assert declaration.status == "held"
    assert declaration.documents_requested == ["phytosanitary certificate"]
    assert told.outcomes == ["held"]


def test_an_inspection_then_clearance_tells_the_listeners_only_the_end(
    told, django_capture_on_commit_callbacks
):
    parcel = sg_parcel()
    parcel.lines.update(title="Musang King durian paste")

    declaration = submitted(parcel, django_capture_on_commit_callbacks)

    assert declaration.status == "cleared"
    assert [d.decision for d in declaration.decisions.all()] == ["inspection", "cleared"]
    assert declaration.reason == "cleared after inspection: random check"
    assert told.outcomes == ["cleared"]


def test_an_inspection_result_due_later_is_delivered_by_the_command(
    told, settings, django_capture_on_commit_callbacks
):
    settings.EHUB_CUSTOMS_SANDBOX_INSPECTION_SECONDS = 3600
    parcel = sg_parcel()
    parcel.lines.update(title="mystery box")

    declaration = submitted(parcel, django_capture_on_commit_callbacks)
    assert declaration.status == "inspection"
    out = io.StringIO()
    call_command("clearance", "deliver-decisions", stdout=out)
    assert "0 decision(s) attempted" in out.getvalue()

    SandboxAuthorityMessage.objects.filter(status="pending").update(
        due_at=clock.now() - dt.timedelta(seconds=1)
    )
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("clearance", "deliver-decisions", stdout=out)

    declaration.refresh_from_db()
    assert declaration.status == "refused"
    assert "200 delivered" in out.getvalue()
    assert "1 decision(s) attempted" in out.getvalue()
    assert told.outcomes == ["refused"]


def test_the_sandbox_validates_again_and_holds_an_incomplete_declaration():
    content = {"destination": "SG", "lines": []}
    submission = DeclarationSubmission(number=1, content=content, documents=[])

    verdict = SandboxAuthority().verdict(submission=submission)

    assert verdict.decision == "held"
    assert verdict.reason.startswith("the declaration is incomplete: consignor.legal_name")


def test_the_sandbox_is_refused_when_disabled(settings):
    settings.EHUB_CUSTOMS_SANDBOX_ENABLED = False

    with pytest.raises(DomainError) as raised:
        SandboxAuthority()

    assert (raised.value.code, raised.value.status) == ("customs_authority_disabled", 404)


# -- decision callbacks ---------------------------------------------------------------------------
def queued(parcel, capture):
    """Submit without delivering: (declaration, the queued message's body bytes)."""
    declaration = declaration_prepare(parcel=parcel, waybill=WAYBILL)
    with capture(execute=False):
        declaration_submit(declaration=declaration)
    message = SandboxAuthorityMessage.objects.get()
    return CustomsDeclaration.objects.get(pk=declaration.pk), message.body.encode()


def test_a_bad_signature_is_refused_recorded_and_changes_nothing(
    told, django_capture_on_commit_callbacks
):
    declaration, body = queued(sg_parcel(), django_capture_on_commit_callbacks)
    headers = sandbox_signed_headers(body=body)
    headers["Ehub-Signature"] = headers["Ehub-Signature"][:-4] + "0000"

    with pytest.raises(CallbackRefused) as raised:
        declaration_handle_callback(authority="sandbox", headers=headers, body=body)

    declaration.refresh_from_db()
    assert (raised.value.code, raised.value.status) == ("customs_bad_signature", 400)
    assert declaration.status == "submitted"
    [row] = AuthorityCallback.objects.all()
    assert (row.verdict, row.declaration_id, row.event_id) == ("bad_signature", None, "")
    assert told.calls == []


def test_a_tampered_body_fails_the_signature(django_capture_on_commit_callbacks):
    _, body = queued(sg_parcel(), django_capture_on_commit_callbacks)
    headers = sandbox_signed_headers(body=body)

    with pytest.raises(CallbackRefused):
        declaration_handle_callback(
            authority="sandbox", headers=headers, body=body.replace(b"cleared", b"refused")
        )

    assert list(AuthorityCallback.objects.values_list("verdict", flat=True)) == ["bad_signature"]


def test_a_replayed_old_callback_is_refused(django_capture_on_commit_callbacks):
    declaration, body = queued(sg_parcel(), django_capture_on_commit_callbacks)
    old = int(clock.now().timestamp()) - 3600
    headers = sandbox_signed_headers(body=body, timestamp=old)

    with pytest.raises(CallbackRefused) as raised:
        declaration_handle_callback(authority="sandbox", headers=headers, body=body)

    declaration.refresh_from_db()
    assert raised.value.code == "customs_replayed"
    assert declaration.status == "submitted"
    assert AuthorityCallback.objects.get().verdict == "replayed"


def test_a_duplicate_callback_is_harmless(told, django_capture_on_commit_callbacks):
    declaration, body = queued(sg_parcel(), django_capture_on_commit_callbacks)

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            declaration_handle_callback(
                authority="sandbox", headers=sandbox_signed_headers(body=body), body=body
            )

    declaration.refresh_from_db()
    assert declaration.status == "cleared"
    assert list(AuthorityCallback.objects.order_by("id").values_list("verdict", flat=True)) == [
        "accepted",
        "duplicate",
    ]
    assert CustomsDecision.objects.count() == 1
    assert told.outcomes == ["cleared"]


def test_a_decision_contradicting_the_final_state_is_refused(
    django_capture_on_commit_callbacks,
):
    declaration = submitted(sg_parcel(), django_capture_on_commit_callbacks)
    reference = declaration.submissions.get().reference
    body = sandbox_decision_body(
        event_id="cusevt_late", reference=reference, decision="held", reason="changed our mind"
    ).encode()

    with pytest.raises(CallbackRefused) as raised:
        declaration_handle_callback(
            authority="sandbox", headers=sandbox_signed_headers(body=body), body=body
        )

    declaration.refresh_from_db()
    assert (raised.value.code, raised.value.status) == ("customs_callback_rejected", 409)
    assert declaration.status == "cleared"
    assert AuthorityCallback.objects.order_by("-id").first().verdict == "rejected"


@pytest.mark.parametrize(
    ("body", "code", "verdict"),
    [
        (b"not json", "customs_malformed_callback", "malformed"),
        (b'{"id": "e", "type": "customs.decision", "data": {}}', "customs_malformed_callback",
         "malformed"),
        (b'{"id": "e", "type": "customs.decision", "data": {"reference": "r", '
         b'"decision": "maybe"}}', "customs_malformed_callback", "malformed"),
        (b'{"id": "e", "type": "customs.decision", "data": {"reference": "nope", '
         b'"decision": "cleared"}}', "customs_unknown_submission", "rejected"),
    ],
)  # fmt: skip
def test_a_signed_but_unusable_callback_is_refused_and_recorded(body, code, verdict):
    with pytest.raises(CallbackRefused) as raised:
        declaration_handle_callback(
            authority="sandbox", headers=sandbox_signed_headers(body=body), body=body
        )

    assert raised.value.code == code
    assert AuthorityCallback.objects.get().verdict == verdict


def test_an_unknown_authority_is_a_404_and_recorded():
    with pytest.raises(DomainError) as raised:
        declaration_handle_callback(authority="atlantis", headers={}, body=b"{}")

    assert (raised.value.code, raised.value.status) == ("customs_unknown_authority", 404)
    assert AuthorityCallback.objects.get().verdict == "rejected"


# -- holds ----------------------------------------------------------------------------------------
def test_hold_then_resolved_with_the_documents_then_cleared(
    told, django_capture_on_commit_callbacks
):
    parcel = sg_parcel(hs_code="090230")
    declaration = submitted(parcel, django_capture_on_commit_callbacks)
    operator = hub_operator()

    with django_capture_on_commit_callbacks(execute=True):
        resolved = declaration_hold_resolve(
            declaration=declaration,
            documents=["Phytosanitary certificate ", ""],
            note="scan attached",
            actor=operator,
        )

    resolved.refresh_from_db()
    assert resolved.status == "cleared"
    assert (resolved.attempts, resolved.reason) == (2, "no rule held the parcel")
    first, second = resolved.submissions.order_by("number")
    assert (first.documents, second.documents) == ([], ["Phytosanitary certificate"])
    assert (second.note, second.actor) == ("scan attached", operator)
    assert first.reference != second.reference
    assert [d.decision for d in resolved.decisions.all()] == ["held", "cleared"]
    assert told.outcomes == ["held", "cleared"]
    assert AuditEvent.objects.filter(
        tag="customs:declaration:hold_resolved", actor=operator
    ).exists()


def test_hold_resolved_without_the_right_documents_is_held_again(
    told, django_capture_on_commit_callbacks
):
    declaration = submitted(sg_parcel(hs_code="090230"), django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        declaration_hold_resolve(declaration=declaration, documents=["invoice"], actor=None)

    declaration.refresh_from_db()
    assert (declaration.status, declaration.attempts) == ("held", 2)
    assert told.outcomes == ["held", "held"]


def test_hold_then_returned_to_the_seller(told, django_capture_on_commit_callbacks):
    declaration = submitted(sg_parcel(hs_code="090230"), django_capture_on_commit_callbacks)
    operator = hub_operator()

    with django_capture_on_commit_callbacks(execute=True):
        returned = declaration_return_to_seller(
            declaration=declaration, reason="seller has no certificate", actor=operator
        )

    assert (returned.status, returned.reason) == ("returned", "seller has no certificate")
    last = returned.decisions.order_by("-id").first()
    assert (last.decision, last.source, last.actor) == ("returned", "hub", operator)
    assert told.calls[-1] == (
        declaration.order_parcel_id,
        declaration.pk,
        "returned",
        "seller has no certificate",
    )
    with pytest.raises(Conflict):
        declaration_hold_resolve(declaration=returned, note="too late", actor=operator)


def test_only_a_held_declaration_can_be_resolved_or_returned(django_capture_on_commit_callbacks):
    declaration = submitted(sg_parcel(), django_capture_on_commit_callbacks)

    with pytest.raises(Conflict) as raised:
        declaration_hold_resolve(declaration=declaration, note="n", actor=None)
    assert raised.value.code == "declaration_illegal_transition"
    with pytest.raises(Conflict):
        declaration_return_to_seller(declaration=declaration, reason="r", actor=None)
    declaration.refresh_from_db()
    assert (declaration.status, declaration.attempts) == ("cleared", 1)


def test_a_resolution_must_say_something_and_a_return_why(django_capture_on_commit_callbacks):
    declaration = submitted(sg_parcel(hs_code="090230"), django_capture_on_commit_callbacks)

    with pytest.raises(DomainError) as nothing:
        declaration_hold_resolve(declaration=declaration, documents=[" "], note=" ", actor=None)
    with pytest.raises(DomainError) as no_reason:
        declaration_return_to_seller(declaration=declaration, reason="", actor=None)

    assert (nothing.value.code, nothing.value.status) == ("declaration_nothing_supplied", 422)
    assert (no_reason.value.code, no_reason.value.status) == ("declaration_reason_required", 422)
    declaration.refresh_from_db()
    assert (declaration.status, declaration.attempts) == ("held", 1)


def test_a_resolution_of_a_still_incomplete_declaration_lists_the_problems(
    django_capture_on_commit_callbacks,
):
    declaration = submitted(sg_parcel(hs_code="090230"), django_capture_on_commit_callbacks)
    declaration.order_parcel.order.__class__.objects.filter(
        pk=declaration.order_parcel.order_id
    ).update(address_line1="")

    with pytest.raises(DomainError) as raised:
        declaration_hold_resolve(declaration=declaration, documents=["x"], actor=None)

    assert raised.value.code == "declaration_invalid"
    assert raised.value.detail["problems"][0]["field"] == "consignee.address_line1"
    declaration.refresh_from_db()
    assert (declaration.status, declaration.attempts) == ("held", 1)
    assert declaration.submissions.count() == 1


# -- listeners ------------------------------------------------------------------------------------
def test_a_failing_listener_leaves_the_decision_to_be_notified_again(
    django_capture_on_commit_callbacks,
):
    calls: list[str] = []

    def broken(**kw):
        calls.append(kw["outcome"])
        raise RuntimeError("logistics is down")

    with only_decision_listeners(broken):
        declaration = submitted(sg_parcel(), django_capture_on_commit_callbacks)
    assert declaration.status == "cleared"
    assert CustomsDecision.objects.get().notified_at is None

    told = Told()
    with only_decision_listeners(told):
        out = io.StringIO()
        call_command("clearance", "notify-decisions", stdout=out)
        assert declarations_notify_pending() == []

    assert calls == ["cleared"]
    assert told.outcomes == ["cleared"]
    assert "1 of 1 decision(s) notified" in out.getvalue()
    assert CustomsDecision.objects.get().notified_at is not None


# -- the command ----------------------------------------------------------------------------------
def test_the_command_lists_registrations_and_rules():
    out = io.StringIO()
    call_command("clearance", "registrations", "--date", "2026-03-01", stdout=out)
    call_command("clearance", "sandbox-rules", stdout=out)

    text = out.getvalue()
    assert "EU-IOSS: IM5289990001 [DEMO]" in text
    assert "CH-VAT: CHE-999.999.016 MWST [DEMO]" in text
    assert "tea-needs-papers: held (documents: phytosanitary certificate)" in text
    assert "4 rule(s); no match: cleared" in text


def test_the_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="not YYYY-MM-DD"):
        call_command("clearance", "registrations", "--date", "soon")


def test_a_multi_seller_order_declares_each_parcel_on_its_own(
    told, django_capture_on_commit_callbacks
):
    from ehub.customs.tests.clearance_support import addressed
    from ehub.orders.tests.helpers import variant

    w = world()
    other = addressed(variant(hs_code="090230"))
    order = paid_order(w.buyer, my_quote(w.buyer, [(addressed(w.variant), 1), (other, 1)]))

    outcomes = {}
    for parcel in order.parcels.all():
        outcomes[parcel.number] = submitted(parcel, django_capture_on_commit_callbacks).status

    assert outcomes == {1: "cleared", 2: "held"}
    assert json.dumps(sorted(told.outcomes)) == '["cleared", "held"]'
