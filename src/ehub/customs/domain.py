"""The landed-cost engine: a pure function of (rules in force on a date, a parcel).

No Django, no ORM, no I/O. ``rulebook.py`` turns the TOML rule files into the frozen values defined
here; ``contract.py`` turns the JSON request into a ``LandedCostRequest`` and the
``LandedCostResult`` back into JSON. See ``docs/landed-cost.md``.

How a quote is computed (each step is driven by data, not by country branches):

1. Convert every request amount into the destination's currency (request ``fx`` first, stored rates
   as fallback) and quantize it to the minor unit.
2. Pick the destination's rules in force on the date, then the first *regime* (in file order) whose
   channel, dates and conditions match (value thresholds on goods / consignment / per item /
   customs value / annual total, ship-from, origin and HS conditions, buyer type).
3. Refuse restricted lines; a regime can also refuse the whole consignment.
4. Customs value per line (CIF or FOB, optional personal-use factor), duty per line (MFN by HS
   6/4/2-digit prefix, preferential rate by origin, flat rate, per-subheading amount, consignment
   formula), surcharges, then taxes by rate group on the bases the regime names, then fees.
5. Round each duty, tax and fee line once by the destination's rule for its kind (``Rounding``:
   mode, increment, per line or per total, optional base increment); amounts stay on the minor
   unit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any, NamedTuple, TypeVar

from ehub.core.errors import DomainError
from ehub.core.fx import FxRates, MissingRate
from ehub.core.messages import (
    CountryParam,
    DataText,
    Message,
    Messages,
    MoneyParam,
    NumberParam,
    PercentParam,
    message,
)
from ehub.core.messages import Param as MessageParam
from ehub.core.money import quantum

ZERO = Decimal(0)
ONE = Decimal(1)

ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN}


class LandedCostInputError(DomainError):
    """Bad input for a quote: the API answers 400, the CLI exits 2. ``detail`` names the field."""

    status = 400


# ------------------------------------------------------------------------------------------------
# Request
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestLine:
    hs_code: str
    description: str
    origin: str
    quantity: int
    unit_price: Decimal
    duty_rate: Decimal | None = None
    tax_rate: Decimal | None = None
    consumption_tax_rate: Decimal | None = None
    # quantities for specific duties, for the whole line (all ``quantity`` units); None: not given
    net_weight_kg: Decimal | None = None
    gross_weight_kg: Decimal | None = None
    supplementary_quantity: Decimal | None = None
    supplementary_unit: str | None = None  # "m2" | "pieces"


@dataclass(frozen=True, slots=True)
class CarrierFee:
    name: str
    amount: Decimal
    in_tax_base: bool


@dataclass(frozen=True, slots=True)
class LandedCostRequest:
    date: dt.date
    destination: str
    currency: str
    lines: tuple[RequestLine, ...]
    destination_region: str | None = None
    ship_from: str | None = None
    fx: Mapping[str, Decimal] = field(default_factory=dict)
    buyer_type: str = "consumer"
    channel: str | None = None
    shipping: Decimal = ZERO
    insurance: Decimal = ZERO
    carrier_fees: tuple[CarrierFee, ...] = ()
    buyer_year_to_date: Decimal = ZERO  # destination currency; CN's annual per-person limit

    @property
    def effective_ship_from(self) -> str:
        return self.ship_from or self.lines[0].origin


# ------------------------------------------------------------------------------------------------
# Rules (built by rulebook.py)
# ------------------------------------------------------------------------------------------------


class RuleRef(NamedTuple):
    id: str
    source: str


@dataclass(frozen=True, slots=True)
class Validity:
    effective_from: dt.date
    effective_to: dt.date | None  # inclusive last day

    def covers(self, day: dt.date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


@dataclass(frozen=True, slots=True)
class ParamVersion:
    validity: Validity
    value: Decimal
    currency: str | None  # None: a rate; else an amount in that currency
    rule: RuleRef
    kind: str | None = None  # tax kind shown in the output ("vat", "gst", "hst", ...)
    known: bool = True  # False: in force, value "unknown" (a fee's amount not yet published)


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    versions: tuple[ParamVersion, ...]

    def on(self, day: dt.date) -> ParamVersion | None:
        for version in self.versions:
            if version.validity.covers(day):
                return version
        return None


# Units a specific duty can be levied on, and the request-line quantity each one needs.
SPECIFIC_UNITS = {
    "kg": "net_weight_kg",
    "kg_gross": "gross_weight_kg",
    "m2": "supplementary_quantity in m2",
    "piece": "supplementary_quantity in pieces",  # falls back to the line's quantity
}
UNIT_WORDS = {
    "kg": message("kg (net)"),
    "kg_gross": message("kg (gross)"),
    "m2": message("m²"),
    "piece": message("piece"),
}
UNIT_SHORT = {
    "kg": message("kg"),
    "kg_gross": message("kg"),
    "m2": message("m²"),
    "piece": message("pieces"),
}


@dataclass(frozen=True, slots=True)
class SpecificRate:
    """The specific (per-quantity) part of a duty rate, e.g. 1.9 US cents per kg.

    ``combine``: ``sum`` = ad valorem + specific (a compound duty); ``max``/``min`` = the greater or
    lesser of two alternatives: ``alternative`` (an ad valorem rate) against the compound, or, when
    there is no ``alternative``, the ad valorem part against the specific part.
    ``minimum``/``maximum`` bound the whole duty, as amounts per ``per`` units.
    """

    amount: Decimal  # in ``currency`` per ``per`` units
    unit: str  # a key of SPECIFIC_UNITS
    currency: str
    per: Decimal = ONE
    combine: str = "sum"
    alternative: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None

    @property
    def per_unit(self) -> Decimal:
        return self.amount / self.per if self.per != ONE else self.amount


@dataclass(frozen=True, slots=True)
class RateTableVersion:
    validity: Validity
    rule_id: str
    rates: Mapping[str, Decimal | None]  # HS prefix (2/4/6 digits) -> rate (None: known unknown)
    sources: Mapping[str, str]  # HS prefix -> source URL
    # HS prefix -> specific part; ``rates`` then holds the ad valorem part (0 if none)
    specific: Mapping[str, SpecificRate] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HsRateTable:
    name: str
    versions: tuple[RateTableVersion, ...]

    def on(self, day: dt.date) -> RateTableVersion | None:
        for version in self.versions:
            if version.validity.covers(day):
                return version
        return None


@dataclass(frozen=True, slots=True)
class Condition:
    """One test a regime needs. Value tests compare a basis with a threshold parameter."""

    kind: str  # "value" | "ship_from_in" | "ship_from_not_in" | "origin_any_in" | ...
    basis: str = ""  # for "value": goods | consignment | max_item | customs_value | annual
    op: str = ""  # at_most | below | above | at_least
    param: str = ""
    codes: frozenset[str] = frozenset()
    flag: bool = True


@dataclass(frozen=True, slots=True)
class DutySpec:
    kind: str = "none"  # none | mfn | flat | per_subheading | flat_minus
    param: str = ""  # rate param (flat, flat_minus) or amount param (per_subheading)
    deduction: str = ""  # amount param (flat_minus)
    table: str = "mfn"


@dataclass(frozen=True, slots=True)
class ExtraDutySpec:
    param: str  # a rate param; or
    label: str
    table: str = ""  # an HS rate table: lines whose code it lists (US Section 301)
    origin_in: frozenset[str] = frozenset()
    origin_not_in: frozenset[str] = frozenset()
    hs_in: frozenset[str] = frozenset()  # HS prefixes: only these lines ...
    hs_not_in: frozenset[str] = frozenset()  # ... or all but these (exempt products)
    base: str = "customs_value"  # or "duty": a surcharge on the duty (India's SWS)
    top_up: bool = False  # the rate tops the line's duty up to the param ("15% all-in")
    unknown: str = ""  # instead of a param: the matching lines' duty is unknown, for this reason
    validity: Validity | None = None  # None: whenever the regime applies

    def applies_to(self, line: RequestLine) -> bool:
        origin = line.origin
        if self.origin_in and origin not in self.origin_in:
            return False
        if self.origin_not_in and origin in self.origin_not_in:
            return False
        if self.hs_in and not _hs_in(line.hs_code, self.hs_in):
            return False
        return not (self.hs_not_in and _hs_in(line.hs_code, self.hs_not_in))


@dataclass(frozen=True, slots=True)
class TaxSpec:
    kind: str
    rate: str = ""  # param name
    table: str = ""  # HS rate table that overrides ``rate`` for the codes it lists
    by_region: Mapping[str, str] = field(default_factory=dict)  # "CA-ON" -> param name
    base: tuple[str, ...] = ("customs_value", "duty")
    factor: str = ""  # param: share of the statutory tax levied (CN CBEC 70%)
    base_factor: Decimal = ONE  # fraction of the base taxed (ID 11/12)
    por_dentro: bool = False  # base grossed up by the tax's own rate (BR ICMS)
    gross_up_consumption_tax: bool = False  # base / (1 - consumption tax rate) (CN)
    override: str = "tax_rate"  # which line override replaces the rate
    waive_at_most: str = ""  # amount param: tax not levied if the total is at most this (CH)
    omit_if_zero: bool = False  # leave out groups whose rate is 0 (CN consumption tax)
    region_required: bool = False  # without destination_region the rate is unknown (CA, BR)


@dataclass(frozen=True, slots=True)
class FeeSpec:
    name: str
    amount: str = ""  # amount param
    rate: str = ""  # rate param on the customs value
    minimum: str = ""
    maximum: str = ""
    only_if_charges: bool = False  # only when duty or tax is collected (Canada Post)
    conditions: tuple[Condition, ...] = ()  # value tests, as a regime's ``when`` (AU IPC tiers)
    channels: frozenset[str] = frozenset()  # only on these of the regime's channels (empty: all)


@dataclass(frozen=True, slots=True)
class Regime:
    id: str
    name: str
    source: str
    validity: Validity
    channels: frozenset[str]
    conditions: tuple[Condition, ...]
    collected: str
    valuation: str  # cif | fob
    personal_use_factor: str = ""  # param applied to the goods value for consumers (JP 60%)
    duty: DutySpec = DutySpec()
    extra_duties: tuple[ExtraDutySpec, ...] = ()
    taxes: tuple[TaxSpec, ...] = ()
    fees: tuple[FeeSpec, ...] = ()
    waive_charges_at_most: str = ""
    refuse: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Restriction:
    hs_prefix: str
    reason: str
    rule: RuleRef
    validity: Validity
    channels: frozenset[str] = frozenset()  # empty: every channel


CHARGE_KINDS = ("duty", "tax", "fee")
ROUNDING_PER = ("line", "total")


@dataclass(frozen=True, slots=True)
class RoundingRule:
    """How one kind of charge (duty, tax or fee) is rounded.

    ``increment``: amounts are rounded to a multiple of it (``None``: the currency's minor unit;
    ``Decimal(1)`` for whole kroner, ``Decimal(100)`` for Japan's 100 yen). ``per``: ``line``
    rounds each duty/tax/fee line; ``total`` keeps each line on the minor unit, rounds the kind's
    total and shares it back over the lines. ``base_increment``: the taxable base of each line
    is first rounded to a multiple of it, in ``base_mode`` (Japan: down to 1,000 yen).
    """

    mode: str = "half_up"
    increment: Decimal | None = None
    per: str = "line"
    base_increment: Decimal | None = None
    base_mode: str = "down"
    source: str = ""

    @property
    def is_default(self) -> bool:
        return self.increment is None and self.per == "line" and self.base_increment is None


@dataclass(frozen=True, slots=True, eq=False)  # identity hash: a cache key on every quote
class Rounding:
    """A destination's rounding: one rule per charge kind; ``collected`` limits the rules to
    regimes collected that way (others use ``default``, half up per line to the minor unit)."""

    duty: RoundingRule = RoundingRule()
    tax: RoundingRule = RoundingRule()
    fee: RoundingRule = RoundingRule()
    mode: str = "half_up"  # amounts other than charges (conversions, shown bases)
    collected: str | None = None

    def for_kind(self, kind: str) -> RoundingRule:
        return self.duty if kind == "duty" else self.tax if kind == "tax" else self.fee

    def same_as(self, other: Rounding) -> bool:
        return (self.duty, self.tax, self.fee, self.mode, self.collected) == (
            other.duty,
            other.tax,
            other.fee,
            other.mode,
            other.collected,
        )


DEFAULT_ROUNDING = Rounding()


@dataclass(frozen=True, slots=True)
class Destination:
    country: str
    name: str
    currency: str
    rounding: Rounding
    carrier_fees_in_tax_base: bool
    default_channel: str
    regimes: tuple[Regime, ...]
    params: Mapping[str, Param]
    tables: Mapping[str, HsRateTable]
    preferences: tuple[Preference, ...]
    restrictions: tuple[Restriction, ...]
    notes: tuple[str, ...]
    first_date: dt.date
    files: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Preference:
    id: str
    table: str
    origin_in: frozenset[str]
    ship_from_in: frozenset[str]
    validity: Validity


@dataclass(frozen=True, slots=True)
class DestinationRules:
    """A destination's rules resolved for one date: what the engine reads per quote."""

    destination: Destination
    date: dt.date
    regimes: tuple[Regime, ...]
    params: Mapping[str, ParamVersion]
    tables: Mapping[str, RateTableVersion]
    preferences: tuple[Preference, ...]
    restrictions: tuple[Restriction, ...]
    channels: frozenset[str] = frozenset()
    unknown_params: frozenset[str] = frozenset()  # in force on the date, value not known
    # What the engine works out from these rules alone (a line's duty or tax rate by HS code and
    # origin, a channel's regimes, a regime's fixed sentences), kept for the next quote on this
    # date: the rule book caches one DestinationRules per destination and date (ADR 0019).
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)


