"""Reads: the data of each trade document as a plain dict (the JSON form, stable keys).

Built from the order, its parcel and lines, the seller, the parcel's landed cost and, when they
exist, the customs declaration (ehub.customs) and the physical parcel / waybill
(ehub.logistics). Both are looked up through the app registry, so documents render before a
parcel reaches the hub or customs.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Prefetch

from ehub.catalog.models import ProductTranslation
from ehub.core.errors import NotFound
from ehub.documents import domain
from ehub.documents.domain import DocumentKind
from ehub.documents.errors import DocumentsErrorCode
from ehub.orders.domain import parcel_code_parse
from ehub.orders.models import Order, OrderLine, OrderParcel
from ehub.sellers.models import Seller


def parcel_get_by_code(*, code: str) -> OrderParcel:
    """The parcel with this code (``EHP000004201``): 422 when malformed, 404 when unknown."""
    order_id, number = parcel_code_parse(code)
    parcel = parcel_queryset().filter(order_id=order_id, number=number).first()
    if parcel is None:
        raise NotFound(f"no parcel {code}", code=DocumentsErrorCode.PARCEL_NOT_FOUND)
    return parcel


def parcel_get_for_buyer(*, buyer: Any, order_id: int, number: int) -> OrderParcel:
    """The buyer's own parcel; anybody else's is "not found"."""
    parcel = parcel_queryset().filter(order_id=order_id, number=number, order__buyer=buyer).first()
    if parcel is None:
        raise NotFound(
            f"no parcel {number} in order {order_id}", code=DocumentsErrorCode.PARCEL_NOT_FOUND
        )
    return parcel


def parcel_queryset() -> Any:
    translations = Prefetch(
        "variant__product__translations", queryset=ProductTranslation.objects.order_by("language")
    )
    lines = Prefetch(
        "lines",
        queryset=OrderLine.objects.select_related("variant__product")
        .prefetch_related(translations)
        .order_by("id"),
    )
    return OrderParcel.objects.select_related("order", "seller").prefetch_related(lines)


# -- the related records other teams own -----------------------------------------------------
def _model(app_label: str, name: str) -> Any:
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def customs_declaration(parcel: OrderParcel) -> Any:
    """The parcel's customs declaration (``customs.CustomsDeclaration``), if it has one."""
    model = _model("customs", "CustomsDeclaration")
    if model is None:
        return None
    return model.objects.filter(order_parcel=parcel).first()


def logistics_parcel(parcel: OrderParcel) -> Any:
    """The physical parcel (``logistics.Parcel``: carrier waybill, measured weight, manifest),
    if it has one."""
    model = _model("logistics", "Parcel")
    if model is None:
        return None
    return model.objects.select_related("manifest").filter(order_parcel=parcel).first()


def _first_attr(obj: Any, *names: str) -> Any:
    for name in names:
        value = getattr(obj, name, None) if obj is not None else None
        if value not in (None, ""):
            return value
    return None


def _registration(parcel: OrderParcel, declaration: Any) -> dict[str, str] | None:
    """The import-tax registration quoted (IOSS, UK VAT, ...): the declaration's if there is
    one, else the platform's registration for the destination when the taxes were collected at
    checkout, else none (the buyer pays at the border)."""
    if declaration is not None:
        quoted = (declaration.content or {}).get("registration") or {}
        if quoted.get("number"):
            return {"scheme": str(quoted.get("scheme") or ""), "number": str(quoted["number"])}
        return None
    if parcel.collected != "at_checkout":
        return None
    try:
        from ehub.customs.registrations import get_registrations
    except ImportError:  # pragma: no cover - customs registrations not installed
        return None
    found = get_registrations().for_destination(parcel.order.country, parcel.order.placed_at.date())
    return {"scheme": found.scheme, "number": found.number} if found else None


# -- parts -------------------------------------------------------------------------------------
def seller_party(seller: Seller) -> dict[str, Any]:
    return {
        "name": seller.legal_name,
        "trading_name": seller.display_name,
        "address_lines": domain.address_lines(seller.address_line1, seller.address_line2),
        "city": seller.city,
        "region": seller.region,
        "postal_code": seller.postal_code,
        "country": seller.country,
        "country_name": domain.country_name(seller.country),
        "phone": seller.contact_phone,
        "email": seller.contact_email,
        "registration_number": seller.registration_number,
    }


