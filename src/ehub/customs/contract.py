"""The landed-cost JSON contract: request parsing and validation, result serialisation.

``parse_request`` raises ``LandedCostInputError`` (a ``DomainError``) with a code and
``detail = {"field": "lines[0].hs_code", ...}``; ``result_to_json`` produces the response shape of
issue 3, key for key and in order (plus ``complete`` and ``unknown_rates`` at the end; see
``docs/landed-cost.md``). Django-free.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry

from ehub.core.currencies import UnknownCurrency, normalize_currency
from ehub.core.messages import message_to_json
from ehub.customs.domain import (
    CarrierFee,
    DutyLine,
    LandedCostInputError,
    LandedCostRequest,
    LandedCostResult,
    RequestLine,
    SpecificDetail,
    TaxLine,
)

__all__ = [
    "EXAMPLE_REQUEST",
    "EXPLANATION_MESSAGE_SCHEMA",
    "LandedCostInputError",
    "parse_request",
    "result_to_json",
]

REQUEST_KEYS = {
    "date", "destination", "destination_region", "ship_from", "currency", "fx", "buyer_type",
    "channel", "lines", "shipping", "insurance", "carrier_fees", "buyer_year_to_date",
}  # fmt: skip
LINE_KEYS = {
    "hs_code", "description", "origin", "quantity", "unit_price", "duty_rate", "tax_rate",
    "consumption_tax_rate", "net_weight_kg", "gross_weight_kg", "supplementary_quantity",
    "supplementary_unit",
}  # fmt: skip
# units a line's ``supplementary_quantity`` may be given in (for specific duties)
SUPPLEMENTARY_UNITS = {"m2", "pieces"}
FEE_KEYS = {"name", "amount", "in_tax_base"}
BUYER_TYPES = {"consumer", "business"}
MAX_LINES = 200


# JSON Schema of one ``explanation_messages`` entry (ehub.core.messages, docs/landed-cost.md §1):
# a template with ``{name}`` placeholders and its named, typed parameters.
_PARAM_KINDS = ["text", "money", "percent", "number", "country", "data", "message", "messages"]
EXPLANATION_MESSAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["template", "params"],
    "properties": {
        "template": {"type": "string", "description": "English, with {name} placeholders"},
        "params": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["kind"],
                "properties": {
                    "kind": {"type": "string", "enum": _PARAM_KINDS},
                    "value": {
                        "type": "string",
                        "description": "text, percent (a fraction), number",
                    },
                    "amount": {"type": "string", "description": "money: a decimal string"},
                    "currency": {"type": "string", "description": "money: ISO 4217"},
                    "code": {"type": "string", "description": "country: ISO 3166-1 alpha-2"},
                    "name": {"type": "string", "description": "country: its English name"},
                    "text": {"type": "string", "description": "data: a rule-file text"},
                    "template": {"type": "string", "description": "message: a nested template"},
                    "params": {"type": "object", "description": "message: its parameters"},
                    "items": {"type": "array", "description": "messages: nested messages"},
                },
            },
        },
    },
}

# The worked example of issue 3: a silk blouse from China to Finland, above the IOSS threshold.
# Shown in the OpenAPI docs and docs/landed-cost.md; the tests check every figure it produces.
EXAMPLE_REQUEST: dict[str, Any] = {
    "date": "2026-03-01",
    "destination": "FI",
    "destination_region": None,
    "ship_from": "CN",
    "currency": "EUR",
    "fx": {"AUD/USD": "0.91"},
    "buyer_type": "consumer",
    "channel": None,
    "lines": [
        {
            "hs_code": "620610",
            "description": "silk blouse",
            "origin": "CN",
            "quantity": 1,
            "unit_price": "200.00",
            "duty_rate": None,
            "tax_rate": None,
            "consumption_tax_rate": None,
        }
    ],
    "shipping": "35.00",
    "insurance": "0.00",
    "carrier_fees": [{"name": "handling", "amount": "2.90", "in_tax_base": True}],
}
MAX_AMOUNT = Decimal("1e15")


def _error(code: str, message: str, field: str, **extra: Any) -> LandedCostInputError:
    return LandedCostInputError(code, message, {"field": field, **extra})


def _decimal(value: Any, field: str, *, what: str = "amount") -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _error(
            "invalid_request",
            f'{field} must be a decimal string such as "12.50"',
            field,
        )
    text = str(value).strip()
    if len(text) > 32 or "e" in text or "E" in text or len(text.partition(".")[2]) > 12:
        raise _error(
            "invalid_request", f"{field}: {value!r} is not a plain decimal such as 12.50", field
        )
    try:
        result = Decimal(text)
    except InvalidOperation as exc:
        raise _error(
            "invalid_request", f"{field}: {value!r} is not a decimal number", field
        ) from exc
    if not result.is_finite():
        raise _error("invalid_request", f"{field} must be a finite number", field)
    if result < 0:
        code = "negative_amount" if what == "amount" else "invalid_rate"
        raise _error(code, f"{field} must not be negative", field)
    if result > MAX_AMOUNT:
        raise _error("invalid_request", f"{field} is too large", field)
    return result


def _rate(value: Any, field: str) -> Decimal | None:
    if value is None:
        return None
    rate = _decimal(value, field, what="rate")
    if rate > 10:
        raise _error("invalid_rate", f"{field} is a fraction: write 0.12 for 12%", field)
    return rate


COUNTRIES = frozenset(country.alpha_2 for country in pycountry.countries)


def _country(value: Any, field: str) -> str:
    if not isinstance(value, str) or value.strip().upper() not in COUNTRIES:
        raise _error(
            "unknown_country", f"{field}: {value!r} is not an ISO 3166-1 alpha-2 code", field
        )
    return value.strip().upper()


def _optional_str(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _error("invalid_request", f"{field} must be a string or null", field)
    return value.strip() or None


def parse_request(data: dict[str, Any]) -> LandedCostRequest:
    """Validate a JSON landed-cost request; raise ``LandedCostInputError`` naming the field."""
    if not isinstance(data, dict):
        raise _error("invalid_request", "the request must be a JSON object", "")
    unknown = sorted(set(data) - REQUEST_KEYS)
    if unknown:
        raise _error("invalid_request", f"unknown field {unknown[0]!r}", unknown[0])

    raw_date = data.get("date")
    try:
        date = dt.date.fromisoformat(raw_date) if isinstance(raw_date, str) else None
    except ValueError:
        date = None
    if date is None:
        raise _error("invalid_request", "date must be a YYYY-MM-DD string", "date")

    destination = _country(data.get("destination"), "destination")
    region = _optional_str(data.get("destination_region"), "destination_region")
    if region is not None:
        region = region.upper()
        subdivision = pycountry.subdivisions.get(code=region)
        if subdivision is None or subdivision.country_code != destination:
            raise _error(
                "unknown_region",
                f"destination_region {region!r} is not an ISO 3166-2 code of {destination}",
                "destination_region",
            )
    try:
        currency = normalize_currency(data.get("currency"))  # type: ignore[arg-type]
    except UnknownCurrency as exc:
        raise _error("unknown_currency", str(exc), "currency") from exc

    fx_data = data.get("fx") or {}
    if not isinstance(fx_data, dict):
        raise _error("invalid_request", 'fx must be an object such as {"AUD/USD": "0.91"}', "fx")
    fx: dict[str, Decimal] = {}
    for pair, value in fx_data.items():
        field = f"fx.{pair}"
        base, sep, quote = str(pair).partition("/")
        try:
            if not sep:
                raise UnknownCurrency(pair)
            base, quote = normalize_currency(base), normalize_currency(quote)
        except UnknownCurrency as exc:
            raise _error(
                "invalid_request", f"{pair!r} must be BASE/QUOTE with ISO 4217 codes", field
            ) from exc
        rate = _decimal(value, field, what="rate")
        if rate == 0:
            raise _error("invalid_rate", f"{field} must be positive", field)
        fx[f"{base}/{quote}"] = rate

    buyer_type = data.get("buyer_type") or "consumer"
    if buyer_type not in BUYER_TYPES:
        raise _error("invalid_request", "buyer_type must be consumer or business", "buyer_type")
    channel = _optional_str(data.get("channel"), "channel")

    lines_data = data.get("lines")
    if not isinstance(lines_data, list) or not lines_data:
        raise _error("invalid_request", "lines must be a non-empty list", "lines")
    if len(lines_data) > MAX_LINES:
        raise _error("invalid_request", f"at most {MAX_LINES} lines per parcel", "lines")
    lines = tuple(_line(item, i) for i, item in enumerate(lines_data))

    ship_from = data.get("ship_from")
    ship_from = _country(ship_from, "ship_from") if ship_from is not None else lines[0].origin

    fees_data = data.get("carrier_fees") or []
    if not isinstance(fees_data, list):
        raise _error("invalid_request", "carrier_fees must be a list", "carrier_fees")
    fees = []
    for i, item in enumerate(fees_data):
        path = f"carrier_fees[{i}]"
        if not isinstance(item, dict):
            raise _error("invalid_request", f"{path} must be an object", path)
        extra = sorted(set(item) - FEE_KEYS)
        if extra:
            raise _error("invalid_request", f"unknown field {extra[0]!r}", f"{path}.{extra[0]}")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _error("invalid_request", f"{path}.name must be a string", f"{path}.name")
        in_base = item.get("in_tax_base", False)
        if not isinstance(in_base, bool):
            raise _error(
                "invalid_request", "in_tax_base must be true or false", f"{path}.in_tax_base"
            )
        fees.append(
            CarrierFee(name.strip(), _decimal(item.get("amount"), f"{path}.amount"), in_base)
        )

    return LandedCostRequest(
        date=date,
        destination=destination,
        currency=currency,
        lines=lines,
        destination_region=region,
        ship_from=ship_from,
        fx=fx,
        buyer_type=buyer_type,
        channel=channel,
        shipping=_decimal(data.get("shipping", "0"), "shipping"),
        insurance=_decimal(data.get("insurance", "0"), "insurance"),
        carrier_fees=tuple(fees),
        buyer_year_to_date=_decimal(data.get("buyer_year_to_date", "0"), "buyer_year_to_date"),
    )


def _line(item: Any, index: int) -> RequestLine:
    path = f"lines[{index}]"
    if not isinstance(item, dict):
        raise _error("invalid_request", f"{path} must be an object", path)
    extra = sorted(set(item) - LINE_KEYS)
    if extra:
        raise _error("invalid_request", f"unknown field {extra[0]!r}", f"{path}.{extra[0]}")
    hs_code = item.get("hs_code")
    if not isinstance(hs_code, str) or not (len(hs_code) == 6 and hs_code.isdigit()):
        raise _error(
            "invalid_hs_code",
            f'{path}.hs_code must be a 6-digit HS subheading such as "620610"',
            f"{path}.hs_code",
        )
    description = item.get("description") or ""
    if not isinstance(description, str):
        raise _error("invalid_request", "description must be a string", f"{path}.description")
    quantity = item.get("quantity", 1)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise _error(
            "invalid_request", "quantity must be a whole number of at least 1", f"{path}.quantity"
        )
    if quantity > 1_000_000:
        raise _error("invalid_request", "quantity is too large", f"{path}.quantity")
    if "unit_price" not in item:
        raise _error("invalid_request", "unit_price is required", f"{path}.unit_price")
    net = _optional_amount(item.get("net_weight_kg"), f"{path}.net_weight_kg")
    gross = _optional_amount(item.get("gross_weight_kg"), f"{path}.gross_weight_kg")
    if net is not None and gross is not None and gross < net:
        raise _error(
            "invalid_request",
            "gross_weight_kg (goods and packing) must not be less than net_weight_kg",
            f"{path}.gross_weight_kg",
        )
    supplementary = _optional_amount(
        item.get("supplementary_quantity"), f"{path}.supplementary_quantity"
    )
    unit = item.get("supplementary_unit")
    if unit is not None and unit not in SUPPLEMENTARY_UNITS:
        raise _error(
            "invalid_request",
            f"supplementary_unit must be one of {', '.join(sorted(SUPPLEMENTARY_UNITS))}",
            f"{path}.supplementary_unit",
        )
    if (unit is None) != (supplementary is None):
        missing = "supplementary_unit" if unit is None else "supplementary_quantity"
        raise _error(
            "invalid_request",
            "supplementary_quantity and supplementary_unit go together",
            f"{path}.{missing}",
        )
    return RequestLine(
        hs_code=hs_code,
        description=description,
        origin=_country(item.get("origin"), f"{path}.origin"),
        quantity=quantity,
        unit_price=_decimal(item.get("unit_price"), f"{path}.unit_price"),
        duty_rate=_rate(item.get("duty_rate"), f"{path}.duty_rate"),
        tax_rate=_rate(item.get("tax_rate"), f"{path}.tax_rate"),
        consumption_tax_rate=_rate(
            item.get("consumption_tax_rate"), f"{path}.consumption_tax_rate"
        ),
        net_weight_kg=net,
        gross_weight_kg=gross,
        supplementary_quantity=supplementary,
        supplementary_unit=unit,
    )


def _optional_amount(value: Any, field: str) -> Decimal | None:
    return None if value is None else _decimal(value, field)


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _rate_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return format(value.normalize(), "f")


def _duty(duty: DutyLine) -> dict[str, Any]:
    result: dict[str, Any] = {
        "line": duty.line,
        "hs_code": duty.hs_code,
        "rate": _rate_text(duty.rate),
        "base": str(duty.base),
        "amount": _amount(duty.amount),
        "rule": duty.rule,
    }
    if duty.specific is not None:  # only on duties with a specific part
        result["specific"] = _specific(duty.specific)
    return result


def _specific(detail: SpecificDetail) -> dict[str, Any]:
    return {
        "amount_per_unit": _rate_text(detail.amount_per_unit),
        "unit": detail.unit,
        "quantity": _rate_text(detail.quantity),
        "currency": detail.currency,
        "combine": detail.combine,
        "applied": detail.applied,
    }


def _tax(tax: TaxLine) -> dict[str, Any]:
    return {
        "kind": tax.kind,
        "rate": _rate_text(tax.rate),
        "base": str(tax.base),
        "amount": _amount(tax.amount),
        "rule": tax.rule,
    }


def result_to_json(result: LandedCostResult) -> dict[str, Any]:
    """The public response; amounts are decimal strings on the currency's minor unit."""
    return {
        "destination": result.destination,
        "currency": result.currency,
        "date": result.date.isoformat(),
        "regime": result.regime,
        "allowed": result.allowed,
        "refusals": [
            {
                "line": r.line,
                "hs_code": r.hs_code,
                "reason": r.reason,
                "rule": r.rule,
                "source": r.source,
            }
            for r in result.refusals
        ],
        "collected": result.collected,
        "customs_value": str(result.customs_value),
        "duties": [_duty(d) for d in result.duties],
        "taxes": [_tax(t) for t in result.taxes],
        "fees": [{"name": f.name, "amount": str(f.amount), "rule": f.rule} for f in result.fees],
        "duty_total": str(result.duty_total),
        "tax_total": str(result.tax_total),
        "fee_total": str(result.fee_total),
        "import_charges_total": str(result.import_charges_total),
        "landed_total": str(result.landed_total),
        "rules": [{"id": r.id, "source": r.source} for r in result.rules],
        "explanation": list(result.explanation),
        "complete": result.complete,
        "unknown_rates": [
            {"line": u.line, "hs_code": u.hs_code, "kind": u.kind, "reason": u.reason}
            for u in result.unknown_rates
        ],
        "explanation_messages": [message_to_json(m) for m in result.explanation_messages],
    }
