"""Clearance records are readable (never editable) in the Django admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from ehub.accounts.tests.factories import UserFactory
from ehub.customs.clearance import declaration_prepare, declaration_submit
from ehub.customs.models import (
    AuthorityCallback,
    CustomsDecision,
    CustomsDeclaration,
    DeclarationSubmission,
    SandboxAuthorityMessage,
)
from ehub.customs.tests.clearance_support import (
    WAYBILL,
    clearance_one_of_each,
    rules_file,
    sg_parcel,
)
from ehub.orders.models import OrderParcel
from ehub.orders.tests.helpers import one_placed_order, signed_in

pytestmark = pytest.mark.django_db

MODELS = [
    CustomsDeclaration,
    DeclarationSubmission,
    CustomsDecision,
    AuthorityCallback,
    SandboxAuthorityMessage,
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_listed_searched_and_shown_read_only(model):
    one_placed_order()
    clearance_one_of_each(OrderParcel.objects.get())
    client = signed_in(UserFactory(is_staff=True, is_superuser=True, role="platform_admin"))
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    change_url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_change", args=[model.objects.get().pk]
    )

    listed = client.get(changelist)
    searched = client.get(changelist, {"q": "a"})
    change = client.get(change_url)
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))

    assert (listed.status_code, searched.status_code, change.status_code) == (200, 200, 200)
    assert change_url in listed.content.decode()
    assert add.status_code == 403
    assert 'name="_save"' not in change.content.decode()


# -- hub actions from the admin -------------------------------------------------------------------
HOLD_TEA = """
[[rule]]
name = "tea"
outcome = "held"
reason = "tea needs a certificate"
hs_prefixes = ["0902"]
documents = ["certificate"]
"""
CHANGELIST = "/admin/customs/customsdeclaration/"


@pytest.fixture
def held(settings, tmp_path, django_capture_on_commit_callbacks) -> CustomsDeclaration:
    settings.EHUB_CUSTOMS_SANDBOX_RULES = rules_file(tmp_path, HOLD_TEA)
    declaration = declaration_prepare(parcel=sg_parcel(hs_code="090230"), waybill=WAYBILL)
    with django_capture_on_commit_callbacks(execute=True):
        declaration_submit(declaration=declaration)
    declaration.refresh_from_db()
    assert declaration.status == "held"
    return declaration


def test_an_admin_resolves_a_hold_with_the_documents(held, django_capture_on_commit_callbacks):
    client = signed_in(UserFactory(is_staff=True, is_superuser=True, role="hub_operator"))
    chosen = {"action": "resolve_holds", "_selected_action": [held.pk]}

    form_page = client.post(CHANGELIST, chosen)
    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(
            CHANGELIST, {**chosen, "apply": "1", "documents": "certificate\n", "note": "sent"}
        )

    assert form_page.status_code == 200
    assert held.order_parcel.code in form_page.content.decode()
    assert applied.status_code == 302
    held.refresh_from_db()
    assert (held.status, held.attempts) == ("cleared", 2)
    assert held.submissions.get(number=2).documents == ["certificate"]


def test_an_admin_returns_a_held_parcel_and_a_reason_is_required(held):
    client = signed_in(UserFactory(is_staff=True, is_superuser=True, role="platform_admin"))
    chosen = {"action": "return_to_seller", "_selected_action": [held.pk], "apply": "1"}

    missing = client.post(CHANGELIST, {**chosen, "reason": ""})
    held.refresh_from_db()
    assert (missing.status_code, held.status) == (200, "held")

    done = client.post(CHANGELIST, {**chosen, "reason": "no certificate"})

    held.refresh_from_db()
    assert done.status_code == 302
    assert (held.status, held.reason) == ("returned", "no certificate")


def test_staff_who_are_not_hub_staff_do_not_get_the_actions(held):
    user = UserFactory(is_staff=True, role="buyer")
    user.user_permissions.add(Permission.objects.get(codename="view_customsdeclaration"))
    client = signed_in(user)

    listed = client.get(CHANGELIST)
    tried = client.post(
        CHANGELIST,
        {"action": "return_to_seller", "_selected_action": [held.pk], "apply": "1", "reason": "x"},
    )

    assert listed.status_code == 200
    assert "return_to_seller" not in listed.content.decode()
    assert tried.status_code in (200, 302)
    held.refresh_from_db()
    assert held.status == "held"
