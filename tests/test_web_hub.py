"""Hub console pages without a browser: who may see them, scan → weigh → manifest → close →
depart through the pages, weight exceptions, customs holds resolved or returned."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client

from ehub.accounts.models import Role
from ehub.accounts.tests.factories import UserFactory
from ehub.customs.models import CustomsDeclaration
from ehub.logistics.models import Manifest, Parcel
from ehub.logistics.services import (
    manifest_add_parcels,
    manifest_close,
    manifest_create,
    manifest_depart,
    parcel_hand_over,
    parcel_scan_in,
)
from ehub.logistics.tests.helpers import shipment
from ehub.orders.tests.helpers import signed_in
from ehub.sellers.tests.factories import SellerStaffFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PAGES = ["/hub/scan/", "/hub/exceptions/", "/hub/manifests/", "/hub/customs/"]


def operator() -> Client:
    return signed_in(UserFactory(role=Role.HUB_OPERATOR))


def html_of(response) -> str:
    return response.content.decode()


def handed_over(**kwargs):
    s = shipment(**kwargs)
    parcel_hand_over(seller=s.seller, code=s.code)
    return s


# -- who may see the console ----------------------------------------------------------------------
@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/signin/?next=")


@pytest.mark.parametrize("role", [Role.BUYER, Role.SELLER_STAFF])
def test_buyers_and_sellers_get_a_403_page(role):
    user = SellerStaffFactory() if role == Role.SELLER_STAFF else UserFactory(role=role)
    client = signed_in(user)
    for path in PAGES:
        response = client.get(path, **EN)
        assert response.status_code == 403, path
        assert "hub operators and platform admins" in html_of(response)
    assert (
        client.post("/hub/manifests/", {"hub": "KUL", "destination_country": "SG"}).status_code
        == 403
    )


@pytest.mark.parametrize("role", [Role.HUB_OPERATOR, Role.PLATFORM_ADMIN])
def test_hub_operators_and_platform_admins_see_every_page(role):
    shipment()
    client = signed_in(UserFactory(role=role))
    for path in PAGES:
        response = client.get(path, **EN)
        assert response.status_code == 200, path
        assert "<script>" not in html_of(response)
        assert " style=" not in html_of(response)


def test_the_scan_field_has_autofocus_and_a_label():
    page = html_of(operator().get("/hub/scan/", **EN))
    assert re.search(r'<input[^>]*name="code"[^>]*autofocus', page)
    assert 'for="id_code"' in page


# -- scan → weigh → manifest → close → depart -----------------------------------------------------
def test_scan_weigh_manifest_close_and_depart_through_the_pages(
    django_capture_on_commit_callbacks,
):
    s = handed_over()
    hub = operator()

    found = hub.get("/hub/scan/", {"code": s.code.lower()}, **EN)  # typed in lower case
    assert found.status_code == 302
    assert found.headers["Location"] == f"/hub/parcels/{s.code}/"
    parcel_page = html_of(hub.get(found.headers["Location"], **EN))
    assert re.search(r'<input[^>]*name="weight_grams"[^>]*autofocus', parcel_page)

    weighed = hub.post(f"/hub/parcels/{s.code}/weigh/", {"weight_grams": 512}, **EN)
    assert weighed.status_code == 302
    assert weighed.headers["Location"] == "/hub/scan/"
    assert "within tolerance" in html_of(hub.get("/hub/scan/", **EN))
    parcel = Parcel.objects.get(pk=s.parcel.pk)
    assert (parcel.status, parcel.measured_weight_grams, parcel.weight_check) == (
        "received_at_hub",
        512,
        "ok",
    )

    opened = hub.post("/hub/manifests/", {"hub": "KUL", "destination_country": "SG"}, **EN)
    assert opened.status_code == 302
    manifest = Manifest.objects.get()
    assert opened.headers["Location"] == f"/hub/manifests/{manifest.pk}/"
    manifest_page = html_of(hub.get(f"/hub/manifests/{manifest.pk}/", **EN))
    assert f'value="{s.code}"' in manifest_page  # offered as a candidate

    added = hub.post(f"/hub/manifests/{manifest.pk}/parcels/", {"parcel": [s.code]}, **EN)
    assert added.status_code == 302
    assert Parcel.objects.get(pk=s.parcel.pk).manifest_id == manifest.pk

    closed = hub.post(f"/hub/manifests/{manifest.pk}/close/", **EN)
    assert closed.status_code == 302
    assert Manifest.objects.get().status == "closed"

    export = hub.get(f"/hub/manifests/{manifest.pk}/export.csv")
    assert export.status_code == 200
    assert export.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert [r for r in rows if s.code in r.values()]

    with django_capture_on_commit_callbacks(execute=True):
        departed = hub.post(f"/hub/manifests/{manifest.pk}/depart/", **EN)
    assert departed.status_code == 302
    assert Manifest.objects.get().status == "departed"
    customs = html_of(hub.get("/hub/customs/", **EN))
    assert s.code in customs
    assert Parcel.objects.get(pk=s.parcel.pk).status in {"at_customs", "cleared"}


def test_an_unknown_or_malformed_code_is_shown_on_the_scan_form():
    shipment()
    hub = operator()

    malformed = hub.get("/hub/scan/", {"code": "hello"}, **EN)
    unknown = hub.get("/hub/scan/", {"code": "EHP999999901"}, **EN)

    assert malformed.status_code == 422
    assert 'id="code-errors"' in html_of(malformed)
    assert unknown.status_code == 404
    assert 'id="code-errors"' in html_of(unknown)


def test_weighing_a_parcel_not_handed_over_is_a_409_on_the_page():
    s = shipment()  # awaiting handover
    response = operator().post(f"/hub/parcels/{s.code}/weigh/", {"weight_grams": 500}, **EN)
    assert response.status_code == 409
    assert "cannot go from awaiting_handover" in html_of(response)
    assert Parcel.objects.get(pk=s.parcel.pk).status == "awaiting_handover"


def test_a_weight_that_is_not_a_number_is_a_422():
    s = handed_over()
    response = operator().post(f"/hub/parcels/{s.code}/weigh/", {"weight_grams": "heavy"}, **EN)
    assert response.status_code == 422
    assert Parcel.objects.get(pk=s.parcel.pk).status == "handed_over"


def test_a_weight_the_service_refuses_is_shown_on_the_weight_field():
    s = handed_over()
    response = operator().post(f"/hub/parcels/{s.code}/weigh/", {"weight_grams": 80000}, **EN)
    assert response.status_code == 422
    assert re.search(
        r'<div id="id_weight_grams_error" role="alert"><ul class="errorlist">'
        r"<li>the measured weight must be",
        html_of(response),
    )
    assert 'aria-describedby="id_weight_grams_error"' in html_of(response)  # on the input
    assert Parcel.objects.get(pk=s.parcel.pk).status == "handed_over"


def test_a_flagged_weight_is_an_exception_until_accepted_with_a_note():
    s = handed_over()
    hub = operator()
    hub.post(f"/hub/parcels/{s.code}/weigh/", {"weight_grams": 900})
    assert Parcel.objects.get(pk=s.parcel.pk).weight_check == "flagged"

    exceptions = html_of(hub.get("/hub/exceptions/", **EN))
    assert f'href="/hub/parcels/{s.code}/"' in exceptions
    assert "Flagged" in exceptions
    no_note = hub.post(f"/hub/parcels/{s.code}/accept-weight/", {"note": ""}, **EN)
    accepted = hub.post(
        f"/hub/parcels/{s.code}/accept-weight/", {"note": "re-weighed: two jars"}, **EN
    )

    assert no_note.status_code == 422
    assert accepted.status_code == 302
    assert Parcel.objects.get(pk=s.parcel.pk).weight_check == "accepted"
    assert f'href="/hub/parcels/{s.code}/"' not in html_of(hub.get("/hub/exceptions/", **EN))


def test_adding_a_parcel_the_manifest_cannot_take_lists_the_problem():
    s = handed_over()  # handed over, not received: not manifestable
    hub = operator()
    manifest = manifest_create(hub_code="KUL", destination_country="SG")

    response = hub.post(f"/hub/manifests/{manifest.pk}/parcels/", {"codes": s.code}, **EN)

    assert response.status_code in (409, 422)
    assert s.code in html_of(response)
    assert Parcel.objects.get(pk=s.parcel.pk).manifest_id is None


def test_closing_an_empty_manifest_is_refused_on_the_page():
    shipment()
    manifest = manifest_create(hub_code="KUL", destination_country="SG")

    response = operator().post(f"/hub/manifests/{manifest.pk}/close/", **EN)

    assert 400 <= response.status_code < 500
    assert 'class="form-errors"' in html_of(response)
    assert Manifest.objects.get().status == "open"


# -- customs holds --------------------------------------------------------------------------------
def held_in_china(capture) -> tuple[object, CustomsDeclaration]:
    s = shipment(market="CN", hs_code="330499")  # cosmetics to China: filing certificate
    parcel_hand_over(seller=s.seller, code=s.code)
    parcel_scan_in(code=s.code, weight_grams=500)
    manifest = manifest_create(hub_code="KUL", destination_country="CN")
    manifest_add_parcels(manifest=manifest, codes=[s.code])
    manifest_close(manifest=manifest)
    with capture(execute=True):
        manifest_depart(manifest=manifest)
    declaration = CustomsDeclaration.objects.get(order_parcel=s.parcel.order_parcel)
    assert declaration.status == "held"
    return s, declaration


def test_a_customs_hold_is_resolved_from_the_customs_page(django_capture_on_commit_callbacks):
    s, declaration = held_in_china(django_capture_on_commit_callbacks)
    hub = operator()
    page = html_of(hub.get("/hub/customs/", **EN))
    assert f"/hub/customs/declarations/{declaration.pk}/resolve/" in page
    prefix = f"r{s.parcel.pk}"

    nothing = hub.post(
        f"/hub/customs/declarations/{declaration.pk}/resolve/",
        {f"{prefix}-documents": "", f"{prefix}-note": ""},
        **EN,
    )
    assert nothing.status_code == 422
    assert "say what resolves the hold" in html_of(nothing)

    with django_capture_on_commit_callbacks(execute=True):
        resolved = hub.post(
            f"/hub/customs/declarations/{declaration.pk}/resolve/",
            {f"{prefix}-documents": "cosmetics filing certificate", f"{prefix}-note": ""},
            **EN,
        )
    assert resolved.status_code == 302, html_of(resolved)
    assert Parcel.objects.get(pk=s.parcel.pk).status == "cleared"


def test_a_held_parcel_is_returned_to_its_seller_from_the_customs_page(
    django_capture_on_commit_callbacks,
):
    s, declaration = held_in_china(django_capture_on_commit_callbacks)
    hub = operator()
    prefix = f"s{s.parcel.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        returned = hub.post(
            f"/hub/customs/declarations/{declaration.pk}/return/",
            {f"{prefix}-reason": "no filing certificate"},
            **EN,
        )

    assert returned.status_code == 302, html_of(returned)
    parcel = Parcel.objects.get(pk=s.parcel.pk)
    assert parcel.status == "returning"
    again = hub.post(
        f"/hub/customs/declarations/{declaration.pk}/return/",
        {f"{prefix}-reason": "twice"},
        **EN,
    )
    assert again.status_code == 409


def test_the_console_renders_in_chinese():
    s = handed_over()
    response = operator().get(f"/hub/parcels/{s.code}/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    assert "新加坡" in html_of(response)  # the destination, named in Chinese


def test_the_remembered_hub_is_checked_when_weighing():
    s = handed_over()
    hub = operator()
    hub.get("/hub/scan/", {"hub": "HGH"})
    page = html_of(hub.get(f"/hub/parcels/{s.code}/", **EN))
    assert 'name="hub" value="HGH"' in page

    wrong = hub.post(f"/hub/parcels/{s.code}/weigh/", {"weight_grams": 500, "hub": "HGH"}, **EN)

    assert wrong.status_code == 409
    assert "goes through KUL, not HGH" in html_of(wrong)
    assert Parcel.objects.get(pk=s.parcel.pk).status == "handed_over"
