"""Every customs authority behind the Protocol behaves the same at the edges (STYLE rule 13)."""

from __future__ import annotations

import inspect

import pytest

from ehub.core.errors import DomainError
from ehub.customs.authorities import AUTHORITIES, authority_for_destination, get_authority
from ehub.payments.domain import CallbackRefused

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", sorted(AUTHORITIES))
def test_an_authority_has_the_protocols_methods_and_refuses_unsigned_callbacks(name):
    authority = get_authority(name)

    assert authority.name == name
    assert list(inspect.signature(authority.submit).parameters) == ["submission"]
    assert list(inspect.signature(authority.handle_decision_callback).parameters) == [
        "headers",
        "body",
    ]
    with pytest.raises(CallbackRefused) as raised:
        authority.handle_decision_callback(headers={}, body=b"{}")
    assert raised.value.status == 400
    assert raised.value.verdict == "bad_signature"


def test_an_unknown_authority_is_a_404():
    with pytest.raises(DomainError) as raised:
        get_authority("atlantis")

    assert (raised.value.code, raised.value.status) == ("customs_unknown_authority", 404)
    assert raised.value.detail["known"] == sorted(AUTHORITIES)


def test_destinations_use_the_sandbox_unless_configured(settings):
    assert authority_for_destination("CN") == "sandbox"

    settings.EHUB_CUSTOMS_AUTHORITIES = {"CN": "single-window", "*": "broker"}

    assert authority_for_destination("CN") == "single-window"
    assert authority_for_destination("FR") == "broker"
