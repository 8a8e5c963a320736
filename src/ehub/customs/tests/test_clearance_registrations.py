"""The platform's registrations (registrations.toml): every regime that has the platform collect
import charges at checkout finds its registration, in force, in a valid format, marked demo."""

from __future__ import annotations

import datetime as dt

import pytest

from ehub.customs.registrations import (
    EU_MEMBER_STATES,
    FORMATS,
    RegistrationFileError,
    get_registrations,
    registrations_load,
)
from ehub.customs.tests.support import quote, request

ON = dt.date(2026, 3, 1)

# destination, channel, the regime's registration key, the scheme's own validator name
AT_CHECKOUT = [
    ("FI", None, "EU-IOSS", "ioss"),
    ("DE", "ioss", "EU-IOSS", "ioss"),
    ("GB", None, "GB-VAT", "gb_vat"),
    ("AU", None, "AU-ARN", "au_arn"),
    ("NZ", None, "NZ-GST", "nz_ird"),
    ("SG", None, "SG-OVR", "sg_gst"),
    ("NO", "voec", "NO-VOEC", "no_voec"),
    ("CH", "platform", "CH-VAT", "ch_vat"),
    ("MY", None, "MY-LVG", "my_sst"),
    ("CN", "cbec", "CN-CBEC", "cn_customs_code"),
]


@pytest.mark.parametrize(("destination", "channel", "key", "fmt"), AT_CHECKOUT)
def test_each_regime_collecting_at_checkout_has_its_registration(destination, channel, key, fmt):
    result = quote(request(destination, price="20.00", channel=channel))

    registration = get_registrations().for_destination(destination, ON)

    assert result["collected"] == "at_checkout", result["regime"]
    assert registration is not None
    assert (registration.key, registration.format) == (key, fmt)
    validator, _ = FORMATS[fmt]
    assert validator(registration.number)
    assert registration.demo is True
    assert "DEMO" in registration.note


def test_the_ioss_number_is_im_and_ten_digits():
    validator, _ = FORMATS["ioss"]

    assert validator(get_registrations().for_destination("FR", ON).number)
    assert not validator("IM528999000")  # 9 digits
    assert not validator("EU5289990001")


def test_every_eu_member_state_uses_the_ioss_number_and_no_other_country_does():
    registrations = get_registrations()

    assert {registrations.for_destination(c, ON).key for c in EU_MEMBER_STATES} == {"EU-IOSS"}
    assert registrations.for_destination("US", ON) is None
    assert len(EU_MEMBER_STATES) == 27


def test_a_registration_is_not_quoted_before_it_takes_effect():
    registrations = get_registrations()

    assert registrations.for_destination("CH", dt.date(2024, 12, 31)) is None
    assert registrations.for_destination("CH", dt.date(2025, 1, 1)) is not None


def test_the_latest_registration_in_force_wins():
    text = """
[[registration]]
key = "OLD"
scheme = "UK VAT"
format = "gb_vat"
destinations = ["GB"]
number = "GB999000005"
effective_from = "2021-01-01"
effective_to = "2025-12-31"
demo = true
note = "DEMO old"

[[registration]]
key = "NEW"
scheme = "UK VAT"
format = "gb_vat"
destinations = ["GB"]
number = "GB 999 0000 05"
effective_from = "2026-01-01"
demo = true
note = "sandbox new"
"""
    registrations = registrations_load(text)

    assert registrations.for_destination("GB", dt.date(2025, 12, 31)).key == "OLD"
    assert registrations.for_destination("GB", dt.date(2026, 1, 1)).key == "NEW"


ENTRY = """
[[registration]]
key = "X"
scheme = "s"
format = "{fmt}"
destinations = {dest}
number = "{number}"
effective_from = "{start}"
demo = true
note = "{note}"
"""


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"number": "GB999000006"}, "is not a UK VAT number"),  # wrong check digits
        ({"fmt": "ioss", "number": "IM12345"}, "is not IM followed by 10 digits"),
        ({"fmt": "ch_vat", "number": "CHE-999.999.017 MWST"}, "is not a Swiss VAT"),
        ({"fmt": "nz_ird", "number": "99-999-005"}, "is not an NZ IRD"),
        ({"fmt": "vat"}, "format: 'vat' is not one of"),
        ({"dest": '["XX"]'}, "'XX' is not an ISO 3166-1"),
        ({"dest": "[]"}, "non-empty list"),
        ({"start": "2026-13-01"}, "is not a YYYY-MM-DD date"),
        ({"note": "a real number"}, "must say DEMO/sandbox"),
    ],
)
def test_a_malformed_registration_is_refused_with_the_reason(changes, message):
    values = {
        "fmt": "gb_vat",
        "dest": '["GB"]',
        "number": "GB999000005",
        "start": "2021-01-01",
        "note": "DEMO",
        **changes,
    }

    with pytest.raises(RegistrationFileError, match=message):
        registrations_load(ENTRY.format(**values))


def test_a_duplicate_key_or_unknown_field_is_refused():
    entry = ENTRY.format(
        fmt="gb_vat", dest='["GB"]', number="GB999000005", start="2021-01-01", note="DEMO"
    )

    with pytest.raises(RegistrationFileError, match="appears twice"):
        registrations_load(entry + entry)
    with pytest.raises(RegistrationFileError, match="unknown key `colour`"):
        registrations_load(entry + 'colour = "red"\n')
    with pytest.raises(RegistrationFileError, match="`scheme` is required"):
        registrations_load("[[registration]]\nkey='k'\n")
