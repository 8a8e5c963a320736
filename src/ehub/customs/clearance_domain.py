"""Customs clearance's pure rules (no ORM): the declaration pipeline, validation before
submission, the import charges collected at checkout, weight shares and the sandbox
authority's configurable decision rules.

A declaration's content is a plain JSON-able dict (built by ``clearance.py`` from the order,
stored on ``CustomsDeclaration.content`` and snapshotted on every submission); everything here is
a function of it, so it is tested without a database.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from ehub.core.errors import Conflict, DomainError
from ehub.core.money import Money
from ehub.customs.clearance_errors import ClearanceErrorCode


# -- the pipeline --------------------------------------------------------------------------------
class DeclarationStatus(StrEnum):
    PREPARED = "prepared"  # built and valid, not yet submitted
    SUBMITTED = "submitted"  # with the authority, no decision yet
    INSPECTION = "inspection"  # the authority is inspecting; cleared or refused follows
    HELD = "held"  # documents wanted, or China's three records did not match
    CLEARED = "cleared"
    REFUSED = "refused"
    RETURNED = "returned"  # a hold that ended in return to the seller


D = DeclarationStatus
TRANSITIONS: dict[DeclarationStatus, frozenset[DeclarationStatus]] = {
    D.PREPARED: frozenset({D.SUBMITTED, D.HELD}),
    D.SUBMITTED: frozenset({D.CLEARED, D.HELD, D.INSPECTION, D.REFUSED}),
    D.INSPECTION: frozenset({D.CLEARED, D.REFUSED}),
    D.HELD: frozenset({D.SUBMITTED, D.RETURNED}),
    D.CLEARED: frozenset(),
    D.REFUSED: frozenset(),
    D.RETURNED: frozenset(),
}
FINAL = frozenset({D.CLEARED, D.REFUSED, D.RETURNED})


class Decision(StrEnum):
    """What an authority (or the China matching) decided about one submission."""

    CLEARED = "cleared"
    HELD = "held"
    INSPECTION = "inspection"
    REFUSED = "refused"


# The outcomes listeners hear (contracts.md). ``inspection`` is an intermediate decision: it is
# recorded but not announced; the cleared/refused that follows it is.
class Outcome(StrEnum):
    CLEARED = "cleared"
    HELD = "held"
    REFUSED = "refused"
    RETURNED = "returned"


def transition_check(current: str, target: str) -> DeclarationStatus:
    """``target`` if ``current → target`` is allowed; else a 409
    ``declaration_illegal_transition``."""
    if DeclarationStatus(target) not in TRANSITIONS[DeclarationStatus(current)]:
        raise Conflict(
            f"a customs declaration cannot go from {current} to {target}",
            {
                "from": current,
                "to": target,
                "allowed": sorted(TRANSITIONS[DeclarationStatus(current)]),
            },
            code=ClearanceErrorCode.ILLEGAL_TRANSITION,
        )
    return DeclarationStatus(target)


# -- what the declaration says --------------------------------------------------------------------
def incoterm_for(collected: str) -> str:
    """DDP (delivered duty paid) when the import charges were collected at checkout, else DAP
    (the buyer pays them to the carrier or customs on delivery)."""
    return "DDP" if collected == "at_checkout" else "DAP"


def taxes_collected(landed_cost: Mapping[str, Any], *, currency: str) -> dict[str, Any]:
    """The import charges already collected at checkout, per kind, from a parcel's landed-cost
    response: ``{"collected": "at_checkout", "currency", "items": [{"kind", "amount",
    "amount_minor"}], "total_minor"}``. Kinds: ``duty``, every tax kind (``vat``, ``gst``,
    ``consumption_tax``...) and ``fees``. Collected at the border: no items, total 0."""
    collected = str(landed_cost.get("collected") or "at_border")
    items: list[dict[str, Any]] = []
    if collected == "at_checkout":
        amounts: dict[str, Decimal] = {}

        def add(kind: str, value: Any) -> None:
            if value is None:
                return
            amounts[kind] = amounts.get(kind, Decimal(0)) + Decimal(str(value))

        for duty in landed_cost.get("duties") or []:
            add("duty", duty.get("amount"))
        for tax in landed_cost.get("taxes") or []:
            add(str(tax.get("kind") or "tax"), tax.get("amount"))
        for fee in landed_cost.get("fees") or []:
            add("fees", fee.get("amount"))
        for kind, amount in amounts.items():
            money = Money(amount, currency).quantize()
            if money.is_zero():
                continue
            items.append(
                {"kind": kind, "amount": str(money.amount), "amount_minor": money.to_minor_units()}
            )
    return {
        "collected": collected,
        "currency": currency,
        "items": items,
        "total_minor": sum(item["amount_minor"] for item in items),
    }


def weight_shares(total_grams: int, weights: list[int]) -> list[int]:
    """Split a parcel's weight over its lines in proportion to the lines' own weights, exactly
    (largest remainder); all zero when the lines carry no weight."""
    whole = sum(weights)
    if total_grams <= 0 or whole <= 0:
        return [0 for _ in weights]
    shares = [total_grams * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total_grams * weights[i] % whole), i))
    for i in remainders[: total_grams - sum(shares)]:
        shares[i] += 1
    return shares


# -- validation -----------------------------------------------------------------------------------
# Countries without postal codes in their addresses (UPU list, abridged): a consignee there needs
# none. Everywhere else a postal code is required.
_NO_POSTAL_CODE_LIST = (
    "AE AG AO AW BF BI BJ BO BS BW BZ CD CF CG CI CK CM DJ DM ER FJ GA GD GH GM GQ GY HK "
    "JM KI KM KN KP LC ML MO MR MW NR NU QA RW SB SC SL SR SS ST SY TF TG TK TL TO TT TV UG "
    "VU YE ZW"
)
NO_POSTAL_CODE = frozenset(_NO_POSTAL_CODE_LIST.split())
# Destinations whose cross-border channel needs the buyer's identity (CN: name + resident ID,
# matched against the order, payment and waybill records). Checkout asks for it from this list.
IDENTITY_REQUIRED = frozenset({"CN"})


@dataclass(frozen=True)
class Problem:
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def declaration_problems(content: Mapping[str, Any]) -> list[Problem]:
    """Every problem that stops ``content`` from being submitted, all at once, in a stable order
    (consignor, consignee, lines, totals, registration, transport)."""
    problems: list[Problem] = []

    def need(path: str, value: Any, what: str) -> None:
        if _blank(value):
            problems.append(Problem(path, f"{what} is missing"))

    destination = str(content.get("destination") or "")
    consignor = content.get("consignor") or {}
    need("consignor.legal_name", consignor.get("legal_name"), "the seller's legal name")
    need("consignor.address_line1", consignor.get("address_line1"), "the seller's address line")
    need("consignor.city", consignor.get("city"), "the seller's city")
    need("consignor.country", consignor.get("country"), "the seller's country")
    need(
        "consignor.registration_number",
        consignor.get("registration_number"),
        "the seller's registration number",
    )

    consignee = content.get("consignee") or {}
    need("consignee.name", consignee.get("name"), "the recipient's name")
    need("consignee.address_line1", consignee.get("address_line1"), "the recipient's address line")
    need("consignee.city", consignee.get("city"), "the recipient's city")
    need("consignee.country", consignee.get("country"), "the recipient's country")
    if destination not in NO_POSTAL_CODE:
        need(
            "consignee.postal_code",
            consignee.get("postal_code"),
            f"the recipient's postal code (required in {destination or 'this country'})",
        )
    if destination in IDENTITY_REQUIRED:
        need("consignee.phone", consignee.get("phone"), "the recipient's phone number")
        identity = consignee.get("identity") or {}
        need("consignee.identity.name", identity.get("name"), "the buyer's identity name")
        need(
            "consignee.identity.id_masked",
            identity.get("id_masked"),
            "the buyer's resident ID number",
        )
        need(
            "consignee.identity.id_digest",
            identity.get("id_digest"),
            "the buyer's verified identity",
        )

    lines = content.get("lines") or []
    if not lines:
        problems.append(Problem("lines", "the declaration has no goods lines"))
    line_sum = 0
    for i, line in enumerate(lines):
        at = f"lines[{i}]"
        hs_code = str(line.get("hs_code") or "")
        if not hs_code:
            problems.append(Problem(f"{at}.hs_code", "the HS code is missing"))
        elif not (len(hs_code) == 6 and hs_code.isascii() and hs_code.isdigit()):
            problems.append(Problem(f"{at}.hs_code", f"the HS code {hs_code!r} is not 6 digits"))
        need(f"{at}.description", line.get("description"), "the goods description")
        need(f"{at}.origin", line.get("origin"), "the country of origin")
        quantity = _int(line.get("quantity"))
        if quantity is None or quantity < 1:
            problems.append(Problem(f"{at}.quantity", "the quantity must be at least 1"))
        unit = _int(line.get("unit_value_minor"))
        total = _int(line.get("total_value_minor"))
        if unit is None or unit <= 0:
            problems.append(Problem(f"{at}.unit_value", "the unit value must be more than zero"))
        if total is None or total <= 0:
            problems.append(Problem(f"{at}.total_value", "the total value must be more than zero"))
        elif unit is not None and quantity is not None and unit * quantity != total:
            problems.append(
                Problem(f"{at}.total_value", "the total value is not quantity × unit value")
            )
        line_sum += total or 0
        weight = _int(line.get("net_weight_grams"))
        if weight is None or weight <= 0:
            problems.append(Problem(f"{at}.net_weight", "the net weight is missing"))

    goods = _int(content.get("goods_value_minor"))
    currency = str(content.get("currency") or "")
    if goods is None or goods <= 0:
        problems.append(Problem("goods_value", "the parcel's goods value must be more than zero"))
    elif lines and line_sum != goods:
        diff = "?"
        if currency:
            try:
                diff = str(Money.from_minor_units(line_sum - goods, currency).amount)
            except (ValueError, InvalidOperation):
                diff = str(line_sum - goods)
        problems.append(
            Problem(
                "lines",
                f"the lines' values add up to {line_sum} minor units, not the parcel's goods "
                f"value of {goods} (difference {diff} {currency})",
            )
        )
    need("currency", currency, "the currency")
    weight_grams = _int(content.get("weight_grams"))
    if weight_grams is None or weight_grams <= 0:
        problems.append(Problem("weight", "the parcel's weight is missing"))

    if content.get("registration_required") and not content.get("registration"):
        problems.append(
            Problem(
                "registration",
                f"import charges for {destination} were collected at checkout, but the platform "
                f"has no registration for {destination} in force (registrations.toml)",
            )
        )
    need("waybill", content.get("waybill"), "the waybill number")
    return problems


def problems_error(problems: Iterable[Problem]) -> DomainError:
    listed = [p.as_dict() for p in problems]
    count = len(listed)
    return DomainError(
        ClearanceErrorCode.DECLARATION_INVALID,
        f"the customs declaration has {count} problem{'s' if count != 1 else ''}: "
        + "; ".join(f"{p['field']}: {p['message']}" for p in listed),
        {"problems": listed},
        status=422,
    )


# -- the sandbox authority's rules ---------------------------------------------------------------
class SandboxRulesError(Exception):
    """A sandbox rules file is malformed: ``str(exc)`` names the rule, key and reason."""


@dataclass(frozen=True)
class SandboxRule:
    name: str
    outcome: Decision
    reason: str
    then: Decision | None = None  # after an inspection: cleared or refused
    documents: tuple[str, ...] = ()  # what a hold asks for
    hs_prefixes: tuple[str, ...] = ()
    destinations: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    value_above: Mapping[str, Decimal] = field(default_factory=dict)

    def matches(self, content: Mapping[str, Any]) -> bool:
        """Every condition the rule has must hold (a list holds when any element does)."""
        lines = content.get("lines") or []
        if self.hs_prefixes and not any(
            str(line.get("hs_code") or "").startswith(self.hs_prefixes) for line in lines
        ):
            return False
        if self.destinations and content.get("destination") not in self.destinations:
            return False
        if self.keywords:
            text = " ".join(str(line.get("description") or "") for line in lines).casefold()
            if not any(word.casefold() in text for word in self.keywords):
                return False
        if self.value_above:
            currency = str(content.get("currency") or "")
            limit = self.value_above.get(currency)
            goods = _int(content.get("goods_value_minor"))
            if limit is None or goods is None:
                return False
            if Money.from_minor_units(goods, currency).amount <= limit:
                return False
        return True


@dataclass(frozen=True)
class SandboxVerdict:
    decision: Decision
    reason: str
    rule: str
    then: Decision | None = None
    documents_requested: tuple[str, ...] = ()


_RULE_KEYS = {
    "name",
    "outcome",
    "reason",
    "then",
    "documents",
    "hs_prefixes",
    "destinations",
    "keywords",
    "value_above",
}


def _strings(raw: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise SandboxRulesError(f"{where}.{key}: must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def sandbox_rules_parse(text: str) -> tuple[SandboxRule, ...]:
    """Parse a sandbox rules file (TOML, ``[[rule]]`` tables, first match wins)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SandboxRulesError(f"not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"rule"})
    if unknown:
        raise SandboxRulesError(f"unknown top-level key `{unknown[0]}`")
    rules: list[SandboxRule] = []
    for index, raw in enumerate(data.get("rule", [])):
        where = f"rule[{index}]"
        if not isinstance(raw, dict):
            raise SandboxRulesError(f"{where}: must be a table")
        extra = sorted(set(raw) - _RULE_KEYS)
        if extra:
            raise SandboxRulesError(f"{where}: unknown key `{extra[0]}`")
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise SandboxRulesError(f"{where}.name: a non-empty name is required")
        where = f"rule {name!r}"
        try:
            outcome = Decision(str(raw.get("outcome")))
        except ValueError:
            raise SandboxRulesError(
                f"{where}.outcome: one of {', '.join(d.value for d in Decision)}"
            ) from None
        reason = raw.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise SandboxRulesError(f"{where}.reason: a non-empty reason is required")
        then: Decision | None = None
        if outcome is Decision.INSPECTION:
            if raw.get("then") not in (Decision.CLEARED, Decision.REFUSED):
                raise SandboxRulesError(f"{where}.then: an inspection ends cleared or refused")
            then = Decision(raw["then"])
        elif "then" in raw:
            raise SandboxRulesError(f"{where}.then: only an inspection has `then`")
        documents = _strings(raw, "documents", where)
        if documents and outcome is not Decision.HELD:
            raise SandboxRulesError(f"{where}.documents: only a hold asks for documents")
        value_above: dict[str, Decimal] = {}
        raw_values = raw.get("value_above", {})
        if not isinstance(raw_values, dict):
            raise SandboxRulesError(f'{where}.value_above: a table of CURRENCY = "amount"')
        for currency, amount in raw_values.items():
            if not isinstance(amount, str):
                raise SandboxRulesError(f"{where}.value_above.{currency}: a decimal string")
            try:
                value_above[currency] = Money(Decimal(amount), currency).amount
            except (ValueError, InvalidOperation):
                raise SandboxRulesError(
                    f"{where}.value_above.{currency}: {amount!r} is not an amount in a known "
                    "currency"
                ) from None
        hs_prefixes = _strings(raw, "hs_prefixes", where)
        if any(not (p.isascii() and p.isdigit() and len(p) <= 6) for p in hs_prefixes):
            raise SandboxRulesError(f"{where}.hs_prefixes: 1 to 6 digits each")
        rules.append(
            SandboxRule(
                name=name.strip(),
                outcome=outcome,
                reason=reason.strip(),
                then=then,
                documents=documents,
                hs_prefixes=hs_prefixes,
                destinations=_strings(raw, "destinations", where),
                keywords=_strings(raw, "keywords", where),
                value_above=value_above,
            )
        )
    return tuple(rules)


def sandbox_decide(
    content: Mapping[str, Any],
    rules: Iterable[SandboxRule],
    *,
    documents_supplied: Iterable[str] = (),
    resubmission: bool = False,
) -> SandboxVerdict:
    """The first rule that matches decides. On a resubmission (a hold resolved by the hub), a
    hold is passed over when every document it asks for was supplied (case-insensitive), or when
    it asks for none (the hub's note answered it), so evaluation moves on to the next rule.
    No rule: cleared."""
    supplied = {d.strip().casefold() for d in documents_supplied}
    for rule in rules:
        if not rule.matches(content):
            continue
        if (
            rule.outcome is Decision.HELD
            and resubmission
            and {d.casefold() for d in rule.documents} <= supplied
        ):
            continue
        return SandboxVerdict(
            decision=rule.outcome,
            reason=rule.reason,
            rule=rule.name,
            then=rule.then,
            documents_requested=rule.documents,
        )
    return SandboxVerdict(decision=Decision.CLEARED, reason="no rule held the parcel", rule="")
