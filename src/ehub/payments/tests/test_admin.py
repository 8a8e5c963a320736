"""The payments admin: every table listed, searchable, viewable, and read-only."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse

from ehub.accounts.tests.factories import UserFactory
from ehub.payments.tests.factories import payments_one_of_each

MODELS = list(apps.get_app_config("payments").get_models())


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, role="platform_admin"))
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_changelist_search_and_view_page_render_and_nothing_is_editable(admin_client, model):
    payments_one_of_each()
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    instance = model.objects.first()
    change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])

    listed = admin_client.get(changelist)
    searched = admin_client.get(changelist, {"q": "a"})
    change = admin_client.get(change_url)
    posted = admin_client.post(change_url, {})
    add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))

    assert listed.status_code == 200
    assert change_url in listed.content.decode()
    assert searched.status_code == 200
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert posted.status_code == 403
    assert add.status_code == 403
