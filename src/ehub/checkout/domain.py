"""Checkout's pure rules (no ORM): shipping by corridor and weight band, CN buyer identity,
and when a parcel can be sold."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumValidationError

from ehub.checkout.errors import CheckoutErrorCode
from ehub.core.errors import DomainError
from ehub.core.messages import DataText, Message, message
from ehub.core.money import Money, MoneyError

SHIPPING_RATES_FILE = Path(__file__).with_name("shipping_rates.toml")


# -- shipping ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class WeightBand:
    max_grams: int
    price: Money


@dataclass(frozen=True, slots=True)
class Corridor:
    origin: str
    destination: str
    bands: tuple[WeightBand, ...]

    def price_for(self, weight_grams: int) -> WeightBand | None:
        """The first band whose ``max_grams`` ≥ the weight; None when heavier than every band."""
        for band in self.bands:
            if weight_grams <= band.max_grams:
                return band
        return None


@dataclass(frozen=True, slots=True)
class ShippingRateTable:
    source: str
    effective_from: dt.date
    corridors: dict[tuple[str, str], Corridor]

    def corridor(self, origin: str, destination: str) -> Corridor | None:
        return self.corridors.get((origin.upper(), destination.upper()))


def shipping_rates_parse(
    data: dict[str, Any], *, file: str = "shipping rates"
) -> ShippingRateTable:
    def fail(where: str, why: str) -> DomainError:
        return DomainError(
            CheckoutErrorCode.SHIPPING_RATES_INVALID, f"{file}: {where}: {why}", {"at": where}
        )

    corridors: dict[tuple[str, str], Corridor] = {}
    for origin, destinations in (data.get("corridors") or {}).items():
        for destination, body in destinations.items():
            where = f"corridors.{origin}.{destination}"
            if len(origin) != 2 or len(destination) != 2 or origin == destination:
                raise fail(where, "origin and destination are two different ISO country codes")
            bands: list[WeightBand] = []
            for index, band in enumerate(body.get("bands") or []):
                try:
                    grams = int(band["max_grams"])
                    price = Money(band["price"], body["currency"])
                except (KeyError, TypeError, ValueError, MoneyError) as exc:
                    raise fail(f"{where}.bands[{index}]", str(exc)) from exc
                if price.is_negative() or not price.is_quantized():
                    raise fail(f"{where}.bands[{index}]", "price must be ≥ 0 on the minor unit")
                if bands and grams <= bands[-1].max_grams:
                    raise fail(f"{where}.bands[{index}]", "max_grams must increase")
                bands.append(WeightBand(grams, price))
            if not bands:
                raise fail(where, "a corridor needs at least one band")
            corridors[(origin, destination)] = Corridor(origin, destination, tuple(bands))
    try:
        effective_from = dt.date.fromisoformat(str(data["effective_from"]))
        source = str(data["source"])
    except (KeyError, ValueError) as exc:
        raise fail("top level", "source and effective_from (YYYY-MM-DD) are required") from exc
    return ShippingRateTable(source=source, effective_from=effective_from, corridors=corridors)


@cache
def shipping_rates() -> ShippingRateTable:
    with SHIPPING_RATES_FILE.open("rb") as handle:
        return shipping_rates_parse(tomllib.load(handle), file=SHIPPING_RATES_FILE.name)


# -- CN buyer identity -------------------------------------------------------------------------
def resident_id_mask(number: str) -> str:
    """``110105194912310021`` → ``110***********0021``: the only form ever shown."""
    return number[:3] + "*" * max(len(number) - 7, 0) + number[-4:]


class ResidentId:
    """A validated CN resident identity card number whose repr and str are masked, so it cannot
    leak through logs, tracebacks or f-strings by accident. ``.number`` is the real value."""

    __slots__ = ("number",)

    def __init__(self, raw: str) -> None:
        try:
            self.number = ric.validate(raw)
        except StdnumValidationError as exc:
            # The message names the rule that failed, never the number.
            raise DomainError(
                CheckoutErrorCode.INVALID_RESIDENT_ID,
                f"the resident ID number is not valid: {exc}",
                {"field": "buyer.resident_id"},
                status=422,
            ) from None

    @property
    def masked(self) -> str:
        return resident_id_mask(self.number)

    def __repr__(self) -> str:
        number = getattr(self, "number", None)
        return f"ResidentId({resident_id_mask(number)!r})" if number else "ResidentId(<invalid>)"

    __str__ = __repr__


# -- sellability -------------------------------------------------------------------------------
def parcel_problems(landed: dict[str, Any]) -> list[dict[str, Any]]:
    """Why a parcel cannot be sold, from the landed-cost response; empty when it can.

    - every refusal (restricted goods, a special-regime limit) is a problem for its line (or the
      whole parcel when ``line`` is null);
    - an unknown duty or tax rate is a problem only when the platform collects import charges at
      checkout (we would undercharge what we must remit); when the carrier collects them at the
      border the parcel stays sellable and the import charges shown are a lower-bound estimate.

    ``reason`` is English; ``parcel_problem_messages`` gives the same reasons as translatable
    messages, in the same order.
    """
    problems = [
        {
            "line": r.get("line"),
            "hs_code": r.get("hs_code"),
            "reason": r["reason"],
            "rule": r.get("rule"),
        }
        for r in landed.get("refusals", [])
    ]
    if landed.get("collected") == "at_checkout":
        problems += [
            {
                "line": u.get("line"),
                "hs_code": u.get("hs_code"),
                "reason": str(_unknown_rate_problem(str(u.get("kind")))),
                "rule": None,
            }
            for u in landed.get("unknown_rates", [])
        ]
    return problems


# The charge kinds of ``unknown_rates`` as the problem sentence names them (lower case).
CHARGE_WORDS = {
    "duty": message("duty"),
    "vat": message("vat"),
    "gst": message("gst"),
    "hst": message("hst"),
    "igst": message("igst"),
    "icms": message("icms"),
    "sales_tax": message("sales_tax"),
    "consumption_tax": message("consumption_tax"),
    "postal_article_tax": message("postal_article_tax"),
    "global_rate": message("global_rate"),
    "fee": message("fee"),  # a parcel-level fee whose amount ehub does not know
}


def _unknown_rate_problem(kind: str) -> Message:
    return message(
        "ehub does not know the {kind} rate for this item, and import charges for this "
        "destination are collected at checkout",
        kind=CHARGE_WORDS.get(kind) or kind,
    )


def parcel_problem_messages(landed: dict[str, Any]) -> list[Message]:
    """``parcel_problems``' reasons as messages the pages translate (refusal reasons are texts
    from the rule files)."""
    found = [message("{reason}", reason=DataText(r["reason"])) for r in landed.get("refusals", [])]
    if landed.get("collected") == "at_checkout":
        found += [
            _unknown_rate_problem(str(u.get("kind"))) for u in landed.get("unknown_rates", [])
        ]
    return found


# Which optional address fields a destination needs: the region (state, province) where the tax or
# the carrier depends on it (CA's provincial taxes at the border, US states, CN provinces, ...);
# a postal code wherever the country has postal codes (customs' list of those that have none).
REGION_REQUIRED = frozenset({"CN", "US", "CA", "AU", "MY", "JP"})


@dataclass(frozen=True, slots=True)
class AddressFormat:
    region_required: bool
    postal_code_required: bool
    identity_required: bool  # the buyer's name and resident ID (customs' IDENTITY_REQUIRED)


def address_format(country: str) -> AddressFormat:
    from ehub.customs.clearance_domain import IDENTITY_REQUIRED, NO_POSTAL_CODE

    country = country.upper()
    return AddressFormat(
        region_required=country in REGION_REQUIRED,
        postal_code_required=country not in NO_POSTAL_CODE,
        identity_required=country in IDENTITY_REQUIRED,
    )


# A shipping address as the quote and the order keep it (and as the API shows it).
ADDRESS_FIELDS = (
    "recipient_name",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "phone",
)


def address_out(holder: object) -> dict[str, str | None]:
    """The address fields of a quote or order, blanks as ``None``."""
    return {name: getattr(holder, name) or None for name in ADDRESS_FIELDS}
