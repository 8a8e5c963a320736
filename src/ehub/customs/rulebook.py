"""Load and validate the trade-rule files (``rules/*.toml``) into a ``RuleBook``.

Runs once at start-up (``get_rulebook()`` caches). A malformed file raises ``RuleFileError`` naming
the file, the key path and the reason, so a bad edit stops start-up instead of producing a wrong
quote. The file format is documented in ``docs/landed-cost.md``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import tomllib
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import pycountry

from ehub.core.currencies import UnknownCurrency, normalize_currency
from ehub.core.money import quantum
from ehub.customs.domain import (
    CHARGE_KINDS,
    DEFAULT_ROUNDING,
    ROUNDING_MODES,
    ROUNDING_PER,
    SPECIFIC_UNITS,
    Condition,
    Destination,
    DutySpec,
    ExtraDutySpec,
    FeeSpec,
    HsRateTable,
    Param,
    ParamVersion,
    Preference,
    RateTableVersion,
    Regime,
    Restriction,
    Rounding,
    RoundingRule,
    RuleBook,
    RuleRef,
    SpecificRate,
    TaxSpec,
    Validity,
)

RULES_DIR = Path(__file__).resolve().parent / "rules"

VALUE_BASES = {"goods", "consignment", "max_item", "customs_value", "annual"}
VALUE_OPS = {"at_most", "below", "above", "at_least"}
CODE_CONDITIONS = {
    "ship_from_in",
    "ship_from_not_in",
    "origin_any_in",
    "origin_none_in",
    "hs_any_in",
    "hs_none_in",
    "buyer_type",
}
TAX_BASE_PARTS = {
    "goods", "shipping", "insurance", "carrier_fees", "customs_value", "duty", "fees",
}  # fmt: skip
DUTY_KINDS = {"none", "mfn", "flat", "per_subheading", "flat_minus"}
COLLECTED = {"at_checkout", "at_border"}
SPECIFIC_UNIT_NAMES = frozenset(SPECIFIC_UNITS)
COMBINE = {"sum", "max", "min"}
SPECIFIC_KEYS = {
    "ad_valorem", "specific", "unit", "currency", "per", "combine", "alternative", "min", "max",
}  # fmt: skip
OVERRIDES = {"tax_rate", "consumption_tax_rate"}


class RuleFileError(ValueError):
    """A rule file is malformed: the message names the file, the key path and the reason."""

    def __init__(self, file: str, key: str, reason: str) -> None:
        super().__init__(f"{file}: {key}: {reason}")
        self.file = file
        self.key = key
        self.reason = reason


class _Reader:
    """Typed access to one file's TOML with errors that say where."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, key: str, reason: str) -> RuleFileError:
        return RuleFileError(self.file, key, reason)

    def table(self, data: Any, key: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(key, "must be a table")
        return data

    def get(self, data: dict[str, Any], key: str, path: str, *, required: bool = True) -> Any:
        if key not in data:
            if required:
                raise self.fail(f"{path}.{key}" if path else key, "is required")
            return None
        return data[key]

    def string(self, data: dict[str, Any], key: str, path: str, *, required: bool = True) -> str:
        value = self.get(data, key, path, required=required)
        if value is None:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(_join(path, key), "must be a non-empty string")
        return value.strip()

    def source(self, data: dict[str, Any], path: str, *, required: bool = True) -> str:
        value = self.string(data, "source", path, required=required)
        if value and not value.startswith(("https://", "http://")):
            raise self.fail(_join(path, "source"), f"must be an http(s) URL, got {value!r}")
        return value

    def decimal(self, value: Any, key: str, *, low: Decimal | None = None) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise self.fail(key, 'must be a decimal string such as "0.12" (not a float)')
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise self.fail(key, f"{value!r} is not a decimal number") from exc
        if not result.is_finite():
            raise self.fail(key, "must be finite")
        if low is not None and result < low:
            raise self.fail(key, f"must be at least {low}")
        return result

    def rate(self, value: Any, key: str) -> Decimal:
        result = self.decimal(value, key, low=Decimal(0))
        if result > 10:
            raise self.fail(key, f"rate {result} looks like a percentage; write 0.12 for 12%")
        return result

    def date(self, data: dict[str, Any], key: str, path: str, *, required: bool = True) -> Any:
        value = self.get(data, key, path, required=required)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            raise self.fail(_join(path, key), "must be a date, not a date-time")
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError as exc:
                raise self.fail(_join(path, key), f"{value!r} is not a YYYY-MM-DD date") from exc
        raise self.fail(_join(path, key), "must be a date")

    def validity(self, data: dict[str, Any], path: str) -> Validity:
        start = self.date(data, "effective_from", path)
        end = self.date(data, "effective_to", path, required=False)
        if end is not None and end < start:
            raise self.fail(_join(path, "effective_to"), "is before effective_from")
        return Validity(start, end)

    def codes(self, value: Any, key: str, *, countries: bool = False) -> frozenset[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "must be a list of strings")
        if countries:
            for code in value:
                if pycountry.countries.get(alpha_2=code) is None:
                    raise self.fail(key, f"{code!r} is not an ISO 3166-1 alpha-2 country code")
        return frozenset(value)

    def check_keys(self, data: dict[str, Any], allowed: set[str], path: str) -> None:
        extra = sorted(set(data) - allowed)
        if extra:
            raise self.fail(
                _join(path, extra[0]), f"unknown key (allowed: {', '.join(sorted(allowed))})"
            )


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(path.name, "(syntax)", str(exc)) from exc


def _parse_params(reader: _Reader, data: Any) -> dict[str, Param]:
    params: dict[str, Param] = {}
    for name, spec in reader.table(data, "params").items():
        path = f"params.{name}"
        spec = reader.table(spec, path)
        reader.check_keys(spec, {"id", "kind", "currency", "versions"}, path)
        rule_id = reader.string(spec, "id", path)
        kind = reader.string(spec, "kind", path, required=False) or None
        currency = reader.string(spec, "currency", path, required=False) or None
        if currency:
            try:
                currency = normalize_currency(currency)
            except UnknownCurrency as exc:
                raise reader.fail(f"{path}.currency", str(exc)) from exc
        versions_data = reader.get(spec, "versions", path)
        if not isinstance(versions_data, list) or not versions_data:
            raise reader.fail(f"{path}.versions", "must be a non-empty array of tables")
        versions: list[ParamVersion] = []
        for i, version in enumerate(versions_data):
            vpath = f"{path}.versions[{i}]"
            version = reader.table(version, vpath)
            reader.check_keys(version, {"value", "effective_from", "effective_to", "source"}, vpath)
            raw = reader.get(version, "value", vpath)
            known = raw != "unknown"  # in force, but its value is not known to ehub
            if not known:
                value = Decimal(0)
            elif currency:
                value = reader.decimal(raw, f"{vpath}.value", low=Decimal(0))
            else:
                value = reader.rate(raw, f"{vpath}.value")
            versions.append(
                ParamVersion(
                    validity=reader.validity(version, vpath),
                    value=value,
                    currency=currency,
                    rule=RuleRef(rule_id, reader.source(version, vpath)),
                    kind=kind,
                    known=known,
                )
            )
        _check_no_overlap(reader, path, [v.validity for v in versions])
        params[name] = Param(name, tuple(versions))
    return params


def _check_no_overlap(reader: _Reader, path: str, validities: list[Validity]) -> None:
    ordered = sorted(validities, key=lambda v: v.effective_from)
    for earlier, later in itertools.pairwise(ordered):
        if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
            raise reader.fail(
                f"{path}.versions",
                f"versions overlap: one from {earlier.effective_from} has no end before "
                f"{later.effective_from} (set effective_to)",
            )


def _check_unique_ids(reader: _Reader, key: str, items: list[tuple[str, Validity]]) -> None:
    """One id names one rule: records may share it only as its versions over time (PH's import
    regime before and after a fee change), never for the same day."""
    by_id: dict[str, list[Validity]] = {}
    for rule_id, validity in items:
        by_id.setdefault(rule_id, []).append(validity)
    for rule_id, validities in by_id.items():
        ordered = sorted(validities, key=lambda v: v.effective_from)
        for earlier, later in itertools.pairwise(ordered):
            if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
                raise reader.fail(
                    f"{key}[{rule_id}]",
                    f"id {rule_id!r} is used by two records valid on {later.effective_from}; "
                    "give each rule its own id (records may share one only for successive dates)",
                )


def _hs_prefix(reader: _Reader, prefix: str, key: str) -> str:
    if not (prefix.isdigit() and len(prefix) in (2, 4, 6)):
        raise reader.fail(
            key, f"{prefix!r} must be an HS chapter, heading or subheading (2/4/6 digits)"
        )
    return prefix


def _parse_tables(reader: _Reader, data: Any) -> dict[str, HsRateTable]:
    tables: dict[str, HsRateTable] = {}
    for name, spec in reader.table(data, "tables").items():
        path = f"tables.{name}"
        spec = reader.table(spec, path)
        reader.check_keys(spec, {"id", "versions"}, path)
        rule_id = reader.string(spec, "id", path)
        versions_data = reader.get(spec, "versions", path)
        if not isinstance(versions_data, list) or not versions_data:
            raise reader.fail(f"{path}.versions", "must be a non-empty array of tables")
        versions = []
        for i, version in enumerate(versions_data):
            vpath = f"{path}.versions[{i}]"
            version = reader.table(version, vpath)
            reader.check_keys(
                version, {"effective_from", "effective_to", "source", "rates", "sources"}, vpath
            )
            default_source = reader.source(version, vpath)
            rates_data = reader.table(reader.get(version, "rates", vpath), f"{vpath}.rates")
            sources_data = reader.table(version.get("sources", {}), f"{vpath}.sources")
            rates: dict[str, Decimal | None] = {}
            sources: dict[str, str] = {}
            specific: dict[str, SpecificRate] = {}
            for prefix, raw in rates_data.items():
                key = f"{vpath}.rates.{prefix}"
                _hs_prefix(reader, prefix, key)
                if isinstance(raw, dict):
                    rates[prefix], specific[prefix] = _parse_specific(reader, raw, key)
                else:
                    rates[prefix] = None if raw == "unknown" else reader.rate(raw, key)
                sources[prefix] = default_source
            for prefix, url in sources_data.items():
                key = f"{vpath}.sources.{prefix}"
                if prefix not in rates:
                    raise reader.fail(key, "has a source but no rate")
                if not isinstance(url, str) or not url.startswith(("https://", "http://")):
                    raise reader.fail(key, "must be an http(s) URL")
                sources[prefix] = url
            versions.append(
                RateTableVersion(reader.validity(version, vpath), rule_id, rates, sources, specific)
            )
        _check_no_overlap(reader, path, [v.validity for v in versions])
        tables[name] = HsRateTable(name, tuple(versions))
    return tables


def _parse_specific(
    reader: _Reader, data: dict[str, Any], key: str
) -> tuple[Decimal, SpecificRate]:
    """``{ad_valorem, specific, unit, currency, per, combine, alternative, min, max}``: the ad
    valorem part (default 0) and the specific part of a duty rate."""
    reader.check_keys(data, SPECIFIC_KEYS, key)
    ad_valorem = reader.rate(data.get("ad_valorem", "0"), f"{key}.ad_valorem")
    amount = reader.decimal(reader.get(data, "specific", key), f"{key}.specific", low=Decimal(0))
    unit = reader.string(data, "unit", key)
    if unit not in SPECIFIC_UNIT_NAMES:
        raise reader.fail(
            f"{key}.unit", f"must be one of {', '.join(sorted(SPECIFIC_UNIT_NAMES))}, got {unit!r}"
        )
    try:
        currency = normalize_currency(reader.string(data, "currency", key))
    except UnknownCurrency as exc:
        raise reader.fail(f"{key}.currency", str(exc)) from exc
    per = reader.decimal(data.get("per", "1"), f"{key}.per", low=Decimal(0))
    if per == 0:
        raise reader.fail(f"{key}.per", "must be positive (e.g. 100 for EUR x/100 kg)")
    combine = data.get("combine", "sum")
    if combine not in COMBINE:
        raise reader.fail(f"{key}.combine", f"must be one of {', '.join(sorted(COMBINE))}")
    alternative = None
    if "alternative" in data:
        if combine == "sum":
            raise reader.fail(
                f"{key}.alternative", 'an alternative rate needs combine = "max" or "min"'
            )
        alternative = reader.rate(data["alternative"], f"{key}.alternative")
    elif combine != "sum" and ad_valorem == 0:
        raise reader.fail(
            f"{key}.combine",
            f'combine = "{combine}" compares two alternatives: give ad_valorem or alternative',
        )
    minimum = maximum = None
    if "min" in data:
        minimum = reader.decimal(data["min"], f"{key}.min", low=Decimal(0))
    if "max" in data:
        maximum = reader.decimal(data["max"], f"{key}.max", low=Decimal(0))
    if minimum is not None and maximum is not None and minimum > maximum:
        raise reader.fail(f"{key}.min", "is greater than max")
    return ad_valorem, SpecificRate(
        amount=amount,
        unit=unit,
        currency=currency,
        per=per,
        combine=combine,
        alternative=alternative,
        minimum=minimum,
        maximum=maximum,
    )


def _parse_condition(reader: _Reader, data: Any, path: str) -> Condition:
    data = reader.table(data, path)
    if "value" in data:
        basis = data["value"]
        if basis not in VALUE_BASES:
            raise reader.fail(f"{path}.value", f"must be one of {', '.join(sorted(VALUE_BASES))}")
        ops = [op for op in VALUE_OPS if op in data]
        if len(ops) != 1 or len(data) != 2:
            raise reader.fail(
                path, f"a value test needs exactly one of {', '.join(sorted(VALUE_OPS))}"
            )
        return Condition("value", basis=basis, op=ops[0], param=reader.string(data, ops[0], path))
    if len(data) != 1:
        raise reader.fail(path, "a condition has exactly one key")
    ((kind, value),) = data.items()
    if kind in CODE_CONDITIONS:
        countries = kind.startswith(("ship_from", "origin"))
        codes = reader.codes(value, f"{path}.{kind}", countries=countries)
        if kind.startswith("hs_"):
            for code in codes:
                _hs_prefix(reader, code, f"{path}.{kind}")
        return Condition(kind, codes=codes)
    if kind == "single_item":
        if not isinstance(value, bool):
            raise reader.fail(f"{path}.single_item", "must be true or false")
        return Condition("single_item", flag=value)
    raise reader.fail(f"{path}.{kind}", "unknown condition")


def _parse_regime(reader: _Reader, data: Any, path: str) -> Regime:
    data = reader.table(data, path)
    reader.check_keys(
        data,
        {
            "id", "name", "source", "effective_from", "effective_to", "channels", "when",
            "collected", "valuation", "personal_use_factor", "duty", "extra_duties", "taxes",
            "fees", "waive_charges_at_most", "refuse", "notes",
        },
        path,
    )  # fmt: skip
    channels = reader.codes(reader.get(data, "channels", path), f"{path}.channels")
    if not channels:
        raise reader.fail(f"{path}.channels", "must name at least one channel")
    conditions = tuple(
        _parse_condition(reader, c, f"{path}.when[{i}]") for i, c in enumerate(data.get("when", []))
    )
    collected = reader.string(data, "collected", path)
    if collected not in COLLECTED:
        raise reader.fail(f"{path}.collected", f"must be one of {', '.join(sorted(COLLECTED))}")
    valuation = reader.string(data, "valuation", path)
    if valuation not in {"cif", "fob"}:
        raise reader.fail(f"{path}.valuation", "must be cif or fob")
    duty_data = reader.table(data.get("duty", {"kind": "none"}), f"{path}.duty")
    reader.check_keys(duty_data, {"kind", "param", "deduction", "table"}, f"{path}.duty")
    duty = DutySpec(
        kind=reader.string(duty_data, "kind", f"{path}.duty"),
        param=reader.string(duty_data, "param", f"{path}.duty", required=False),
        deduction=reader.string(duty_data, "deduction", f"{path}.duty", required=False),
        table=reader.string(duty_data, "table", f"{path}.duty", required=False) or "mfn",
    )
    if duty.kind not in DUTY_KINDS:
        raise reader.fail(f"{path}.duty.kind", f"must be one of {', '.join(sorted(DUTY_KINDS))}")
    if duty.kind in {"flat", "per_subheading", "flat_minus"} and not duty.param:
        raise reader.fail(f"{path}.duty.param", f"is required for duty kind {duty.kind}")
    if duty.kind == "flat_minus" and not duty.deduction:
        raise reader.fail(f"{path}.duty.deduction", "is required for duty kind flat_minus")
    extra = []
    for i, item in enumerate(data.get("extra_duties", [])):
        ipath = f"{path}.extra_duties[{i}]"
        item = reader.table(item, ipath)
        reader.check_keys(
            item,
            {
                "param", "table", "label", "origin_in", "origin_not_in", "hs_in", "hs_not_in",
                "base", "top_up", "unknown", "effective_from", "effective_to",
            },
            ipath,
        )  # fmt: skip
        base = item.get("base", "customs_value")
        if base not in {"customs_value", "duty"}:
            raise reader.fail(f"{ipath}.base", "must be customs_value or duty")
        unknown = reader.string(item, "unknown", ipath, required=False)
        if "effective_to" in item and "effective_from" not in item:
            raise reader.fail(f"{ipath}.effective_from", "is required with effective_to")
        if unknown and ({"param", "table", "label", "top_up"} & set(item)):
            raise reader.fail(f"{ipath}.unknown", "cannot be combined with param, table or label")
        if not unknown and ("param" in item) == ("table" in item):
            raise reader.fail(f"{ipath}.param", "give exactly one of param, table or unknown")
        top_up = item.get("top_up", False)
        if not isinstance(top_up, bool):
            raise reader.fail(f"{ipath}.top_up", "must be true or false")
        if top_up and ("param" not in item or base != "customs_value"):
            raise reader.fail(
                f"{ipath}.top_up", "needs a rate param on the customs value (not a table)"
            )
        hs_filters = {}
        for key in ("hs_in", "hs_not_in"):
            hs_filters[key] = reader.codes(item.get(key, []), f"{ipath}.{key}")
            for code in hs_filters[key]:
                _hs_prefix(reader, code, f"{ipath}.{key}")
        extra.append(
            ExtraDutySpec(
                param=reader.string(item, "param", ipath, required=False),
                table=reader.string(item, "table", ipath, required=False),
                label=reader.string(item, "label", ipath, required=not unknown),
                unknown=unknown,
                top_up=top_up,
                hs_in=hs_filters["hs_in"],
                hs_not_in=hs_filters["hs_not_in"],
                validity=reader.validity(item, ipath) if "effective_from" in item else None,
                origin_in=reader.codes(
                    item.get("origin_in", []), f"{ipath}.origin_in", countries=True
                ),
                origin_not_in=reader.codes(
                    item.get("origin_not_in", []), f"{ipath}.origin_not_in", countries=True
                ),
                base=base,
            )
        )
    taxes = []
    for i, item in enumerate(data.get("taxes", [])):
        ipath = f"{path}.taxes[{i}]"
        item = reader.table(item, ipath)
        reader.check_keys(
            item,
            {
                "kind", "rate", "table", "by_region", "base", "factor", "base_factor",
                "por_dentro", "gross_up_consumption_tax", "override", "waive_at_most",
                "omit_if_zero", "region_required",
            },
            ipath,
        )  # fmt: skip
        base = item.get("base", ["customs_value", "duty"])
        if not isinstance(base, list) or not base or not set(base) <= TAX_BASE_PARTS:
            raise reader.fail(
                f"{ipath}.base", f"must be a non-empty list of {', '.join(sorted(TAX_BASE_PARTS))}"
            )
        base_factor = Decimal(1)
        if "base_factor" in item:
            raw = item["base_factor"]
            if not isinstance(raw, str):
                raise reader.fail(f"{ipath}.base_factor", 'must be a string such as "11/12"')
            numerator, _, denominator = raw.partition("/")
            base_factor = reader.decimal(numerator, f"{ipath}.base_factor", low=Decimal(0))
            if denominator:
                base_factor /= reader.decimal(denominator, f"{ipath}.base_factor", low=Decimal(1))
        by_region = reader.table(item.get("by_region", {}), f"{ipath}.by_region")
        override = item.get("override", "tax_rate")
        if override not in OVERRIDES:
            raise reader.fail(f"{ipath}.override", f"must be one of {', '.join(sorted(OVERRIDES))}")
        spec = TaxSpec(
            kind=reader.string(item, "kind", ipath),
            rate=reader.string(item, "rate", ipath, required=False),
            table=reader.string(item, "table", ipath, required=False),
            by_region={str(k): str(v) for k, v in by_region.items()},
            base=tuple(base),
            factor=reader.string(item, "factor", ipath, required=False),
            base_factor=base_factor,
            por_dentro=bool(item.get("por_dentro", False)),
            gross_up_consumption_tax=bool(item.get("gross_up_consumption_tax", False)),
            override=override,
            waive_at_most=reader.string(item, "waive_at_most", ipath, required=False),
            omit_if_zero=bool(item.get("omit_if_zero", False)),
            region_required=bool(item.get("region_required", False)),
        )
        if not (spec.rate or spec.table or spec.by_region):
            raise reader.fail(ipath, "a tax needs rate, table or by_region")
        if spec.region_required and not spec.by_region:
            raise reader.fail(f"{ipath}.region_required", "needs by_region")
        taxes.append(spec)
    fees = []
    for i, item in enumerate(data.get("fees", [])):
        ipath = f"{path}.fees[{i}]"
        item = reader.table(item, ipath)
        reader.check_keys(
            item,
            {"name", "amount", "rate", "minimum", "maximum", "only_if_charges", "when", "channels"},
            ipath,
        )
        fee_when = item.get("when", [])
        if not isinstance(fee_when, list):
            raise reader.fail(f"{ipath}.when", "must be a list of value tests")
        fee_conditions = tuple(
            _parse_condition(reader, c, f"{ipath}.when[{j}]") for j, c in enumerate(fee_when)
        )
        if any(c.kind != "value" for c in fee_conditions):
            raise reader.fail(f"{ipath}.when", "a fee takes value tests only")
        fee = FeeSpec(
            name=reader.string(item, "name", ipath),
            amount=reader.string(item, "amount", ipath, required=False),
            rate=reader.string(item, "rate", ipath, required=False),
            minimum=reader.string(item, "minimum", ipath, required=False),
            maximum=reader.string(item, "maximum", ipath, required=False),
            only_if_charges=bool(item.get("only_if_charges", False)),
            conditions=fee_conditions,
            channels=reader.codes(item.get("channels", []), f"{ipath}.channels"),
        )
        if fee.channels - channels:
            raise reader.fail(
                f"{ipath}.channels", f"lists channels the regime does not have ({path}.channels)"
            )
        if bool(fee.amount) == bool(fee.rate):
            raise reader.fail(ipath, "a fee needs exactly one of amount or rate")
        fees.append(fee)
    notes = data.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise reader.fail(f"{path}.notes", "must be a list of strings")
    return Regime(
        id=reader.string(data, "id", path),
        name=reader.string(data, "name", path),
        source=reader.source(data, path),
        validity=reader.validity(data, path),
        channels=channels,
        conditions=conditions,
        collected=collected,
        valuation=valuation,
        personal_use_factor=reader.string(data, "personal_use_factor", path, required=False),
        duty=duty,
        extra_duties=tuple(extra),
        taxes=tuple(taxes),
        fees=tuple(fees),
        waive_charges_at_most=reader.string(data, "waive_charges_at_most", path, required=False),
        refuse=reader.string(data, "refuse", path, required=False),
        notes=tuple(notes),
    )


def _parse_pieces(reader: _Reader, data: dict[str, Any]) -> dict[str, Any]:
    """The parts a destination file and a shared file both may hold."""
    regimes = [
        _parse_regime(reader, r, f"regimes[{i}]") for i, r in enumerate(data.get("regimes", []))
    ]
    preferences = []
    for i, item in enumerate(data.get("preferences", [])):
        path = f"preferences[{i}]"
        item = reader.table(item, path)
        reader.check_keys(
            item,
            {
                "id",
                "table",
                "origin_in",
                "ship_from_in",
                "effective_from",
                "effective_to",
                "source",
            },
            path,
        )
        reader.source(item, path)
        preferences.append(
            Preference(
                id=reader.string(item, "id", path),
                table=reader.string(item, "table", path),
                origin_in=reader.codes(
                    item.get("origin_in", []), f"{path}.origin_in", countries=True
                ),
                ship_from_in=reader.codes(
                    item.get("ship_from_in", []), f"{path}.ship_from_in", countries=True
                ),
                validity=reader.validity(item, path),
            )
        )
    restrictions = []
    for i, item in enumerate(data.get("restricted", [])):
        path = f"restricted[{i}]"
        item = reader.table(item, path)
        reader.check_keys(
            item,
            {"id", "hs_prefix", "reason", "source", "effective_from", "effective_to", "channels"},
            path,
        )
        prefix = reader.string(item, "hs_prefix", path)
        _hs_prefix(reader, prefix, f"{path}.hs_prefix")
        restrictions.append(
            Restriction(
                hs_prefix=prefix,
                reason=reader.string(item, "reason", path),
                rule=RuleRef(reader.string(item, "id", path), reader.source(item, path)),
                validity=reader.validity(item, path),
                channels=reader.codes(item.get("channels", []), f"{path}.channels"),
            )
        )
    return {
        "params": _parse_params(reader, data.get("params", {})),
        "tables": _parse_tables(reader, data.get("tables", {})),
        "regimes": regimes,
        "preferences": preferences,
        "restrictions": restrictions,
        "notes": list(data.get("notes", [])),
    }


DESTINATION_KEYS = {
    "country", "name", "currency", "include", "default_channel", "carrier_fees_in_tax_base",
    "rounding", "notes", "params", "tables", "regimes", "preferences", "restricted",
}  # fmt: skip
SHARED_KEYS = {
    "shared",
    "name",
    "notes",
    "params",
    "tables",
    "regimes",
    "preferences",
    "restricted",
}


def load_rulebook(directory: Path | None = None) -> RuleBook:
    """Read every ``*.toml`` in ``directory`` (default: the bundled rules) and validate it."""
    directory = directory or RULES_DIR
    files = sorted(directory.glob("*.toml"))
    shared: dict[str, tuple[str, dict[str, Any]]] = {}
    own: list[tuple[str, dict[str, Any]]] = []
    for path in files:
        data = _read_toml(path)
        if data.get("shared"):
            reader = _Reader(path.name)
            reader.check_keys(data, SHARED_KEYS, "")
            shared[path.stem] = (path.name, _parse_pieces(reader, data))
        else:
            own.append((path.name, data))
    destinations: dict[str, Destination] = {}
    for file_name, data in own:
        destination = _build_destination(_Reader(file_name), data, shared)
        if destination.country in destinations:
            raise RuleFileError(file_name, "country", f"{destination.country} is defined twice")
        destinations[destination.country] = destination
    if not destinations:
        raise RuleFileError(str(directory), "(directory)", "no destination rule files found")
    return RuleBook(destinations)


def _build_destination(
    reader: _Reader, data: dict[str, Any], shared: dict[str, tuple[str, dict[str, Any]]]
) -> Destination:
    reader.check_keys(data, DESTINATION_KEYS, "")
    country = reader.string(data, "country", "")
    if pycountry.countries.get(alpha_2=country) is None:
        raise reader.fail("country", f"{country!r} is not an ISO 3166-1 alpha-2 code")
    expected = f"{country}.toml"
    if reader.file != expected:
        raise reader.fail("country", f"{country} must live in {expected}")
    try:
        currency = normalize_currency(reader.string(data, "currency", ""))
    except UnknownCurrency as exc:
        raise reader.fail("currency", str(exc)) from exc
    rounding = _parse_rounding(reader, reader.get(data, "rounding", ""), currency)
    pieces = _parse_pieces(reader, data)
    params: dict[str, Param] = {}
    tables: dict[str, HsRateTable] = {}
    regimes = list(pieces["regimes"])
    preferences = list(pieces["preferences"])
    restrictions = list(pieces["restrictions"])
    notes = list(pieces["notes"])
    files = [reader.file]
    include = data.get("include", [])
    if not isinstance(include, list):
        raise reader.fail("include", "must be a list of shared file names (without .toml)")
    for name in include:
        if name not in shared:
            raise reader.fail("include", f"no shared rule file {name}.toml")
        shared_file, piece = shared[name]
        files.append(shared_file)
        params.update(piece["params"])
        tables.update(piece["tables"])
        regimes.extend(piece["regimes"])
        preferences.extend(piece["preferences"])
        restrictions.extend(piece["restrictions"])
        notes.extend(piece["notes"])
    params.update(pieces["params"])  # the destination's own values win
    tables.update(pieces["tables"])
    if not regimes:
        raise reader.fail("regimes", "a destination needs at least one regime")
    _check_unique_ids(reader, "regimes", [(r.id, r.validity) for r in regimes])
    channels = {c for r in regimes for c in r.channels}
    default_channel = data.get("default_channel", "default")
    if default_channel not in channels:
        raise reader.fail("default_channel", f"{default_channel!r} is not a channel of any regime")
    _check_references(reader, regimes, params, tables, preferences)
    return Destination(
        country=country,
        name=str(data.get("name") or country),
        currency=currency,
        rounding=rounding,
        carrier_fees_in_tax_base=bool(data.get("carrier_fees_in_tax_base", False)),
        default_channel=default_channel,
        regimes=tuple(regimes),
        params=params,
        tables=tables,
        preferences=tuple(preferences),
        restrictions=tuple(restrictions),
        notes=tuple(notes),
        first_date=min(r.validity.effective_from for r in regimes),
        files=tuple(files),
    )


ROUNDING_RULE_KEYS = {"mode", "increment", "per", "base_increment", "base_mode", "source"}


def _parse_rounding(reader: _Reader, data: Any, currency: str) -> Rounding:
    """``[rounding]`` and its optional ``[rounding.duty]``, ``[rounding.tax]``, ``[rounding.fee]``:
    each key a kind table leaves out is taken from ``[rounding]``."""
    table = reader.table(data, "rounding")
    reader.check_keys(table, ROUNDING_RULE_KEYS | set(CHARGE_KINDS) | {"collected"}, "rounding")
    collected = reader.string(table, "collected", "rounding", required=False) or None
    if collected is not None and collected not in COLLECTED:
        raise reader.fail("rounding.collected", f"must be one of {', '.join(sorted(COLLECTED))}")
    top = _rounding_rule(reader, table, "rounding", currency, None)
    if not top.source and (not top.is_default or top.mode != "half_up"):
        raise reader.fail("rounding.source", "is required for a rule other than ehub's default")
    rules: dict[str, RoundingRule] = {}
    for kind in CHARGE_KINDS:
        if kind not in table:
            rules[kind] = top
            continue
        path = f"rounding.{kind}"
        kind_table = reader.table(table[kind], path)
        reader.check_keys(kind_table, ROUNDING_RULE_KEYS, path)
        rules[kind] = _rounding_rule(reader, kind_table, path, currency, top)
        if not rules[kind].source:
            raise reader.fail(f"{path}.source", "is required (where the rule is published)")
    rounding = Rounding(
        duty=rules["duty"], tax=rules["tax"], fee=rules["fee"], mode=top.mode, collected=collected
    )
    return DEFAULT_ROUNDING if rounding.same_as(DEFAULT_ROUNDING) else rounding


def _rounding_rule(
    reader: _Reader, data: dict[str, Any], path: str, currency: str, inherit: RoundingRule | None
) -> RoundingRule:
    base = inherit or RoundingRule()
    minor = quantum(currency)

    def mode_of(key: str, default: str) -> str:
        if key not in data:
            if inherit is None and key == "mode":
                raise reader.fail(f"{path}.mode", "is required")
            return default
        value = reader.string(data, key, path)
        if value not in ROUNDING_MODES:
            raise reader.fail(f"{path}.{key}", f"must be one of {', '.join(ROUNDING_MODES)}")
        return value

    def increment_of(key: str, default: Decimal | None) -> Decimal | None:
        if key not in data:
            return default
        value = reader.decimal(data[key], f"{path}.{key}")
        if value <= 0:
            raise reader.fail(f"{path}.{key}", f"must be greater than 0, got {value}")
        if value % minor != 0:
            raise reader.fail(
                f"{path}.{key}",
                f"{value} is not a multiple of the {currency} minor unit {minor}",
            )
        return None if value == minor else value

    per = base.per
    if "per" in data:
        per = reader.string(data, "per", path)
        if per not in ROUNDING_PER:
            raise reader.fail(f"{path}.per", f"must be one of {', '.join(ROUNDING_PER)}")
    elif inherit is None:
        raise reader.fail(f"{path}.per", "is required")
    source = reader.source(data, path, required=False) or base.source
    return RoundingRule(
        mode=mode_of("mode", base.mode),
        increment=increment_of("increment", base.increment),
        per=per,
        base_increment=increment_of("base_increment", base.base_increment),
        base_mode=mode_of("base_mode", base.base_mode),
        source=source,
    )


def _check_references(
    reader: _Reader,
    regimes: list[Regime],
    params: dict[str, Param],
    tables: dict[str, HsRateTable],
    preferences: list[Preference],
) -> None:
    def need_param(name: str, key: str, *, amount: bool | None = None) -> None:
        if not name:
            return
        if name not in params:
            raise reader.fail(key, f"refers to unknown parameter {name!r}")
        is_amount = params[name].versions[0].currency is not None
        if amount is True and not is_amount:
            raise reader.fail(key, f"parameter {name!r} must be an amount (give it a currency)")
        if amount is False and is_amount:
            raise reader.fail(key, f"parameter {name!r} must be a rate (no currency)")

    for regime in regimes:
        path = f"regimes[{regime.id}]"
        for condition in regime.conditions:
            if condition.kind == "value":
                need_param(condition.param, f"{path}.when.{condition.op}", amount=True)
        need_param(regime.personal_use_factor, f"{path}.personal_use_factor", amount=False)
        need_param(regime.waive_charges_at_most, f"{path}.waive_charges_at_most", amount=True)
        duty = regime.duty
        if duty.kind == "per_subheading":
            need_param(duty.param, f"{path}.duty.param", amount=True)
        elif duty.kind in {"flat", "flat_minus"}:
            need_param(duty.param, f"{path}.duty.param", amount=False)
        need_param(duty.deduction, f"{path}.duty.deduction", amount=True)
        if duty.kind == "mfn" and duty.table not in tables:
            raise reader.fail(f"{path}.duty.table", f"refers to unknown table {duty.table!r}")
        for extra in regime.extra_duties:
            need_param(extra.param, f"{path}.extra_duties.param", amount=False)
            if extra.table and extra.table not in tables:
                raise reader.fail(
                    f"{path}.extra_duties.table", f"refers to unknown table {extra.table!r}"
                )
            if extra.table and any(v.specific for v in tables[extra.table].versions):
                raise reader.fail(
                    f"{path}.extra_duties.table",
                    f"table {extra.table!r} has specific (per-unit) rates; an extra duty "
                    "table needs ad valorem rates",
                )
        for tax in regime.taxes:
            need_param(tax.rate, f"{path}.taxes.rate", amount=False)
            need_param(tax.factor, f"{path}.taxes.factor", amount=False)
            need_param(tax.waive_at_most, f"{path}.taxes.waive_at_most", amount=True)
            for region, name in tax.by_region.items():
                if name == "unknown":
                    continue
                need_param(name, f"{path}.taxes.by_region.{region}", amount=False)
            if tax.table and tax.table not in tables:
                raise reader.fail(f"{path}.taxes.table", f"refers to unknown table {tax.table!r}")
            if tax.table and any(v.specific for v in tables[tax.table].versions):
                raise reader.fail(
                    f"{path}.taxes.table",
                    f"table {tax.table!r} has specific (per-unit) rates; a tax table needs rates",
                )
        for fee in regime.fees:
            need_param(fee.amount, f"{path}.fees.amount", amount=True)
            need_param(fee.rate, f"{path}.fees.rate", amount=False)
            need_param(fee.minimum, f"{path}.fees.minimum", amount=True)
            need_param(fee.maximum, f"{path}.fees.maximum", amount=True)
            for condition in fee.conditions:
                need_param(condition.param, f"{path}.fees.when", amount=True)
    for preference in preferences:
        if preference.table not in tables:
            raise reader.fail(
                f"preferences[{preference.id}].table",
                f"refers to unknown table {preference.table!r}",
            )


@cache
def get_rulebook() -> RuleBook:
    """The rules in force for this process, loaded and validated once: the bundled files, or
    the folder named by ``EHUB_CUSTOMS_RULES_DIR`` (an operator's own, updated copy)."""
    override = os.environ.get("EHUB_CUSTOMS_RULES_DIR", "").strip()
    return load_rulebook(Path(override) if override else None)