def recipient_party(order: Order) -> dict[str, Any]:
    return {
        "name": order.recipient_name or order.buyer_name,
        "address_lines": domain.address_lines(order.address_line1, order.address_line2),
        "city": order.city,
        "region": order.region,
        "postal_code": order.postal_code,
        "country": order.country,
        "country_name": domain.country_name(order.country),
        "phone": order.phone,
    }


def _lines(parcel: OrderParcel) -> list[dict[str, Any]]:
    currency = parcel.order.currency
    out = []
    for index, line in enumerate(parcel.lines.all(), start=1):
        product = line.variant.product
        translations = {t.language: t.title for t in product.translations.all()}
        unit_weight = line.variant.weight_grams
        out.append(
            {
                "line": index,
                "sku": line.sku,
                "description": line.title,
                "original_title": domain.original_title(
                    translations, origin_country=product.origin_country
                ),
                "hs_code": line.hs_code,
                "origin": line.origin,
                "origin_name": domain.country_name(line.origin),
                "quantity": line.quantity,
                "unit_value": domain.money_json(line.unit_price_minor, currency),
                "total_value": domain.money_json(line.line_total_minor, currency),
                "unit_weight_grams": unit_weight,
                "net_weight_grams": unit_weight * line.quantity,
            }
        )
    return out


def _common(parcel: OrderParcel) -> dict[str, Any]:
    order = parcel.order
    declaration = customs_declaration(parcel)
    physical = logistics_parcel(parcel)
    incoterm = _first_attr(declaration, "incoterm") or domain.incoterm_for(parcel.collected)
    lines = _lines(parcel)
    net = sum(line["net_weight_grams"] for line in lines)
    measured = _first_attr(physical, "measured_weight_grams")
    gross = int(measured) if measured else max(parcel.weight_grams, net)
    manifest = getattr(physical, "manifest", None) if physical is not None else None
    return {
        "parcel_code": parcel.code,
        "parcel_number": parcel.number,
        "parcels_in_order": order.parcels.count(),
        "order_reference": order.reference,
        "date": order.placed_at.date().isoformat(),
        "currency": order.currency,
        "incoterm": str(incoterm),
        "collected": parcel.collected,
        "registration": _registration(parcel, declaration),
        "waybill": _first_attr(physical, "carrier_waybill"),
        "master_waybill": _first_attr(manifest, "waybill") or _first_attr(declaration, "waybill"),
        "declaration_id": declaration.pk if declaration is not None else None,
        "seller": seller_party(parcel.seller),
        "recipient": recipient_party(order),
        "lines": lines,
        "net_weight_grams": net,
        "gross_weight_grams": gross,
    }


def _charges(parcel: OrderParcel) -> dict[str, int]:
    """Duties, taxes and fees the buyer paid at checkout (zero when paid at the border)."""
    if parcel.collected != "at_checkout":
        return {"duties": 0, "taxes": 0, "fees": 0, "total": 0}
    fees = parcel.import_charges_minor - parcel.duty_minor - parcel.tax_minor
    return {
        "duties": parcel.duty_minor,
        "taxes": parcel.tax_minor,
        "fees": fees,
        "total": parcel.import_charges_at_checkout_minor,
    }


# -- the documents -----------------------------------------------------------------------------
def label_data(parcel: OrderParcel) -> dict[str, Any]:
    common = _common(parcel)
    return {
        "kind": DocumentKind.LABEL.value,
        "parcel_code": common["parcel_code"],
        "barcode": {"symbology": "code128", "text": common["parcel_code"]},
        "order_reference": common["order_reference"],
        "parcel": f"{common['parcel_number']}/{common['parcels_in_order']}",
        "from": common["seller"],
        "to": common["recipient"],
        "destination_country": common["recipient"]["country"],
        "destination_country_name": common["recipient"]["country_name"],
        "weight_grams": common["gross_weight_grams"],
        "weight_kg": domain.kilograms(common["gross_weight_grams"]),
        "waybill": common["waybill"],
        "incoterm": common["incoterm"],
        "date": common["date"],
    }