class RuleBook:
    """All destinations; ``for_destination`` answers the rules in force on a date (cached)."""

    def __init__(self, destinations: Mapping[str, Destination]) -> None:
        self.destinations = dict(destinations)
        self._cache: dict[tuple[str, dt.date], DestinationRules] = {}

    def countries(self) -> list[str]:
        return sorted(self.destinations)

    def for_destination(self, country: str, on_date: dt.date) -> DestinationRules:
        key = (country, on_date)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        destination = self.destinations.get(country)
        if destination is None:
            raise LandedCostInputError(
                "unsupported_destination",
                f"ehub has no trade rules for {country}",
                {"field": "destination", "supported": self.countries()},
            )
        if on_date < destination.first_date:
            raise LandedCostInputError(
                "no_rules_for_date",
                f"the rules for {country} start on {destination.first_date.isoformat()}; "
                f"none cover {on_date.isoformat()}",
                {"field": "date", "first_date": destination.first_date.isoformat()},
            )
        params = {}
        unknown_params = set()
        for name, param in destination.params.items():
            version = param.on(on_date)
            if version is not None and version.known:
                params[name] = version
            elif version is not None:
                unknown_params.add(name)
        tables = {}
        for name, table in destination.tables.items():
            table_version = table.on(on_date)
            if table_version is not None:
                tables[name] = table_version
        regimes = tuple(r for r in destination.regimes if r.validity.covers(on_date))
        resolved = DestinationRules(
            destination=destination,
            date=on_date,
            regimes=regimes,
            channels=frozenset(c for r in regimes for c in r.channels),
            params=params,
            unknown_params=frozenset(unknown_params),
            tables=tables,
            preferences=tuple(p for p in destination.preferences if p.validity.covers(on_date)),
            restrictions=tuple(r for r in destination.restrictions if r.validity.covers(on_date)),
        )
        if len(self._cache) > 4096:
            self._cache.clear()
        self._cache[key] = resolved
        return resolved


# ------------------------------------------------------------------------------------------------
# Result
# ------------------------------------------------------------------------------------------------


class Refusal(NamedTuple):
    line: int | None
    hs_code: str | None
    reason: str
    rule: str
    source: str


class SpecificDetail(NamedTuple):
    """How the specific part of a duty was computed (shown as ``specific`` in the response)."""

    amount_per_unit: Decimal  # in ``currency`` (the rule's) per one ``unit``
    unit: str
    quantity: Decimal
    currency: str
    combine: str  # sum | max | min
    applied: bool  # False: the other (ad valorem) alternative was charged


class DutyLine(NamedTuple):
    line: int | None
    hs_code: str | None
    rate: Decimal | None  # None: no known rate; else the ad valorem part of the applied formula
    base: Decimal
    amount: Decimal | None  # None: not computable (unknown rate)
    rule: str | None
    kind: str = "duty"
    specific: SpecificDetail | None = None


class TaxLine(NamedTuple):
    kind: str
    rate: Decimal | None
    base: Decimal
    amount: Decimal | None
    rule: str | None
    lines: tuple[int, ...] = ()


class FeeLine(NamedTuple):
    name: str
    amount: Decimal
    rule: str


class UnknownRate(NamedTuple):
    line: int | None  # None: a charge on the whole parcel (a fee)
    hs_code: str | None
    kind: str
    reason: str


