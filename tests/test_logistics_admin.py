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
