"""The platform's own import-tax registrations (``registrations.toml``): loader and lookup.

Pure (no ORM). ``registrations_load(text)`` parses and validates a file and raises
``RegistrationFileError`` naming the entry, the key and the reason; ``get_registrations()`` loads
the bundled file once. ``Registrations.for_destination(country, on)`` is the registration a
declaration to ``country`` quotes on that date (the latest one in force), or None.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pycountry
from stdnum.ch import vat as ch_vat
from stdnum.gb import vat as gb_vat
from stdnum.nz import ird as nz_ird

REGISTRATIONS_FILE = Path(__file__).with_name("registrations.toml")

_EU_LIST = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
EU_MEMBER_STATES = frozenset(_EU_LIST.split())


def _pattern(regex: str) -> Callable[[str], bool]:
    compiled = re.compile(regex)
    return lambda number: compiled.fullmatch(number) is not None


# format name → (validator, what the format is, for messages). python-stdnum where it has a
# validator (check digits included); a documented pattern where it has none.
FORMATS: dict[str, tuple[Callable[[str], bool], str]] = {
    "ioss": (_pattern(r"IM\d{10}"), "IM followed by 10 digits"),
    "gb_vat": (gb_vat.is_valid, "a UK VAT number (python-stdnum stdnum.gb.vat)"),
    "nz_ird": (nz_ird.is_valid, "an NZ IRD/GST number (python-stdnum stdnum.nz.ird)"),
    "ch_vat": (ch_vat.is_valid, "a Swiss VAT number CHE-xxx.xxx.xxx MWST (stdnum.ch.vat)"),
    "au_arn": (_pattern(r"\d{12}"), "an ATO reference number of 12 digits"),
    "sg_gst": (_pattern(r"M\d{8}[A-Z]"), "M, 8 digits and a letter"),
    "no_voec": (_pattern(r"\d{7}"), "a VOEC number of 7 digits"),
    "my_sst": (_pattern(r"[A-Z]\d{2}-\d{4}-\d{8}"), "a letter and 2 digits, 4 digits, 8 digits"),
    "cn_customs_code": (_pattern(r"[0-9A-Z]{10}"), "10 digits or capital letters"),
}

_REQUIRED = ("key", "scheme", "format", "destinations", "number", "effective_from", "note")
_ALLOWED = frozenset(_REQUIRED) | {"effective_to", "demo", "source"}


class RegistrationFileError(Exception):
    """The registrations file is malformed: ``str(exc)`` names the entry, the key and why."""


@dataclass(frozen=True)
class Registration:
    key: str
    scheme: str
    format: str
    destinations: frozenset[str]
    number: str
    effective_from: dt.date
    effective_to: dt.date | None
    demo: bool
    note: str
    source: str

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "scheme": self.scheme,
            "number": self.number,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "demo": self.demo,
            "note": self.note,
        }


@dataclass(frozen=True)
class Registrations:
    entries: tuple[Registration, ...]

    def for_destination(self, country: str, on: dt.date) -> Registration | None:
        """The registration in force on ``on`` for ``country`` (the latest to take effect)."""
        found = [r for r in self.entries if country in r.destinations and r.in_force(on)]
        return max(found, key=lambda r: r.effective_from) if found else None


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RegistrationFileError(f"{where}: {value!r} is not a YYYY-MM-DD date") from None


def _destinations(value: Any, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not value:
        raise RegistrationFileError(f"{where}: a non-empty list of country codes is required")
    countries: set[str] = set()
    for code in value:
        if code == "EU":
            countries |= EU_MEMBER_STATES
        elif isinstance(code, str) and pycountry.countries.get(alpha_2=code) is not None:
            countries.add(code)
        else:
            raise RegistrationFileError(f"{where}: {code!r} is not an ISO 3166-1 alpha-2 code")
    return frozenset(countries)


def _entry(raw: Any, index: int) -> Registration:
    where = f"registration[{index}]"
    if not isinstance(raw, dict):
        raise RegistrationFileError(f"{where}: must be a table")
    for name in _REQUIRED:
        if name not in raw:
            raise RegistrationFileError(f"{where}: `{name}` is required")
    unknown = sorted(set(raw) - _ALLOWED)
    if unknown:
        raise RegistrationFileError(f"{where}: unknown key `{unknown[0]}`")
    where = f"registration {raw['key']!r}"
    for name in ("key", "scheme", "format", "number", "note"):
        if not isinstance(raw[name], str) or not raw[name].strip():
            raise RegistrationFileError(f"{where}: `{name}` must be a non-empty string")
    if raw["format"] not in FORMATS:
        raise RegistrationFileError(
            f"{where}.format: {raw['format']!r} is not one of {', '.join(sorted(FORMATS))}"
        )
    validator, described = FORMATS[raw["format"]]
    if not validator(raw["number"]):
        raise RegistrationFileError(f"{where}.number: {raw['number']!r} is not {described}")
    effective_from = _date(raw["effective_from"], f"{where}.effective_from")
    effective_to = (
        _date(raw["effective_to"], f"{where}.effective_to") if "effective_to" in raw else None
    )
    if effective_to is not None and effective_to < effective_from:
        raise RegistrationFileError(f"{where}.effective_to: before effective_from")
    demo = raw.get("demo", False)
    if not isinstance(demo, bool):
        raise RegistrationFileError(f"{where}.demo: must be true or false")
    if demo and "demo" not in raw["note"].lower() and "sandbox" not in raw["note"].lower():
        raise RegistrationFileError(f"{where}.note: a demo number's note must say DEMO/sandbox")
    return Registration(
        key=raw["key"],
        scheme=raw["scheme"],
        format=raw["format"],
        destinations=_destinations(raw["destinations"], f"{where}.destinations"),
        number=raw["number"],
        effective_from=effective_from,
        effective_to=effective_to,
        demo=demo,
        note=raw["note"],
        source=str(raw.get("source", "")),
    )


def registrations_load(text: str) -> Registrations:
    """Parse and validate a registrations file's text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistrationFileError(f"not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"registration"})
    if unknown:
        raise RegistrationFileError(f"unknown top-level key `{unknown[0]}`")
    raw_entries = data.get("registration", [])
    if not isinstance(raw_entries, list):
        raise RegistrationFileError("`registration` must be an array of tables")
    entries = tuple(_entry(raw, i) for i, raw in enumerate(raw_entries))
    keys = [e.key for e in entries]
    duplicated = sorted({k for k in keys if keys.count(k) > 1})
    if duplicated:
        raise RegistrationFileError(f"registration key {duplicated[0]!r} appears twice")
    return Registrations(entries=entries)


@functools.cache
def get_registrations() -> Registrations:
    """The bundled ``registrations.toml``, loaded and validated once."""
    return registrations_load(REGISTRATIONS_FILE.read_text(encoding="utf-8"))
