"""Trade documents over HTTP: PDF and JSON of a parcel's label, commercial invoice, packing list
and CN23, a manifest's PDF, and the buyer's own commercial invoice.

- ``/seller/parcels/{code}/documents/{kind}.pdf|.json``: the parcel's seller (staff session or
  API key); another seller's parcel is 404, as if it did not exist. Hub operators and platform
  admins may fetch any parcel's documents.
- ``/hub/manifests/{manifest_id}/documents/manifest.pdf|.json``: hub operators, platform admins.
- ``/orders/{order_id}/parcels/{number}/invoice.pdf``: the buyer who placed the order.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router

from ehub.accounts.models import Role, User
from ehub.core.auth import session_auth, session_or_key
from ehub.core.errors import NotFound, PermissionDenied
from ehub.documents.domain import DocumentKind, document_kind
from ehub.documents.errors import DocumentsErrorCode
from ehub.documents.manifests import manifest_data
from ehub.documents.selectors import parcel_get_by_code, parcel_get_for_buyer
from ehub.documents.services import document_data, document_render, manifest_pdf
from ehub.orders.models import OrderParcel
from ehub.sellers.api import current_seller

seller_router = Router(tags=["documents"], auth=session_or_key)
hub_router = Router(tags=["documents"], auth=session_auth)
buyer_router = Router(tags=["documents"], auth=session_auth)


def _is_operator(auth: Any) -> bool:
    return isinstance(auth, User) and (
        auth.role in (Role.HUB_OPERATOR, Role.PLATFORM_ADMIN) or auth.is_superuser
    )


def _parcel_for_caller(
    request: HttpRequest, code: str, kind: str
) -> tuple[OrderParcel, DocumentKind]:
    """Hub operators and platform admins: any parcel. Everybody else must act for a seller
    (buyers get 403 ``not_seller_staff``, before anything else is looked at) and sees only that
    seller's parcels: another seller's parcel is 404, like one that does not exist."""
    seller = None if _is_operator(request.auth) else current_seller(request)
    checked = document_kind(kind)
    parcel = parcel_get_by_code(code=code)
    if seller is not None and parcel.seller_id != seller.pk:
        raise NotFound(f"no parcel {code}", code=DocumentsErrorCode.PARCEL_NOT_FOUND)
    return parcel, checked


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def json_response(data: dict[str, Any]) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@seller_router.get(
    "/seller/parcels/{code}/documents/{kind}.pdf",
    summary="A parcel's document as PDF (label, commercial_invoice, packing_list, cn23)",
)
def parcel_document_pdf(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    parcel, checked = _parcel_for_caller(request, code, kind)
    return pdf_response(document_render(kind=checked, parcel=parcel), f"{parcel.code}-{kind}.pdf")


@seller_router.get(
    "/seller/parcels/{code}/documents/{kind}.json",
    summary="A parcel's document data (what the PDF prints) as JSON",
)
def parcel_document_json(request: HttpRequest, code: str, kind: str) -> JsonResponse:
    parcel, checked = _parcel_for_caller(request, code, kind)
    return json_response(document_data(kind=checked, parcel=parcel))


def _manifest(request: HttpRequest, manifest_id: int) -> Any:
    if not _is_operator(request.auth):
        raise PermissionDenied("only hub operators and platform admins may read manifests")
    from ehub.logistics.models import Manifest

    manifest = (
        Manifest.objects.select_related("origin_hub")
        .prefetch_related(
            "parcels__order_parcel__order",
            "parcels__order_parcel__seller",
            "parcels__order_parcel__lines",
        )
        .filter(pk=manifest_id)
        .first()
    )
    if manifest is None:
        raise NotFound(f"no manifest {manifest_id}")
    return manifest


@hub_router.get(
    "/hub/manifests/{manifest_id}/documents/manifest.pdf",
    summary="A consolidation manifest as PDF (hub operators, platform admins)",
)
def hub_manifest_pdf(request: HttpRequest, manifest_id: int) -> HttpResponse:
    manifest = _manifest(request, manifest_id)
    return pdf_response(manifest_pdf(manifest=manifest), f"manifest-{manifest.waybill}.pdf")


@hub_router.get(
    "/hub/manifests/{manifest_id}/documents/manifest.json",
    summary="A consolidation manifest's data as JSON (hub operators, platform admins)",
)
def hub_manifest_json(request: HttpRequest, manifest_id: int) -> JsonResponse:
    return json_response(manifest_data(manifest=_manifest(request, manifest_id)))


@buyer_router.get(
    "/orders/{order_id}/parcels/{number}/invoice.pdf",
    summary="The commercial invoice of a parcel of the buyer's own order",
)
def buyer_invoice_pdf(request: HttpRequest, order_id: int, number: int) -> HttpResponse:
    parcel = parcel_get_for_buyer(buyer=request.auth, order_id=order_id, number=number)
    pdf = document_render(kind=DocumentKind.COMMERCIAL_INVOICE, parcel=parcel)
    return pdf_response(pdf, f"{parcel.code}-commercial_invoice.pdf")
