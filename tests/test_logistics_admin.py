"""Every logistics model in the Django admin: registered, listable, searchable, its change page
renders; service-written records are read-only."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from ehub.accounts.tests.factories import UserFactory
from ehub.logistics.tests.helpers import logistics_one_of_each

MODELS = list(apps.get_app_config("logistics").get_models())
EDITABLE = {"logistics.Hub", "logistics.Route"}  # data loaded from network.toml


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, role="platform_admin"))
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_logistics_model_is_in_the_admin(admin_client, model):
    logistics_one_of_each()
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    instance = model.objects.first()
    change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])

    listed = admin_client.get(changelist)
    searched = admin_client.get(changelist, {"q": "a"})
    change = admin_client.get(change_url)

    assert admin.site.is_registered(model)
    assert listed.status_code == 200
    assert change_url in listed.content.decode()
    assert searched.status_code == 200
    assert change.status_code == 200
    model_admin = admin.site._registry[model]
    editable = model_admin.has_change_permission(change.wsgi_request, instance)
    assert editable is (opts.label in EDITABLE)


@pytest.mark.django_db
def test_hub_operations_work_from_the_admin(admin_client, django_capture_on_commit_callbacks):
    from ehub.logistics.models import Manifest, Parcel
    from ehub.logistics.services import (
        manifest_add_parcels,
        manifest_create,
        parcel_hand_over,
        parcel_scan_in,
    )
    from ehub.logistics.tests.helpers import shipment

    s = shipment()
    parcel_hand_over(seller=s.seller, code=s.code)
    parcel_scan_in(code=s.code, weight_grams=900)  # flagged
    manifest = manifest_create(hub_code="KUL", destination_country="SG")
    parcels = reverse("admin:logistics_parcel_changelist")
    manifests = reverse("admin:logistics_manifest_changelist")

    accepted = admin_client.post(
        parcels, {"action": "accept_weight", "_selected_action": [s.parcel.pk]}, follow=True
    )
    manifest_add_parcels(manifest=manifest, codes=[s.code])
    departed_too_early = admin_client.post(
        manifests, {"action": "depart", "_selected_action": [manifest.pk]}, follow=True
    )
    admin_client.post(manifests, {"action": "close", "_selected_action": [manifest.pk]})
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(manifests, {"action": "depart", "_selected_action": [manifest.pk]})

    assert "1 done" in accepted.content.decode()
    assert "a manifest cannot go from open to departed" in departed_too_early.content.decode()
    assert Manifest.objects.get(pk=manifest.pk).status == "departed"
    assert Parcel.objects.get(pk=s.parcel.pk).status == "cleared"


def test_scan_in_manifest_and_send_back_from_the_admin(admin_client):
    """Scan in with a weight (an intermediate form), put on a manifest, send back: the same
    services as the API and the hub console."""
    from ehub.logistics.models import Manifest, Parcel
    from ehub.logistics.services import parcel_hand_over
    from ehub.logistics.tests.helpers import shipment

    s = shipment()
    parcel_hand_over(seller=s.seller, code=s.code)
    changelist = reverse("admin:logistics_parcel_changelist")
    pk = Parcel.objects.get(order_parcel__order=s.order).pk

    form = admin_client.post(changelist, {"action": "scan_in", "_selected_action": [pk]})
    assert form.status_code == 200
    assert "Measured weight" in form.content.decode()
    bad = admin_client.post(
        changelist,
        {"action": "scan_in", "_selected_action": [pk], "apply": "1", "weight_grams": "0"},
    )
    assert bad.status_code == 200  # the form again, with its error; nothing happened
    assert Parcel.objects.get(pk=pk).status == "handed_over"
    done = admin_client.post(
        changelist,
        {"action": "scan_in", "_selected_action": [pk], "apply": "1", "weight_grams": "505"},
        follow=True,
    )
    assert done.status_code == 200
    assert Parcel.objects.get(pk=pk).status == "received_at_hub"

    admin_client.post(changelist, {"action": "put_on_manifest", "_selected_action": [pk]})
    manifest = Manifest.objects.get()
    assert list(manifest.parcels.values_list("pk", flat=True)) == [pk]
    assert Parcel.objects.get(pk=pk).status == "manifested"

    refused = admin_client.post(
        changelist,
        {"action": "send_back", "_selected_action": [pk], "apply": "1", "reason": "damaged"},
        follow=True,
    )
    assert refused.status_code == 200  # a manifested parcel cannot be sent back: said, not a 500
    assert Parcel.objects.get(pk=pk).status == "manifested"