class LandedCostResult(NamedTuple):
    destination: str
    currency: str
    date: dt.date
    regime: str
    regime_id: str
    channel: str
    allowed: bool
    refusals: tuple[Refusal, ...]
    collected: str
    goods_value: Decimal
    shipping: Decimal
    insurance: Decimal
    customs_value: Decimal
    duties: tuple[DutyLine, ...]
    taxes: tuple[TaxLine, ...]
    fees: tuple[FeeLine, ...]
    duty_total: Decimal
    tax_total: Decimal
    fee_total: Decimal
    import_charges_total: Decimal
    landed_total: Decimal
    rules: tuple[RuleRef, ...]
    unknown_rates: tuple[UnknownRate, ...]
    # the explanation as translatable messages (``str(m)`` is the matching ``explanation`` line)
    explanation_messages: tuple[Message, ...] = ()

    @property
    def explanation(self) -> tuple[str, ...]:
        """The explanation in English, rendered when asked for: a caller that only needs the
        figures (checkout's totals, the benchmark's engine) does not pay for the sentences."""
        return tuple(str(m) for m in self.explanation_messages)

    @property
    def complete(self) -> bool:
        return not self.unknown_rates


# ------------------------------------------------------------------------------------------------
# The engine
# ------------------------------------------------------------------------------------------------


@cache
def _minor_unit(currency: str) -> Decimal:
    return quantum(currency)


@cache
def _zero_on(q: Decimal) -> Decimal:
    return ZERO.quantize(q)


@cache
def _minor_units_per_unit(q: Decimal) -> Decimal:
    return ONE / q  # 100 for cents (minor units are powers of ten: exact)


# per kind: (line mode, line increment or None, total increment or None, base increment, base mode)
_ChargeRounding = tuple[str, Decimal | None, Decimal | None, Decimal | None, str]


@cache
def _charge_rounding(rounding: Rounding, collected: str | None) -> dict[str, _ChargeRounding]:
    """The rounding of each charge kind under a regime collected ``collected`` (None: any)."""
    if rounding.collected is not None and collected is not None and collected != rounding.collected:
        rounding = DEFAULT_ROUNDING
    resolved: dict[str, _ChargeRounding] = {}
    for kind in CHARGE_KINDS:
        rule = rounding.for_kind(kind)
        total = rule.per == "total"
        resolved[kind] = (
            ROUNDING_MODES[rule.mode],
            None if total else rule.increment,
            rule.increment or None if total else None,
            rule.base_increment,
            ROUNDING_MODES[rule.base_mode],
        )
    return resolved


def _to_increment(value: Decimal, increment: Decimal, mode: str, q: Decimal) -> Decimal:
    return ((value / increment).quantize(ONE, rounding=mode) * increment).quantize(q)


class _Quote:
    """Mutable working state of one quote; never leaves this module."""

    __slots__ = (
        "_rates",
        "charges",
        "currency",
        "destination",
        "explanation",
        "fx",
        "q",
        "request",
        "rounding",
        "rules",
        "rules_used",
        "unknown",
    )  # fmt: skip

    def __init__(self, request: LandedCostRequest, rules: DestinationRules, fx: FxRates):
        self.request = request
        self.rules = rules
        self.fx = fx
        self.destination = rules.destination
        self.currency = rules.destination.currency
        self.q = _minor_unit(self.currency)
        self.rounding = ROUNDING_MODES[rules.destination.rounding.mode]
        self.charges = _charge_rounding(rules.destination.rounding, None)
        self.rules_used: dict[str, RuleRef] = {}  # the first source seen for each rule id
        self.explanation: list[Message] = []
        self.unknown: list[UnknownRate] = []
        self._rates: dict[str, Decimal] = {}

    # -- helpers -----------------------------------------------------------------------------
    def use(self, rule: RuleRef) -> str:
        self.rules_used.setdefault(rule.id, rule)
        return rule.id

    def round(self, value: Decimal) -> Decimal:
        return value.quantize(self.q, rounding=self.rounding)

    def round_charge(self, kind: str, value: Decimal) -> Decimal:
        """A duty, tax or fee line, rounded by the destination's rule for its kind."""
        mode, increment, _total, _base, _base_mode = self.charges[kind]
        if increment is None:
            return value.quantize(self.q, rounding=mode)
        return _to_increment(value, increment, mode, self.q)

    def charge_base(self, kind: str, value: Decimal) -> Decimal:
        """A line's taxable base, rounded first where the destination says so (JP: 1,000 yen)."""
        base_increment = self.charges[kind][3]
        if base_increment is None:
            return value
        return _to_increment(value, base_increment, self.charges[kind][4], self.q)

    def to_local(self, amount: Decimal, currency: str, field_name: str) -> Decimal:
        if currency == self.currency:
            return amount
        rate = self._rates.get(currency)
        if rate is not None:
            return amount * rate
        try:
            rate = self._rates[currency] = self.fx.rate(currency, self.currency)
        except MissingRate as exc:
            raise LandedCostInputError(
                "fx_rate_missing",
                f"no exchange rate from {currency} to {self.currency}: add "
                f'"{currency}/{self.currency}" to the request\'s fx',
                {"field": field_name, "pair": f"{currency}/{self.currency}"},
            ) from exc
        return amount * rate

    def param(self, name: str) -> ParamVersion:
        version = self.rules.params.get(name)
        if version is None:
            known = "is not known to ehub" if name in self.rules.unknown_params else "has no value"
            raise LandedCostInputError(
                "no_rules_for_date",
                f"{self.destination.country}: parameter {name!r} {known} on "
                f"{self.rules.date.isoformat()}",
                {"field": "date", "parameter": name},
            )
        return version

    def amount_param(self, name: str) -> tuple[Decimal, ParamVersion]:
        version = self.param(name)
        currency = version.currency or self.currency
        return self.to_local(version.value, currency, "fx"), version

    def fmt(self, value: Decimal) -> str:
        return f"{self.currency} {self.round(value)}"

    def shown(self, value: Decimal) -> str:
        """An amount already on the minor unit."""
        return f"{self.currency} {value}"

    def money(self, value: Decimal) -> MoneyParam:
        """An explanation parameter: ``value`` rounded to the minor unit (as ``fmt``)."""
        return MoneyParam(self.round(value), self.currency)

    def money_shown(self, value: Decimal) -> MoneyParam:
        """An explanation parameter: an amount already on the minor unit (as ``shown``)."""
        return MoneyParam(value, self.currency)


TAX_LABELS = {"vat": "VAT", "gst": "GST", "hst": "HST", "igst": "IGST", "icms": "ICMS"}


def _tax_label(kind: str) -> str:
    return TAX_LABELS.get(kind, kind.replace("_", " ").capitalize())


# The tax names explanations use (each renders as ``_tax_label`` does), translatable.
TAX_PHRASES = {
    "vat": message("VAT"),
    "gst": message("GST"),
    "hst": message("HST"),
    "igst": message("IGST"),
    "icms": message("ICMS"),
    "sales_tax": message("Sales tax"),
    "consumption_tax": message("Consumption tax"),
    "postal_article_tax": message("Postal article tax"),
    "global_rate": message("Global rate"),
}


def _tax_phrase(kind: str) -> Message:
    return TAX_PHRASES.get(kind) or Message(_tax_label(kind))


@cache
def _pct(rate: Decimal) -> str:
    text = format((rate * 100).normalize(), "f")
    return f"{text}%"


def _hs_lookup(table: RateTableVersion | None, hs_code: str) -> tuple[str, Decimal | None] | None:
    if table is None:
        return None
    for length in (6, 4, 2):
        prefix = hs_code[:length]
        if prefix in table.rates:
            return prefix, table.rates[prefix]
    return None


def _table_rule(table: RateTableVersion, prefix: str) -> RuleRef:
    return RuleRef(table.rule_id, table.sources[prefix])


