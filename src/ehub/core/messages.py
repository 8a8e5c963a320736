"""Messages that can be shown in any language: an English template plus typed parameters.

Pure (no Django). A domain that writes sentences for people (the landed-cost explanation, the
reasons a product is unavailable) builds ``Message`` values instead of f-strings:

    message("Customs value {value} on {basis}.", value=Money(cv, "EUR"), basis=...)

``str(message)`` renders it in English exactly as the f-string did, so English outputs (the API's
``explanation``) stay the same; ``to_json`` gives API clients the template and parameters; the web
pages translate the template with gettext and format each parameter for the page's language
(``ehub.web.explanations``). The template is a literal at the call site, so ``ehub i18n extract``
finds it (the ``message`` keyword); rule-data texts (``DataText``) are extracted from the rule
files. See ADR 0016.

Parameter kinds (``kind`` in JSON):

- ``text``: a code or name shown as is (HS code, line number, rule id, fee name)
- ``money``: an amount and its ISO 4217 currency (English ``EUR 28.20``)
- ``percent``: a rate as a fraction (English ``25.5%`` for ``0.255``)
- ``number``: a plain decimal (an exchange rate, a quantity)
- ``country``: an ISO 3166-1 alpha-2 code and the English name the rules give it
- ``data``: a text from the rule files (a regime name, a note, a refusal reason): translatable
- ``message``: a nested message (a phrase such as a tax's name)
- ``messages``: nested messages shown one after another (optional phrases)
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, NamedTuple

# The values are NamedTuples, not frozen dataclasses: as immutable, and several times cheaper to
# build — the landed-cost engine makes a dozen per quote (bench/bench_landed_cost.py).
NO_PARAMS: Mapping[str, Any] = MappingProxyType({})


class MoneyParam(NamedTuple):
    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{self.currency} {self.amount}"


class PercentParam(NamedTuple):
    rate: Decimal  # a fraction: 0.255 is 25.5%

    def __str__(self) -> str:
        return f"{format((self.rate * 100).normalize(), 'f')}%"


class NumberParam(NamedTuple):
    value: Decimal

    def __str__(self) -> str:
        return str(self.value)


class CountryParam(NamedTuple):
    code: str
    name: str  # the English name (as the rules spell it)

    def __str__(self) -> str:
        return self.name


class DataText(NamedTuple):
    """A user-facing text from the rule files; its translations live in the catalogs."""

    text: str

    def __str__(self) -> str:
        return self.text


class Message(NamedTuple):
    template: str  # English, with {name} placeholders
    params: Mapping[str, Param] = NO_PARAMS

    def __str__(self) -> str:
        if not self.params:
            return self.template
        return self.template.format_map({k: str(v) for k, v in self.params.items()})


class Messages(NamedTuple):
    """Phrases shown one after another (each carries its own leading space or comma)."""

    items: tuple[Message, ...]

    def __str__(self) -> str:
        return "".join(str(item) for item in self.items)


Param = (
    str
    | int
    | MoneyParam
    | PercentParam
    | NumberParam
    | CountryParam
    | DataText
    | Message
    | Messages
)


def message(template: str, /, **params: Param) -> Message:
    """A message; the keyword ``ehub i18n extract`` looks for (keep ``template`` a literal)."""
    return Message(template, params)


def param_to_json(value: Param) -> dict[str, Any]:
    if isinstance(value, MoneyParam):
        return {"kind": "money", "amount": str(value.amount), "currency": value.currency}
    if isinstance(value, PercentParam):
        return {"kind": "percent", "value": format(value.rate.normalize(), "f")}
    if isinstance(value, NumberParam):
        return {"kind": "number", "value": str(value.value)}
    if isinstance(value, CountryParam):
        return {"kind": "country", "code": value.code, "name": value.name}
    if isinstance(value, DataText):
        return {"kind": "data", "text": value.text}
    if isinstance(value, Message):
        return {"kind": "message", **message_to_json(value)}
    if isinstance(value, Messages):
        return {"kind": "messages", "items": [message_to_json(m) for m in value.items]}
    return {"kind": "text", "value": str(value)}


def message_to_json(value: Message) -> dict[str, Any]:
    return {
        "template": value.template,
        "params": {name: param_to_json(p) for name, p in value.params.items()},
    }


def param_from_json(data: Mapping[str, Any]) -> Param:
    kind = data.get("kind")
    if kind == "money":
        return MoneyParam(Decimal(data["amount"]), str(data["currency"]))
    if kind == "percent":
        return PercentParam(Decimal(data["value"]))
    if kind == "number":
        return NumberParam(Decimal(data["value"]))
    if kind == "country":
        return CountryParam(str(data["code"]), str(data["name"]))
    if kind == "data":
        return DataText(str(data["text"]))
    if kind == "message":
        return message_from_json(data)
    if kind == "messages":
        return Messages(tuple(message_from_json(item) for item in data["items"]))
    return str(data.get("value", ""))


def message_from_json(data: Mapping[str, Any]) -> Message:
    params = data.get("params") or {}
    return Message(str(data["template"]), {k: param_from_json(v) for k, v in params.items()})
