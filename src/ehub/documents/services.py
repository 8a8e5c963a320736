"""The documents' public functions: data (JSON form) and PDF of a parcel's trade documents.

``document_data(kind=..., parcel=...)`` → dict; ``document_render(kind=..., parcel=...)`` → PDF
bytes; ``manifest_data(manifest=...)`` / ``manifest_pdf(manifest=...)`` for a consolidation
manifest. Kinds: label, commercial_invoice, packing_list, cn23 (an unknown kind is a 404
``unknown_document_kind``). Rendering reads only; nothing is written.
"""

from __future__ import annotations

from typing import Any

from django.utils.safestring import mark_safe

from ehub.documents import code128, rendering
from ehub.documents.domain import DocumentKind, document_kind
from ehub.documents.manifests import manifest_data
from ehub.documents.selectors import BUILDERS, parcel_queryset
from ehub.orders.models import OrderParcel

TEMPLATES = {
    DocumentKind.LABEL: "label.html",
    DocumentKind.COMMERCIAL_INVOICE: "commercial_invoice.html",
    DocumentKind.PACKING_LIST: "packing_list.html",
    DocumentKind.CN23: "cn23.html",
}

TITLES = {
    DocumentKind.LABEL: "Shipping label",
    DocumentKind.COMMERCIAL_INVOICE: "Commercial invoice",
    DocumentKind.PACKING_LIST: "Packing list",
    DocumentKind.CN23: "Customs declaration CN 23",
}


def _loaded(parcel: OrderParcel) -> OrderParcel:
    """The parcel with its order, seller, lines and translations in as few queries as can be."""
    loaded: OrderParcel = parcel_queryset().get(pk=parcel.pk)
    return loaded


def document_data(*, kind: str, parcel: OrderParcel) -> dict[str, Any]:
    """The document's data: plain JSON types, stable keys (what the PDF prints)."""
    return BUILDERS[document_kind(kind)](_loaded(parcel))


def document_html(*, kind: str, parcel: OrderParcel) -> str:
    checked = document_kind(kind)
    data = BUILDERS[checked](_loaded(parcel))
    context: dict[str, Any] = {"doc": data, "title": TITLES[checked]}
    if checked == DocumentKind.LABEL:
        context["barcode_svg"] = mark_safe(code128.svg(data["parcel_code"]))  # noqa: S308 - our own markup, text checked to be printable ASCII and attribute-quoted
    return rendering.html_render(template=TEMPLATES[checked], context=context)


def document_render(*, kind: str, parcel: OrderParcel) -> bytes:
    """The document as a PDF (label 100 × 150 mm, the others A4)."""
    return rendering.pdf_from_html(document_html(kind=kind, parcel=parcel))


def manifest_pdf(*, manifest: Any) -> bytes:
    """A consolidation manifest (master waybill, its parcels, totals) as an A4 PDF."""
    data = manifest_data(manifest=manifest)
    return rendering.pdf_render(
        template="manifest.html", context={"doc": data, "title": "Consolidation manifest"}
    )


__all__ = ["document_data", "document_html", "document_render", "manifest_data", "manifest_pdf"]