def landed_cost(request: LandedCostRequest, *, rulebook: RuleBook, fx: FxRates) -> LandedCostResult:
    """Duties, import taxes and fees for ``request`` under the rules in force on its date."""
    rules = rulebook.for_destination(request.destination, request.date)
    quote = _Quote(request, rules, fx)
    destination = rules.destination
    currency = quote.currency
    channel = request.channel or destination.default_channel
    explanation = quote.explanation

    # 1. amounts in the destination currency, quantized once (the first conversion is the first
    # line's unit price: a missing rate is reported on that field)
    q = quote.q
    mode = quote.rounding
    same_currency = request.currency == currency
    rate = ONE if same_currency else quote.to_local(ONE, request.currency, "lines[0].unit_price")
    line_goods: list[Decimal] = []
    for line in request.lines:
        value = line.unit_price * line.quantity
        line_goods.append((value if same_currency else value * rate).quantize(q, rounding=mode))
    # conversion keeps the order of prices: the dearest item is the dearest unit price converted
    max_item = max(line.unit_price for line in request.lines)
    max_item = (max_item if same_currency else max_item * rate).quantize(q, rounding=mode)
    shipping = quote.round(quote.to_local(request.shipping, request.currency, "shipping"))
    insurance = quote.round(quote.to_local(request.insurance, request.currency, "insurance"))
    fees_in_base = [
        quote.round(quote.to_local(fee.amount, request.currency, f"carrier_fees[{i}].amount"))
        for i, fee in enumerate(request.carrier_fees)
        if fee.in_tax_base
    ]
    carrier_fees_in_base = sum(fees_in_base, ZERO) if destination.carrier_fees_in_tax_base else ZERO
    goods = sum(line_goods, ZERO)
    if request.currency != currency:
        explanation.append(
            message(
                "Amounts converted from {source} to {target} at {rate} {target} per {source}.",
                source=request.currency,
                target=currency,
                rate=NumberParam(quote.fx.rate(request.currency, currency).normalize()),
            )
        )

    # 2. the regime
    regime, threshold_texts = _select_regime(
        quote, channel, line_goods, goods, shipping, insurance, max_item
    )
    key = ("regime", id(regime))  # regimes live as long as the rules
    preamble = rules.memo.get(key)
    if preamble is None:
        preamble = rules.memo[key] = _regime_preamble(quote, regime)
    rule, heading, notes, quote.charges, fees_in_tax_base, fees_charged_later = preamble
    quote.use(rule)
    explanation.append(heading)
    explanation.extend(threshold_texts)
    explanation.extend(notes)

    # 3. refusals
    refusals: list[Refusal] = []
    memo = rules.memo
    for index, line in enumerate(request.lines):
        restriction_key = ("restriction", line.hs_code, channel)
        if restriction_key not in memo:
            memo[restriction_key] = _restriction(rules, line.hs_code, channel)
        restriction = memo[restriction_key]
        if restriction is not None:
            quote.use(restriction.rule)
            refusals.append(
                Refusal(
                    index,
                    line.hs_code,
                    restriction.reason,
                    restriction.rule.id,
                    restriction.rule.source,
                )
            )
            explanation.append(
                message(
                    "Line {line} ({hs_code}) refused: {reason}",
                    line=index,
                    hs_code=line.hs_code,
                    reason=DataText(restriction.reason),
                )
            )
    if regime.refuse:
        refusals.append(Refusal(None, None, regime.refuse, regime.id, regime.source))
        explanation.append(message("Refused: {reason}", reason=DataText(regime.refuse)))

    # 4. customs value per line
    ship_shares, ins_shares, fee_shares = _allocate_by_goods(
        (shipping, insurance, carrier_fees_in_base), line_goods, q
    )
    factor = ONE
    if regime.personal_use_factor and request.buyer_type == "consumer":
        factor_version = quote.param(regime.personal_use_factor)
        factor = factor_version.value
        quote.use(factor_version.rule)
        explanation.append(
            message(
                "Goods for personal use are valued at {rate} of their retail price.",
                rate=PercentParam(factor),
            )
        )
    # goods are already on the minor unit: only a valuation factor needs rounding again
    valued = line_goods if factor == ONE else [quote.round(v * factor) for v in line_goods]
    if regime.valuation == "cif":
        line_cv = [v + s + i for v, s, i in zip(valued, ship_shares, ins_shares, strict=True)]
    else:
        line_cv = list(valued)
    customs_value = sum(line_cv, ZERO)
    if regime.valuation == "cif":
        explanation.append(
            message(
                "Customs value {value} on goods, shipping and insurance (CIF).",
                value=quote.money_shown(customs_value),
            )
        )
    else:
        explanation.append(
            message("Customs value {value} on goods (FOB).", value=quote.money_shown(customs_value))
        )

    # 5. duties
    duties, line_duty = _duties(quote, regime, line_cv, customs_value, channel)

    # 6. fees that do not depend on the charges, then taxes (whose base may include those fees,
    # shared over the lines by customs value), then fees charged only when duty or tax is due
    values = (goods, shipping, insurance, max_item)
    fee_items = _fees(quote, regime, channel, customs_value, None, values) if regime.fees else []
    line_parts = {
        "goods": line_goods,
        "shipping": ship_shares,
        "insurance": ins_shares,
        "carrier_fees": fee_shares,
        "customs_value": line_cv,
        "duty": line_duty,
    }
    fee_base = ZERO
    if fees_in_tax_base:
        fee_base = sum((item[1].amount for item in fee_items if item[1] is not None), ZERO)
    taxes = _taxes(quote, regime, line_parts, fee_base)
    duty_known = sum((d.amount for d in duties if d.amount is not None), ZERO)
    tax_known = sum((t.amount for t in taxes if t.amount is not None), ZERO)
    if fees_charged_later:
        fee_items += _fees(quote, regime, channel, customs_value, duty_known + tax_known, values)
        fee_items.sort(key=lambda item: item[0])
    fees = [item[1] for item in fee_items if item[1] is not None]
    explanation.extend(item[2] for item in fee_items)

    # 8. waivers
    if regime.waive_charges_at_most:
        limit, version = quote.amount_param(regime.waive_charges_at_most)
        charges = duty_known + tax_known + sum((f.amount for f in fees), ZERO)
        if charges <= limit and not quote.unknown:
            quote.use(version.rule)
            explanation.append(
                message(
                    "Charges of {charges} are at most {limit}, so they are not collected.",
                    charges=quote.money(charges),
                    limit=quote.money(limit),
                )
            )
            duties = [_zero_duty(d) for d in duties]
            taxes = [_zero_tax(t) for t in taxes]
            fees = [FeeLine(f.name, ZERO, f.rule) for f in fees]

    # 9. rounding of a kind's total (per = "total"): lines stay on the minor unit
    duties = _round_total(quote, "duty", duties)
    taxes = _round_total(quote, "tax", taxes)
    fees = _round_total(quote, "fee", fees)

    # every amount is on the minor unit already: summing from a zero on it keeps them there
    zero = _zero_on(q)
    duty_total = sum((d.amount for d in duties if d.amount is not None), zero)
    tax_total = sum((t.amount for t in taxes if t.amount is not None), zero)
    fee_total = sum((f.amount for f in fees), zero)
    charges_total = duty_total + tax_total + fee_total
    landed_total = goods + shipping + insurance + charges_total
    if quote.unknown:
        explanation.append(
            message(
                "Some rates are not known to ehub (see unknown_rates): the totals leave them out "
                "and are therefore incomplete."
            )
        )
    collected = regime.collected
    if collected == "at_checkout":
        explanation.append(
            message(
                "Import charges of {amount} are collected at checkout.",
                amount=quote.money_shown(charges_total),
            )
        )
    else:
        explanation.append(
            message(
                "Import charges of {amount} are collected at the border, usually by the carrier "
                "on delivery.",
                amount=quote.money_shown(charges_total),
            )
        )
    return LandedCostResult(
        destination=destination.country,
        currency=currency,
        date=request.date,
        regime=regime.name,
        regime_id=regime.id,
        channel=channel,
        allowed=not refusals,
        refusals=tuple(refusals),
        collected=collected,
        goods_value=goods,
        shipping=shipping,
        insurance=insurance,
        customs_value=customs_value,
        duties=tuple(duties),
        taxes=tuple(taxes),
        fees=tuple(fees),
        duty_total=duty_total,
        tax_total=tax_total,
        fee_total=fee_total,
        import_charges_total=charges_total,
        landed_total=landed_total,
        rules=tuple(quote.rules_used.values()),
        unknown_rates=tuple(quote.unknown),
        explanation_messages=tuple(explanation),
    )


def _restriction(rules: DestinationRules, hs_code: str, channel: str) -> Restriction | None:
    """The first restriction that refuses ``hs_code`` on ``channel``, if any."""
    for restriction in rules.restrictions:
        if restriction.channels and channel not in restriction.channels:
            continue
        if hs_code.startswith(restriction.hs_prefix):
            return restriction
    return None


def _regime_preamble(
    quote: _Quote, regime: Regime
) -> tuple[RuleRef, Message, tuple[Message, ...], dict[str, _ChargeRounding], bool, bool]:
    """What a quote under ``regime`` always says and uses: its rule, the sentence naming it, the
    destination's and regime's notes and rounding sentences, the charges' rounding; and whether
    a tax's base includes its fees, and whether a fee depends on the charges."""
    destination = quote.destination
    if regime.name.startswith(destination.name):
        heading = message("{regime}.", regime=DataText(regime.name))
    else:
        heading = message(
            "{country}: {regime}.",
            country=CountryParam(destination.country, destination.name),
            regime=DataText(regime.name),
        )
    notes = [message("{note}", note=DataText(note)) for note in destination.notes]
    notes += [message("{note}", note=DataText(note)) for note in regime.notes]
    if destination.rounding is not DEFAULT_ROUNDING:
        _explain_rounding(notes, quote.q, quote.currency, destination.rounding, regime.collected)
    charges = _charge_rounding(destination.rounding, regime.collected)
    fees_in_tax_base = any("fees" in tax.base for tax in regime.taxes)
    fees_charged_later = any(fee.only_if_charges for fee in regime.fees)
    return (
        RuleRef(regime.id, regime.source),
        heading,
        tuple(notes),
        charges,
        fees_in_tax_base,
        fees_charged_later,
    )


