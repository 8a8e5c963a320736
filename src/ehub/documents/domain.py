"""Pure rules of the trade documents: kinds, numbering, incoterm, amounts and weights as text."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

import pycountry
from babel.languages import get_official_languages

from ehub.core.errors import NotFound
from ehub.core.money import Money
from ehub.documents.errors import DocumentsErrorCode


class DocumentKind(StrEnum):
    LABEL = "label"
    COMMERCIAL_INVOICE = "commercial_invoice"
    PACKING_LIST = "packing_list"
    CN23 = "cn23"


REASON_FOR_EXPORT = "sale of goods"
CN23_CATEGORY = "sale of goods"
SENDER_CERTIFICATION = (
    "I, the undersigned, certify that the particulars given in this customs declaration are "
    "correct and that this item does not contain any dangerous article or articles prohibited "
    "by legislation or by postal or customs regulations."
)


def document_kind(kind: str) -> DocumentKind:
    """``"cn23"`` → ``DocumentKind.CN23``; anything else is a 404 ``unknown_document_kind``."""
    try:
        return DocumentKind(kind)
    except ValueError:
        raise NotFound(
            f"no document kind {kind!r}",
            {"kinds": [k.value for k in DocumentKind]},
            code=DocumentsErrorCode.UNKNOWN_DOCUMENT_KIND,
        ) from None


def invoice_number(*, order_id: int, parcel_number: int) -> str:
    """One commercial invoice per parcel, numbered from the order and the parcel: stable, so a
    reprint carries the same number. ``INV-0000042-01``."""
    return f"INV-{order_id:07d}-{parcel_number:02d}"


def packing_list_number(*, order_id: int, parcel_number: int) -> str:
    return f"PL-{order_id:07d}-{parcel_number:02d}"


def incoterm_for(collected: str) -> str:
    """Duties and taxes collected at checkout: the seller's side pays them (DDP); otherwise the
    buyer pays them at the border (DAP)."""
    return "DDP" if collected == "at_checkout" else "DAP"


def money_json(minor: int, currency: str) -> dict[str, str]:
    """``{"amount": "78.00", "currency": "CNY"}``: the amount on the currency's minor unit, the
    text the PDF prints too."""
    return {
        "amount": str(Money.from_minor_units(minor, currency).quantize().amount),
        "currency": currency,
    }


def kilograms(grams: int) -> str:
    """``1250`` → ``"1.250"`` (exact, three decimals)."""
    return str((Decimal(grams) / 1000).quantize(Decimal("0.001")))


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if code else None
    return str(getattr(country, "common_name", None) or country.name) if country else code


def original_title(translations: dict[str, str], *, origin_country: str) -> str | None:
    """The product's title in its origin's language (the seller's own words, for customs in
    that language), when it differs from the English one: an official language of the origin
    country if there is a translation in it, else the first other translation."""
    english = translations.get("en")
    others = {lang: title for lang, title in sorted(translations.items()) if lang != "en"}
    if not others:
        return None
    official = get_official_languages(origin_country) if origin_country else ()
    chosen = None
    for language in official:
        chosen = next(
            (t for lang, t in others.items() if lang.split("-")[0].split("_")[0] == language),
            None,
        )
        if chosen:
            break
    chosen = chosen or next(iter(others.values()))
    return chosen if chosen and chosen != english else None


def address_lines(*parts: Any) -> list[str]:
    return [str(p) for p in parts if p]