def commercial_invoice_data(parcel: OrderParcel) -> dict[str, Any]:
    common = _common(parcel)
    currency = common["currency"]
    charges = _charges(parcel)
    total = parcel.goods_minor + parcel.shipping_minor + charges["total"]
    return {
        "kind": DocumentKind.COMMERCIAL_INVOICE.value,
        "invoice_number": domain.invoice_number(
            order_id=parcel.order_id, parcel_number=parcel.number
        ),
        "date": common["date"],
        "parcel_code": common["parcel_code"],
        "order_reference": common["order_reference"],
        "waybill": common["waybill"],
        "seller": common["seller"],
        "consignee": common["recipient"],
        "currency": currency,
        "lines": [
            {
                k: line[k]
                for k in (
                    "line",
                    "sku",
                    "description",
                    "original_title",
                    "hs_code",
                    "origin",
                    "origin_name",
                    "quantity",
                    "unit_value",
                    "total_value",
                )
            }
            for line in common["lines"]
        ],
        "subtotal": domain.money_json(parcel.goods_minor, currency),
        "shipping": domain.money_json(parcel.shipping_minor, currency),
        "duties_collected": domain.money_json(charges["duties"], currency),
        "taxes_collected": domain.money_json(charges["taxes"], currency),
        "fees_collected": domain.money_json(charges["fees"], currency),
        "import_charges_collected": domain.money_json(charges["total"], currency),
        "total": domain.money_json(total, currency),
        "incoterm": common["incoterm"],
        "collected": common["collected"],
        "registration": common["registration"],
        "reason_for_export": domain.REASON_FOR_EXPORT,
        "net_weight_grams": common["net_weight_grams"],
        "gross_weight_grams": common["gross_weight_grams"],
    }


def packing_list_data(parcel: OrderParcel) -> dict[str, Any]:
    common = _common(parcel)
    lines = [
        {
            k: line[k]
            for k in (
                "line", "sku", "description", "original_title", "quantity",
                "unit_weight_grams", "net_weight_grams",
            )
        }
        for line in common["lines"]
    ]  # fmt: skip
    return {
        "kind": DocumentKind.PACKING_LIST.value,
        "packing_list_number": domain.packing_list_number(
            order_id=parcel.order_id, parcel_number=parcel.number
        ),
        "invoice_number": domain.invoice_number(
            order_id=parcel.order_id, parcel_number=parcel.number
        ),
        "date": common["date"],
        "parcel_code": common["parcel_code"],
        "order_reference": common["order_reference"],
        "waybill": common["waybill"],
        "seller": common["seller"],
        "consignee": common["recipient"],
        "lines": lines,
        "parcel_count": 1,
        "total_quantity": sum(line["quantity"] for line in lines),
        "net_weight_grams": common["net_weight_grams"],
        "net_weight_kg": domain.kilograms(common["net_weight_grams"]),
        "gross_weight_grams": common["gross_weight_grams"],
        "gross_weight_kg": domain.kilograms(common["gross_weight_grams"]),
    }


def cn23_data(parcel: OrderParcel) -> dict[str, Any]:
    common = _common(parcel)
    currency = common["currency"]
    charges = _charges(parcel)
    registration = common["registration"]
    return {
        "kind": DocumentKind.CN23.value,
        "parcel_code": common["parcel_code"],
        "waybill": common["waybill"],
        "sender": common["seller"],
        "addressee": common["recipient"],
        "contents": [
            {
                "description": line["description"],
                "original_title": line["original_title"],
                "quantity": line["quantity"],
                "net_weight_grams": line["net_weight_grams"],
                "net_weight_kg": domain.kilograms(line["net_weight_grams"]),
                "value": line["total_value"],
                "hs_tariff_number": line["hs_code"],
                "country_of_origin": line["origin"],
            }
            for line in common["lines"]
        ],
        "category": domain.CN23_CATEGORY,
        "total_gross_weight_grams": common["gross_weight_grams"],
        "total_gross_weight_kg": domain.kilograms(common["gross_weight_grams"]),
        "total_value": domain.money_json(parcel.goods_minor, currency),
        "postal_charges": domain.money_json(parcel.shipping_minor, currency),
        "fees": domain.money_json(charges["total"], currency),
        "currency": currency,
        "incoterm": common["incoterm"],
        "importer_reference": registration["number"] if registration else None,
        "registration": registration,
        "invoice_number": domain.invoice_number(
            order_id=parcel.order_id, parcel_number=parcel.number
        ),
        "sender_certification": domain.SENDER_CERTIFICATION,
        "certified_by": common["seller"]["name"],
        "date": common["date"],
    }


BUILDERS = {
    DocumentKind.LABEL: label_data,
    DocumentKind.COMMERCIAL_INVOICE: commercial_invoice_data,
    DocumentKind.PACKING_LIST: packing_list_data,
    DocumentKind.CN23: cn23_data,
}