def _zero_duty(duty: DutyLine) -> DutyLine:
    return DutyLine(
        duty.line, duty.hs_code, duty.rate, duty.base, ZERO, duty.rule, duty.kind, duty.specific
    )


def _zero_tax(tax: TaxLine) -> TaxLine:
    return TaxLine(tax.kind, tax.rate, tax.base, ZERO, tax.rule, tax.lines)


def _allocate_by_goods(
    amounts: tuple[Decimal, ...], line_goods: list[Decimal], q: Decimal
) -> list[list[Decimal]]:
    """``_allocate`` of each of ``amounts`` (on the minor unit) over the lines by their goods
    value (equally when the goods are worth nothing), in integer minor units: the weights are
    converted once for all the amounts, and the shares are exact."""
    count = len(line_goods)
    if count == 1:
        return [[amount] for amount in amounts]
    scale = _minor_units_per_unit(q)
    weights = [int(value * scale) for value in line_goods]  # exact: goods are on the minor unit
    total_weight = sum(weights)
    if total_weight <= 0:
        weights = [1] * count
        total_weight = count
    result = []
    for amount in amounts:
        if not amount:
            result.append([ZERO] * count)
            continue
        units = int(amount * scale)
        floors = []
        remainders = []
        for weight in weights:
            floor, remainder = divmod(units * weight, total_weight)
            floors.append(floor)
            remainders.append(remainder)
        leftover = units - sum(floors)
        if leftover:  # largest remainders first, ties to the earlier line
            order = sorted(range(count), key=lambda i: (-remainders[i], i))
            for index in order[:leftover]:
                floors[index] += 1
        result.append([q * part for part in floors])
    return result


def _allocate(amount: Decimal, weights: list[Decimal], q: Decimal) -> list[Decimal]:
    """Split a quantized ``amount`` by ``weights`` into minor-unit parts that sum to it.

    Largest remainder on minor units, ties to the earlier line (as ``Money.allocate``), inlined
    here because it runs several times per quote.
    """
    if amount == 0:
        return [ZERO] * len(weights)
    if len(weights) == 1:
        return [amount]
    total_weight = sum(weights, ZERO)
    if total_weight == 0:
        weights = [ONE] * len(weights)
        total_weight = Decimal(len(weights))
    units = int(amount / q)
    shares = [units * w / total_weight for w in weights]
    floors = [int(share) for share in shares]
    leftover = units - sum(floors)
    if leftover:
        order = sorted(range(len(shares)), key=lambda i: (floors[i] - shares[i], i))
        for index in order[:leftover]:
            floors[index] += 1
    return [q * part for part in floors]


ROUNDING_CHARGES = {"duty": message("duty"), "tax": message("taxes"), "fee": message("fees")}
ROUNDING_WORDS = {
    "half_up": message("half up"),
    "half_even": message("half to even"),
    "down": message("down"),
}


def _explain_rounding(
    out: list[Message], q: Decimal, currency: str, rounding: Rounding, collected: str
) -> None:
    """One sentence per charge kind whose rounding is not ehub's default, added to ``out``."""
    if rounding.collected is not None and rounding.collected != collected:
        return
    for kind in CHARGE_KINDS:
        rule = rounding.for_kind(kind)
        if rule.is_default and rule.mode == rounding.mode:
            continue
        unit = MoneyParam(q if rule.increment is None else rule.increment, currency)
        charge = ROUNDING_CHARGES[kind]
        mode = ROUNDING_WORDS[rule.mode]
        if rule.per == "total":
            sentence = message(
                "Rounding of {charge}: {mode} to a multiple of {increment}, on the total.",
                charge=charge,
                mode=mode,
                increment=unit,
            )
        else:
            sentence = message(
                "Rounding of {charge}: {mode} to a multiple of {increment}, on each line.",
                charge=charge,
                mode=mode,
                increment=unit,
            )
        out.append(sentence)
        if rule.base_increment is not None:
            out.append(
                message(
                    "The base of {charge} on each line is first rounded {mode} to a multiple "
                    "of {increment}.",
                    charge=charge,
                    mode=ROUNDING_WORDS[rule.base_mode],
                    increment=MoneyParam(rule.base_increment, currency),
                )
            )


_Charge = TypeVar("_Charge", DutyLine, TaxLine, FeeLine)


def _round_total(quote: _Quote, kind: str, items: list[_Charge]) -> list[_Charge]:
    """``per = "total"``: round the kind's total to its increment and share the rounded total
    back over the lines (largest remainder on the minor unit), so lines still add up to it."""
    increment = quote.charges[kind][2]
    if increment is None or not items:
        return items
    known = [i for i, item in enumerate(items) if item.amount is not None]
    amounts = [items[i].amount or ZERO for i in known]
    raw = sum(amounts, ZERO)
    total = _to_increment(raw, increment, quote.charges[kind][0], quote.q)
    if total == raw:
        return items
    result = list(items)
    for index, share in zip(known, _allocate(total, amounts, quote.q), strict=True):
        result[index] = items[index]._replace(amount=share)
    quote.explanation.append(
        message(
            "Total {charge} {raw} rounded to {total}, shared over its lines.",
            charge=ROUNDING_CHARGES[kind],
            raw=quote.money_shown(raw),
            total=quote.money_shown(total),
        )
    )
    return result


def _value_for(
    quote: _Quote,
    basis: str,
    goods: Decimal,
    shipping: Decimal,
    insurance: Decimal,
    max_item: Decimal,
    regime: Regime,
) -> Decimal:
    if basis == "goods":
        return goods
    if basis == "consignment":
        return goods + shipping + insurance
    if basis == "max_item":
        return max_item
    if basis == "customs_value":
        factor = ONE
        if regime.personal_use_factor and quote.request.buyer_type == "consumer":
            factor = quote.param(regime.personal_use_factor).value
        value = quote.round(goods * factor)
        if regime.valuation == "cif":
            value += shipping + insurance
        return value
    if basis == "annual":
        return quote.request.buyer_year_to_date + goods + shipping + insurance
    raise ValueError(f"unknown value basis {basis!r}")  # prevented by the loader


def _condition_holds(
    quote: _Quote,
    condition: Condition,
    regime: Regime,
    values: tuple[Decimal, Decimal, Decimal, Decimal],
) -> bool:
    request = quote.request
    kind = condition.kind
    if kind == "value":
        limit, _ = quote.amount_param(condition.param)
        value = _value_for(quote, condition.basis, *values, regime)
        op = condition.op
        if op == "at_most":
            return value <= limit
        if op == "below":
            return value < limit
        if op == "above":
            return value > limit
        return value >= limit  # at_least
    if kind == "ship_from_in":
        return request.effective_ship_from in condition.codes
    if kind == "ship_from_not_in":
        return request.effective_ship_from not in condition.codes
    if kind == "origin_any_in":
        return any(line.origin in condition.codes for line in request.lines)
    if kind == "origin_none_in":
        return all(line.origin not in condition.codes for line in request.lines)
    if kind == "hs_any_in":
        return any(_hs_in(line.hs_code, condition.codes) for line in request.lines)
    if kind == "hs_none_in":
        return not any(_hs_in(line.hs_code, condition.codes) for line in request.lines)
    if kind == "buyer_type":
        return request.buyer_type in condition.codes
    if kind == "single_item":
        single = len(request.lines) == 1 and request.lines[0].quantity == 1
        return single == condition.flag
    raise ValueError(f"unknown condition {kind!r}")  # prevented by the loader


def _hs_in(hs_code: str, prefixes: frozenset[str]) -> bool:
    return hs_code[:2] in prefixes or hs_code[:4] in prefixes or hs_code in prefixes


OP_WORDS = {
    "at_most": message("at most"),
    "below": message("below"),
    "above": message("above"),
    "at_least": message("at least"),
}
BASIS_WORDS = {
    "goods": message("Goods value"),
    "consignment": message("Consignment value (goods, shipping, insurance)"),
    "max_item": message("The dearest item"),
    "customs_value": message("Customs value"),
    "annual": message("The buyer's total this year including this order"),
}


def _select_regime(
    quote: _Quote,
    channel: str,
    line_goods: list[Decimal],
    goods: Decimal,
    shipping: Decimal,
    insurance: Decimal,
    max_item: Decimal,
) -> tuple[Regime, list[Message]]:
    rules = quote.rules
    values = (goods, shipping, insurance, max_item)
    channels = rules.channels
    if channel not in channels:
        raise LandedCostInputError(
            "unknown_channel",
            f"{rules.destination.country} has no channel {channel!r} on "
            f"{rules.date.isoformat()}; known: {', '.join(sorted(channels))}",
            {"field": "channel", "channels": sorted(channels)},
        )
    key = ("regimes", channel)
    candidates = rules.memo.get(key)
    if candidates is None:
        candidates = rules.memo[key] = tuple(r for r in rules.regimes if channel in r.channels)
    for regime in candidates:
        if all(_condition_holds(quote, c, regime, values) for c in regime.conditions):
            texts: list[Message] = []
            for condition in regime.conditions:
                if condition.kind == "value":
                    _limit, version = quote.amount_param(condition.param)
                    quote.use(version.rule)
                    value = _value_for(quote, condition.basis, *values, regime)
                    words = OP_WORDS[condition.op]
                    what = BASIS_WORDS[condition.basis]
                    texts.append(
                        message(
                            "{what} {value} is {comparison} the threshold of {threshold}.",
                            what=what,
                            value=quote.money(value),
                            comparison=words,
                            threshold=_threshold_text(quote, version),
                        )
                    )
            return regime, texts
    raise LandedCostInputError(
        "no_rules_for_date",
        f"no {rules.destination.country} regime for channel {channel!r} matches this parcel on "
        f"{rules.date.isoformat()}",
        {"field": "date"},
    )


def _threshold_text(quote: _Quote, version: ParamVersion) -> MoneyParam | Message:
    currency = version.currency or quote.currency
    key = ("threshold", id(version))  # versions live as long as the rules
    amount = quote.rules.memo.get(key)
    if amount is None:
        amount = MoneyParam(Decimal(format(version.value.normalize(), "f")), currency)
        quote.rules.memo[key] = amount
    if currency != quote.currency:
        local = quote.money(quote.to_local(version.value, currency, "fx"))
        return message("{amount} ({converted})", amount=amount, converted=local)
    return amount


def _duties(
    quote: _Quote, regime: Regime, line_cv: list[Decimal], customs_value: Decimal, channel: str
) -> tuple[list[DutyLine], list[Decimal]]:
    request = quote.request
    rules = quote.rules
    duties: list[DutyLine] = []
    line_duty = [ZERO] * len(request.lines)
    spec = regime.duty
    if spec.kind == "none":
        quote.explanation.append(message("No customs duty is due under this regime."))
    elif spec.kind == "mfn":
        table = rules.tables.get(spec.table)
        for index, line in enumerate(request.lines):
            rate, rule_id, label, specific = _duty_rate(quote, line, table, spec.table)
            base = quote.charge_base("duty", line_cv[index])
            if rate is None:
                reason = f"no {quote.destination.country} duty rate known for HS {line.hs_code}"
                if rule_id is not None:  # listed "unknown" in a preference's table
                    reason = f"{reason}: its preferential rate ({rule_id}) is not held"
                duties.append(_unknown_duty(quote, index, line, base, reason, "duty"))
                continue
            if specific is not None:
                duty = _specific_duty(quote, index, line, rate, specific, base, label, rule_id)
                duties.append(duty)
                if duty.amount is not None:
                    line_duty[index] = duty.amount
                continue
            amount = quote.round_charge("duty", base * rate)
            line_duty[index] = amount
            duties.append(DutyLine(index, line.hs_code, rate, base, amount, rule_id))
            quote.explanation.append(
                message(
                    "Line {line} ({hs_code}): {label} duty {rate} of {base} = {amount}.",
                    line=index,
                    hs_code=line.hs_code,
                    label=label,
                    rate=PercentParam(rate),
                    base=quote.money_shown(base),
                    amount=quote.money_shown(amount),
                )
            )
    elif spec.kind == "flat":
        version = quote.param(spec.param)
        rule_id = quote.use(version.rule)
        for index, line in enumerate(request.lines):
            rate = line.duty_rate if line.duty_rate is not None else version.value
            base = quote.charge_base("duty", line_cv[index])
            amount = quote.round_charge("duty", base * rate)
            line_duty[index] = amount
            duties.append(
                DutyLine(
                    index,
                    line.hs_code,
                    rate,
                    base,
                    amount,
                    rule_id if line.duty_rate is None else "request/duty_rate",
                )
            )
        quote.explanation.append(
            message(
                "Flat duty of {rate} on the customs value of each line.",
                rate=PercentParam(version.value),
            )
        )
    elif spec.kind == "per_subheading":
        amount_local, version = quote.amount_param(spec.param)
        rule_id = quote.use(version.rule)
        amount = quote.round_charge("duty", amount_local)
        seen: dict[str, int] = {}
        for index, line in enumerate(request.lines):
            if line.hs_code in seen:
                continue
            seen[line.hs_code] = index
            base = sum(
                (
                    line_cv[i]
                    for i, other in enumerate(request.lines)
                    if other.hs_code == line.hs_code
                ),
                ZERO,
            )
            line_duty[index] = amount
            duties.append(DutyLine(index, line.hs_code, None, base, amount, rule_id))
        quote.explanation.append(
            message(
                "Flat duty of {amount} per distinct tariff subheading ({count} in this parcel).",
                amount=quote.money(amount),
                count=len(seen),
            )
        )
    elif spec.kind == "flat_minus":
        version = quote.param(spec.param)
        deduction, deduction_version = quote.amount_param(spec.deduction)
        rule_id = quote.use(version.rule)
        quote.use(deduction_version.rule)
        raw = quote.charge_base("duty", customs_value) * version.value - deduction
        amount = quote.round_charge("duty", max(raw, ZERO))
        duties.append(DutyLine(None, None, version.value, customs_value, amount, rule_id))
        _spread(line_duty, amount, line_cv, quote.q)
        quote.explanation.append(
            message(
                "Import duty {rate} of {value} minus a deduction of {deduction} = {amount}.",
                rate=PercentParam(version.value),
                value=quote.money(customs_value),
                deduction=quote.money(deduction),
                amount=quote.money(amount),
            )
        )
    if regime.extra_duties:
        _extra_duties(quote, regime, line_cv, duties, line_duty)
    return duties, line_duty


def _extra_duties(
    quote: _Quote,
    regime: Regime,
    line_cv: list[Decimal],
    duties: list[DutyLine],
    line_duty: list[Decimal],
) -> None:
    """Surcharges on top of the regime's duty (US IEEPA and Section 301, India's SWS), added to
    ``duties`` and each line's duty."""
    request = quote.request
    rules = quote.rules
    # each line's ad valorem duty rate, for top-ups (None: unknown, specific, or no own line)
    main_rate: dict[int, Decimal | None] = {}
    for duty in duties:
        if duty.line is not None and duty.kind == "duty":
            main_rate[duty.line] = duty.rate if duty.specific is None else None
    for extra in regime.extra_duties:
        if extra.validity is not None and not extra.validity.covers(rules.date):
            continue
        if extra.unknown:
            for index, line in enumerate(request.lines):
                if not extra.applies_to(line):
                    continue
                base = quote.charge_base("duty", line_cv[index])
                duties.append(_unknown_duty(quote, index, line, base, extra.unknown, "surcharge"))
            continue
        surcharge = rules.params.get(extra.param) if extra.param else None
        table = rules.tables.get(extra.table) if extra.table else None
        if surcharge is None and table is None:
            continue
        for index, line in enumerate(request.lines):
            if not extra.applies_to(line):
                continue
            base = line_cv[index] if extra.base == "customs_value" else line_duty[index]
            base = quote.charge_base("duty", base)
            if surcharge is not None:
                rate = surcharge.value
                rule = surcharge.rule
            else:
                found = _hs_lookup(table, line.hs_code)
                if found is None or table is None:
                    continue  # not a listed product
                prefix, listed = found
                if listed is None:
                    reason = f"the {extra.label} rate for HS {line.hs_code} is not known to ehub"
                    duties.append(_unknown_duty(quote, index, line, base, reason, "surcharge"))
                    continue
                rate = listed
                rule = _table_rule(table, prefix)
            if extra.top_up:
                if index in main_rate and main_rate[index] is None:
                    reason = (
                        f"the {extra.label} depends on the line's duty rate, which is not known "
                        "to ehub or not ad valorem"
                    )
                    duties.append(_unknown_duty(quote, index, line, base, reason, "surcharge"))
                    continue
                rate = max(rate - (main_rate.get(index) or ZERO), ZERO)
            rule_id = quote.use(rule)
            amount = quote.round_charge("duty", base * rate)
            line_duty[index] += amount
            duties.append(DutyLine(index, line.hs_code, rate, base, amount, rule_id, "surcharge"))
            quote.explanation.append(
                message(
                    "Line {line} ({hs_code}): {surcharge} {rate} of {base} = {amount}.",
                    line=index,
                    hs_code=line.hs_code,
                    surcharge=DataText(extra.label),
                    rate=PercentParam(rate),
                    base=quote.money_shown(base),
                    amount=quote.money_shown(amount),
                )
            )


def _unknown_duty(
    quote: _Quote, index: int, line: RequestLine, base: Decimal, reason: str, kind: str
) -> DutyLine:
    """A duty line ehub cannot price: named in ``unknown_rates`` and the explanation, never 0."""
    quote.unknown.append(UnknownRate(index, line.hs_code, "duty", reason))
    quote.explanation.append(
        message(
            "Line {line} ({hs_code}): duty rate unknown to ehub; not included.",
            line=index,
            hs_code=line.hs_code,
        )
    )
    return DutyLine(index, line.hs_code, None, base, None, None, kind)


def _spread(target: list[Decimal], amount: Decimal, weights: list[Decimal], q: Decimal) -> None:
    for index, share in enumerate(_allocate(amount, weights, q)):
        target[index] += share


DUTY_RATE_OVERRIDE = RuleRef("request/duty_rate", "the request (line override)")


def _duty_rate(
    quote: _Quote, line: RequestLine, table: RateTableVersion | None, table_name: str
) -> tuple[Decimal | None, str | None, Message, SpecificRate | None]:
    if line.duty_rate is not None:
        quote.use(DUTY_RATE_OVERRIDE)
        return line.duty_rate, "request/duty_rate", message("overridden"), None
    key = ("duty", table_name, line.hs_code, line.origin, quote.request.effective_ship_from)
    memo = quote.rules.memo
    found = memo.get(key)
    if found is None:
        found = memo[key] = _find_duty_rate(quote.rules, line, table, table_name, quote.request)
    rate, rule, label, specific = found
    return rate, quote.use(rule) if rule is not None else None, label, specific


def _find_duty_rate(
    rules: DestinationRules,
    line: RequestLine,
    table: RateTableVersion | None,
    table_name: str,
    request: LandedCostRequest,
) -> tuple[Decimal | None, RuleRef | None, Message, SpecificRate | None]:
    """The line's duty rate from the rules alone: a preference its origin qualifies for, else
    the regime's table (``None`` rate: not known)."""
    for preference in rules.preferences:
        if preference.origin_in and line.origin not in preference.origin_in:
            continue
        if preference.ship_from_in and request.effective_ship_from not in preference.ship_from_in:
            continue
        pref_table = rules.tables.get(preference.table)
        found = _hs_lookup(pref_table, line.hs_code)
        if found is not None and pref_table is not None:
            # A product the table leaves out is not covered (MFN applies); one listed as
            # "unknown" is covered at a rate ehub does not hold: the duty is unknown, not MFN.
            prefix, rate = found
            specific = pref_table.specific.get(prefix) if pref_table.specific else None
            label = message("preferential ({preference})", preference=preference.id)
            return rate, _table_rule(pref_table, prefix), label, specific
    found = _hs_lookup(table, line.hs_code)
    if found is None or found[1] is None or table is None:
        return None, None, Message(""), None
    prefix, rate = found
    specific = table.specific.get(prefix) if table.specific else None
    label = message("MFN") if table_name == "mfn" else message("tariff")  # a regime's own table
    return rate, _table_rule(table, prefix), label, specific


def _line_quantity(line: RequestLine, unit: str) -> Decimal | None:
    """The line's quantity in a specific duty's unit, or None when the request lacks it."""
    if unit == "kg":
        return line.net_weight_kg
    if unit == "kg_gross":
        return line.gross_weight_kg
    if unit == "piece":
        if line.supplementary_unit == "pieces" and line.supplementary_quantity is not None:
            return line.supplementary_quantity
        return Decimal(line.quantity)
    if line.supplementary_unit == unit:  # m2
        return line.supplementary_quantity
    return None


def _qty(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _specific_duty(
    quote: _Quote,
    index: int,
    line: RequestLine,
    ad_valorem: Decimal,
    specific: SpecificRate,
    base: Decimal,
    label: Message,
    rule_id: str | None,
) -> DutyLine:
    """A specific or compound duty: ad valorem part + amount per unit, or alternatives."""
    unit_words = UNIT_WORDS[specific.unit]
    per_unit = specific.per_unit
    rate_text = message(
        "{amount} per {unit}",
        amount=MoneyParam(Decimal(_qty(per_unit)), specific.currency),
        unit=unit_words,
    )
    quantity = _line_quantity(line, specific.unit)
    if quantity is None:
        needed = SPECIFIC_UNITS[specific.unit]
        quote.unknown.append(
            UnknownRate(
                index,
                line.hs_code,
                "duty",
                f"{quote.destination.country} duty on HS {line.hs_code} includes {rate_text!s}: "
                f"needs {needed}",
            )
        )
        quote.explanation.append(
            message(
                "Line {line} ({hs_code}): the duty includes {specific}, but the request gives no "
                "{needed}; not included.",
                line=index,
                hs_code=line.hs_code,
                specific=rate_text,
                needed=needed,
            )
        )
        return DutyLine(index, line.hs_code, None, base, None, None)
    per_unit_local = quote.to_local(per_unit, specific.currency, "fx")
    specific_part = per_unit_local * quantity
    compound = base * ad_valorem + specific_part
    shown_specific = message(
        "{specific} × {quantity} {unit}",
        specific=rate_text,
        quantity=NumberParam(Decimal(_qty(quantity))),
        unit=UNIT_SHORT[specific.unit],
    )
    compound_text = (
        message(
            "{rate} of {base} + {specific}",
            rate=PercentParam(ad_valorem),
            base=quote.money_shown(base),
            specific=shown_specific,
        )
        if ad_valorem
        else shown_specific
    )
    rate = ad_valorem
    applied = True
    if specific.combine == "sum":
        raw = compound
        words = compound_text
    else:
        pick = max if specific.combine == "max" else min
        if specific.alternative is not None:
            other_rate = specific.alternative
            other = base * other_rate
            mine = compound
        else:  # "x% or y per kg": the ad valorem part alone against the specific part alone
            other_rate = ad_valorem
            other = base * ad_valorem
            mine = specific_part
            compound_text = shown_specific
            rate = ZERO
        raw = pick(other, mine)
        # on a tie the ad valorem alternative is reported
        applied = mine > other if specific.combine == "max" else mine < other
        if not applied:
            rate = other_rate
        alternatives: dict[str, MessageParam] = {
            "rate": PercentParam(other_rate),
            "base": quote.money_shown(base),
            "other": quote.money(other),
            "formula": compound_text,
            "mine": quote.money(mine),
        }
        if specific.combine == "max":
            words = message(
                "the greater of {rate} of {base} ({other}) and {formula} ({mine})", **alternatives
            )
        else:
            words = message(
                "the lesser of {rate} of {base} ({other}) and {formula} ({mine})", **alternatives
            )
    details: list[Message] = []
    bound: Message | None = None
    if specific.minimum is not None:
        low = quote.to_local(specific.minimum / specific.per, specific.currency, "fx") * quantity
        if raw < low:
            raw, bound = low, message(" (the minimum)")
    if specific.maximum is not None:
        high = quote.to_local(specific.maximum / specific.per, specific.currency, "fx") * quantity
        if raw > high:
            raw, bound = high, message(" (the maximum)")
    if bound is not None:
        details.append(bound)
    amount = quote.round_charge("duty", raw)
    if specific.currency != quote.currency:
        details.append(
            message(
                " ({currency} converted at {rate} {local})",
                currency=specific.currency,
                rate=NumberParam(quote.to_local(ONE, specific.currency, "fx")),
                local=quote.currency,
            )
        )
    quote.explanation.append(
        message(
            "Line {line} ({hs_code}): {label} duty {formula}{details} = {amount}.",
            line=index,
            hs_code=line.hs_code,
            label=label,
            formula=words,
            details=Messages(tuple(details)),
            amount=quote.money_shown(amount),
        )
    )
    detail = SpecificDetail(
        per_unit, specific.unit, quantity, specific.currency, specific.combine, applied
    )
    return DutyLine(index, line.hs_code, rate, base, amount, rule_id, "duty", detail)


def _taxes(
    quote: _Quote, regime: Regime, parts: dict[str, list[Decimal]], fee_base: Decimal
) -> list[TaxLine]:
    """The regime's taxes, one line per rate. ``fee_base``: the regime's fees, which a tax whose
    base lists ``fees`` charges at its standard rate whatever the goods' own rates (NZ: GST on
    Customs' fees; a zero-rated or overridden line does not make the fees untaxed)."""
    request = quote.request
    region = request.destination_region
    taxes: list[TaxLine] = []
    # consumption tax rate per line (for CN's gross-up), statutory (before any levy factor)
    ct_rates = [ZERO] * len(request.lines)
    for spec in regime.taxes:
        if spec.override == "consumption_tax_rate":
            for index, line in enumerate(request.lines):
                rate = _tax_rate(quote, spec, line, region)[0]
                ct_rates[index] = rate if rate is not None else ZERO
    for spec in regime.taxes:
        factor = ONE
        factor_rule = None
        if spec.factor:
            factor_version = quote.param(spec.factor)
            factor = factor_version.value
            factor_rule = factor_version.rule
        groups: dict[tuple[Decimal | None, str | None, str], list[int]] = {}
        for index, line in enumerate(request.lines):
            rate, rule, kind = _tax_rate(quote, spec, line, region)
            if spec.omit_if_zero and rate == 0:
                continue
            groups.setdefault((rate, rule.id if rule else None, kind), []).append(index)
            if rule is not None:
                quote.use(rule)
        extra_base: dict[tuple[Decimal | None, str | None, str], Decimal] = {}
        if fee_base and "fees" in spec.base:
            rate, rule, kind = _find_tax_rate(quote.rules, spec, "", region)  # no HS table
            key = (rate, rule.id if rule else None, kind)
            groups.setdefault(key, [])
            extra_base[key] = fee_base
            if rule is not None:
                quote.use(rule)
        if factor_rule is not None and groups:
            quote.use(factor_rule)
        base_parts = [parts[c] for c in spec.base if c != "fees"]
        for (rate, rule_id, kind), indexes in groups.items():
            base = ZERO
            for index in indexes:
                line_base = ZERO
                for part in base_parts:
                    line_base += part[index]
                if spec.gross_up_consumption_tax and ct_rates[index]:
                    line_base = line_base / (ONE - ct_rates[index])
                base += quote.charge_base("tax", line_base)
            base += extra_base.get((rate, rule_id, kind), ZERO)
            shown_base = quote.round(base)
            if rate is None:
                taxes.append(TaxLine(kind, None, shown_base, None, None, tuple(indexes)))
                reason = (
                    f"the {kind} rate depends on the region: give destination_region"
                    if spec.region_required and not region
                    else f"no {kind} rate known for this line"
                )
                for index in indexes:
                    quote.unknown.append(
                        UnknownRate(index, request.lines[index].hs_code, kind, reason)
                    )
                if not indexes:  # the tax on the regime's fees alone
                    quote.unknown.append(UnknownRate(None, None, kind, reason))
                quote.explanation.append(
                    message("{tax} rate unknown to ehub; not included.", tax=_tax_phrase(kind))
                )
                continue
            taxable = base * spec.base_factor
            raw = taxable / (ONE - rate) * rate if spec.por_dentro else taxable * rate
            amount = quote.round_charge("tax", raw * factor)
            taxes.append(TaxLine(kind, rate, shown_base, amount, rule_id, tuple(indexes)))
            details: list[Message] = []
            if spec.base_factor != ONE:
                details.append(
                    message(
                        " × {share} (taxable share of the base)",
                        share=NumberParam(spec.base_factor.normalize()),
                    )
                )
            if spec.por_dentro:
                details.append(message(" computed 'por dentro' (the tax is part of its own base)"))
            if factor != ONE:
                details.append(message(", levied at {rate}", rate=PercentParam(factor)))
            quote.explanation.append(
                message(
                    "{tax} {rate} of {base}{details} = {amount}.",
                    tax=_tax_phrase(kind),
                    rate=PercentParam(rate),
                    base=quote.money(base),
                    details=Messages(tuple(details)),
                    amount=quote.money_shown(amount),
                )
            )
    # tax-level waivers (CH: import tax of CHF 5 or less is not levied)
    result: list[TaxLine] = []
    waived_specs = [s for s in regime.taxes if s.waive_at_most]
    if waived_specs:
        spec = waived_specs[0]
        limit, version = quote.amount_param(spec.waive_at_most)
        total = sum((t.amount for t in taxes if t.amount is not None), ZERO)
        if total <= limit and all(t.amount is not None for t in taxes):
            quote.use(version.rule)
            quote.explanation.append(
                message(
                    "Import tax of {total} is at most {limit}: not levied.",
                    total=quote.money(total),
                    limit=quote.money(limit),
                )
            )
            return [_zero_tax(t) for t in taxes]
    result.extend(taxes)
    return result


def _tax_rate(
    quote: _Quote, spec: TaxSpec, line: RequestLine, region: str | None
) -> tuple[Decimal | None, RuleRef | None, str]:
    """The line's rate for this tax, the rule that gives it, and the tax kind to show."""
    key = ("tax", id(spec), line.hs_code, region)  # specs live as long as the rules
    memo = quote.rules.memo
    found = memo.get(key)
    if found is None:
        found = memo[key] = _find_tax_rate(quote.rules, spec, line.hs_code, region)
    override = getattr(line, spec.override)
    if override is not None:
        rule = RuleRef(f"request/{spec.override}", "the request (line override)")
        return override, rule, found[2]
    return found


def _find_tax_rate(
    rules: DestinationRules, spec: TaxSpec, hs_code: str, region: str | None
) -> tuple[Decimal | None, RuleRef | None, str]:
    """The rate from the rules alone (``None``: not known)."""
    name = spec.by_region.get(region or "", "") if spec.by_region else ""
    name = name or spec.rate
    version = rules.params.get(name) if name else None
    kind = (version.kind if version is not None else None) or spec.kind
    if spec.table:
        table = rules.tables.get(spec.table)
        found = _hs_lookup(table, hs_code)
        if found is not None and table is not None:
            prefix, rate = found
            return rate, _table_rule(table, prefix), kind
    if spec.region_required and not region:  # after the table: CA food is 0 in every province
        return None, None, kind
    if not name:
        return ZERO, None, kind
    if version is None:  # "unknown", or no value on this date
        return None, None, kind
    return version.value, version.rule, kind


# the fee's place in the regime, its line (None: its amount is not known), its sentence
_FeeItem = tuple[int, FeeLine | None, Message]


def _fees(
    quote: _Quote,
    regime: Regime,
    channel: str,
    customs_value: Decimal,
    charges: Decimal | None,
    values: tuple[Decimal, Decimal, Decimal, Decimal],
) -> list[_FeeItem]:
    """The regime's fees that do not depend on the charges (``charges`` None: computed before
    the taxes, which may include them in their base), or those that do (``only_if_charges``)."""
    fees: list[_FeeItem] = []
    unknown_params = quote.rules.unknown_params
    for position, spec in enumerate(regime.fees):
        if spec.only_if_charges != (charges is not None):
            continue
        if charges is not None and charges <= 0:
            continue
        if spec.channels and channel not in spec.channels:
            continue
        if not all(_condition_holds(quote, c, regime, values) for c in spec.conditions):
            continue
        if unknown_params and not unknown_params.isdisjoint(
            (spec.amount, spec.rate, spec.minimum, spec.maximum)
        ):
            reason = f"the {spec.name} on {quote.rules.date.isoformat()} is not known to ehub"
            quote.unknown.append(UnknownRate(None, None, "fee", reason))
            sentence = message("Fee: {fee} unknown to ehub; not included.", fee=DataText(spec.name))
            fees.append((position, None, sentence))
            continue
        rule: RuleRef
        if spec.amount:
            amount, version = quote.amount_param(spec.amount)
            rule = version.rule
        else:
            rate_version = quote.param(spec.rate)
            rule = rate_version.rule
            amount = quote.charge_base("fee", customs_value) * rate_version.value
            if spec.minimum:
                minimum, _ = quote.amount_param(spec.minimum)
                amount = max(amount, minimum)
            if spec.maximum:
                maximum, _ = quote.amount_param(spec.maximum)
                amount = min(amount, maximum)
        amount = quote.round_charge("fee", amount)
        sentence = message(
            "Fee: {fee} {amount}.", fee=DataText(spec.name), amount=quote.money_shown(amount)
        )
        fees.append((position, FeeLine(spec.name, amount, quote.use(rule)), sentence))
    return fees


def describe(result: LandedCostResult) -> dict[str, Any]:
    """A compact summary for logs and debugging (not the public contract)."""
    return {
        "destination": result.destination,
        "regime": result.regime_id,
        "charges": str(result.import_charges_total),
        "complete": result.complete,
    }
