"""Logistics over HTTP. Four routers, mounted by ``ehub.api`` with ``api.add_router("/", ...)``:

- ``router``: the network (public) and carriers' signed webhooks (the signature authenticates);
- ``seller_router``: a seller's own parcels (session or seller API key): handover, returns;
- ``hub_router``: hub operations, for hub operators only (403 for anyone else);
- ``tracking_router``: a buyer's tracking timeline (owner only; 404 for anybody else).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from ehub.accounts.models import Role, User
from ehub.core.auth import session_auth, session_or_key
from ehub.core.errors import CoreErrorCode, DomainError
from ehub.logistics.errors import LogisticsErrorCode
from ehub.logistics.schemas import (
    HubOut,
    ManifestIn,
    ManifestOut,
    ManifestParcelsIn,
    NoteIn,
    ParcelOut,
    ReasonIn,
    ReturnedIn,
    RouteOut,
    ScanIn,
    TrackingOut,
    WebhookOut,
    hub_out,
    manifest_out,
    parcel_out,
    route_out,
    tracking_event_out,
)
from ehub.logistics.selectors import (
    hub_exceptions,
    hub_list,
    manifest_get,
    manifest_list,
    parcels_for_seller,
    route_list,
    tracking_for_buyer,
)
from ehub.logistics.services import (
    carrier_handle_webhook,
    manifest_add_parcels,
    manifest_close,
    manifest_create,
    manifest_depart,
    manifest_export_csv,
    manifest_export_rows,
    manifest_remove_parcel,
    parcel_by_code,
    parcel_customs_retry,
    parcel_for_seller,
    parcel_hand_over,
    parcel_hub_return,
    parcel_redeliver,
    parcel_returned,
    parcel_scan_in,
    parcel_weight_accept,
)
from ehub.sellers.api import acting_user, current_seller

router = Router(tags=["logistics"])
seller_router = Router(tags=["seller parcels"], auth=session_or_key)
hub_router = Router(tags=["hub operations"], auth=session_auth)
tracking_router = Router(tags=["orders"], auth=session_auth)


# -- the network and carriers ----------------------------------------------------------------------
@router.get("/logistics/hubs", response=list[HubOut], summary="The network's hubs")
def hubs(request: HttpRequest) -> list[HubOut]:
    return [hub_out(hub) for hub in hub_list()]


@router.get(
    "/logistics/routes",
    response=list[RouteOut],
    summary="Routes (seller country → origin hub → destination) with rate bands and transit days",
)
def routes(
    request: HttpRequest,
    origin: str | None = Query(None, alias="from", max_length=2),
    destination: str | None = Query(None, alias="to", max_length=2),
) -> list[RouteOut]:
    return [route_out(route) for route in route_list(origin=origin, destination=destination)]


@router.post(
    "/logistics/carriers/{carrier}/webhook",
    response={200: WebhookOut},
    auth=None,
    summary="A carrier's signed tracking webhook (Ehub-Signature: t=<unix>,v1=<HMAC-SHA256>)",
    description=(
        "No session or key: the signature is the authentication. 200 with verdict accepted or "
        "duplicate (the same event id again changes nothing); 400 for a bad signature, a "
        "replayed (stale) timestamp or a malformed body; 404 for an unknown carrier or "
        "waybill. Every webhook is recorded, whatever the answer. See docs/logistics.md."
    ),
)
def carrier_webhook(request: HttpRequest, carrier: str) -> WebhookOut:
    verdict = carrier_handle_webhook(
        carrier=carrier, headers=dict(request.headers), body=request.body
    )
    return WebhookOut(verdict=str(verdict))


# -- the seller's parcels --------------------------------------------------------------------------
@seller_router.get("/seller/parcels", response=list[ParcelOut], summary="The seller's parcels")
def seller_parcels(request: HttpRequest, status: str | None = None) -> list[ParcelOut]:
    return [
        parcel_out(p) for p in parcels_for_seller(seller=current_seller(request), status=status)
    ]


@seller_router.get(
    "/seller/parcels/{code}", response=ParcelOut, summary="One of the seller's parcels"
)
def seller_parcel(request: HttpRequest, code: str) -> ParcelOut:
    return parcel_out(parcel_for_seller(seller=current_seller(request), code=code))


@seller_router.post(
    "/seller/parcels/{code}/handover",
    response=ParcelOut,
    summary="Mark the parcel handed over to its origin hub",
)
def seller_parcel_handover(request: HttpRequest, code: str) -> ParcelOut:
    return parcel_out(
        parcel_hand_over(seller=current_seller(request), code=code, actor=acting_user(request))
    )


@seller_router.post(
    "/seller/parcels/{code}/returned",
    response=ParcelOut,
    summary="The returning parcel is back with the seller; restock its goods or not",
)
def seller_parcel_returned(
    request: HttpRequest, code: str, body: ReturnedIn | None = None
) -> ParcelOut:
    seller = current_seller(request)  # who may ask comes before what they asked
    if body is None or body.restock is None:
        raise DomainError(
            CoreErrorCode.INVALID_INPUT,
            'say whether to restock the goods: {"restock": true} or {"restock": false}',
            {"field": "restock"},
            status=422,
        )
    return parcel_out(
        parcel_returned(seller=seller, code=code, restock=body.restock, actor=acting_user(request))
    )


# -- hub operations --------------------------------------------------------------------------------
def hub_operator(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User) or user.role != Role.HUB_OPERATOR:
        raise DomainError(
            LogisticsErrorCode.NOT_HUB_OPERATOR, "only hub operators may do this", status=403
        )
    return user


@hub_router.post("/hub/parcels/scan", response=ParcelOut, summary="Scan a parcel in and weigh it")
def hub_scan(request: HttpRequest, body: ScanIn) -> ParcelOut:
    user = hub_operator(request)
    return parcel_out(
        parcel_scan_in(
            code=body.code, weight_grams=body.weight_grams, hub_code=body.hub, actor=user
        )
    )


@hub_router.get("/hub/parcels/{code}", response=ParcelOut, summary="One parcel by its label code")
def hub_parcel(request: HttpRequest, code: str) -> ParcelOut:
    hub_operator(request)
    return parcel_out(parcel_by_code(code))


@hub_router.post(
    "/hub/parcels/{code}/accept-weight",
    response=ParcelOut,
    summary="Accept a flagged weight (with a note)",
)
def hub_accept_weight(request: HttpRequest, code: str, body: NoteIn) -> ParcelOut:
    user = hub_operator(request)
    return parcel_out(parcel_weight_accept(code=code, note=body.note, actor=user))


@hub_router.post(
    "/hub/parcels/{code}/redeliver",
    response=ParcelOut,
    summary="Book another delivery attempt after a failed one",
)
def hub_redeliver(request: HttpRequest, code: str) -> ParcelOut:
    user = hub_operator(request)
    return parcel_out(parcel_redeliver(code=code, actor=user))


@hub_router.post(
    "/hub/parcels/{code}/return",
    response=ParcelOut,
    summary="Send a held or undeliverable parcel back to its seller (the buyer is refunded)",
)
def hub_return(request: HttpRequest, code: str, body: ReasonIn) -> ParcelOut:
    user = hub_operator(request)
    return parcel_out(parcel_hub_return(code=code, reason=body.reason, actor=user))


@hub_router.post(
    "/hub/parcels/{code}/declare-again",
    response=ParcelOut,
    summary="Declare a parcel held for an incomplete declaration again, once the data is fixed",
)
def hub_declare_again(request: HttpRequest, code: str) -> ParcelOut:
    user = hub_operator(request)
    return parcel_out(parcel_customs_retry(code=code, actor=user))


@hub_router.get(
    "/hub/exceptions",
    response=list[ParcelOut],
    summary="Parcels needing a person: weight flagged, held by customs, delivery failed",
)
def hub_exception_list(request: HttpRequest, hub: str | None = None) -> list[ParcelOut]:
    hub_operator(request)
    return [parcel_out(p) for p in hub_exceptions(hub_code=hub)]


@hub_router.get("/hub/manifests", response=list[ManifestOut], summary="Manifests")
def hub_manifests(
    request: HttpRequest, hub: str | None = None, status: str | None = None
) -> list[ManifestOut]:
    hub_operator(request)
    return [manifest_out(m) for m in manifest_list(hub_code=hub, status=status)]


@hub_router.post(
    "/hub/manifests", response={201: ManifestOut}, summary="Open a manifest (master waybill)"
)
def hub_manifest_create(request: HttpRequest, body: ManifestIn) -> Status:
    user = hub_operator(request)
    manifest = manifest_create(
        hub_code=body.hub, destination_country=body.destination_country, actor=user
    )
    return Status(201, manifest_out(manifest))


@hub_router.get("/hub/manifests/{manifest_id}", response=ManifestOut, summary="One manifest")
def hub_manifest(request: HttpRequest, manifest_id: int) -> ManifestOut:
    hub_operator(request)
    return manifest_out(manifest_get(manifest_id=manifest_id))


@hub_router.post(
    "/hub/manifests/{manifest_id}/parcels",
    response=ManifestOut,
    summary="Add received parcels to an open manifest (all or nothing)",
)
def hub_manifest_add(
    request: HttpRequest, manifest_id: int, body: ManifestParcelsIn
) -> ManifestOut:
    user = hub_operator(request)
    manifest = manifest_get(manifest_id=manifest_id)
    return manifest_out(manifest_add_parcels(manifest=manifest, codes=body.codes, actor=user))


@hub_router.delete(
    "/hub/manifests/{manifest_id}/parcels/{code}",
    response=ManifestOut,
    summary="Take a parcel off an open manifest",
)
def hub_manifest_remove(request: HttpRequest, manifest_id: int, code: str) -> ManifestOut:
    user = hub_operator(request)
    manifest = manifest_get(manifest_id=manifest_id)
    return manifest_out(manifest_remove_parcel(manifest=manifest, code=code, actor=user))


@hub_router.post(
    "/hub/manifests/{manifest_id}/close", response=ManifestOut, summary="Close (seal) a manifest"
)
def hub_manifest_close(request: HttpRequest, manifest_id: int) -> ManifestOut:
    user = hub_operator(request)
    return manifest_out(manifest_close(manifest=manifest_get(manifest_id=manifest_id), actor=user))


@hub_router.post(
    "/hub/manifests/{manifest_id}/depart",
    response=ManifestOut,
    summary="Depart a closed manifest: customs declarations are submitted for its parcels",
)
def hub_manifest_depart(request: HttpRequest, manifest_id: int) -> ManifestOut:
    user = hub_operator(request)
    return manifest_out(manifest_depart(manifest=manifest_get(manifest_id=manifest_id), actor=user))


@hub_router.get(
    "/hub/manifests/{manifest_id}/export",
    summary="The manifest as CSV (?format=csv, default) or JSON (?format=json)",
)
def hub_manifest_export(
    request: HttpRequest, manifest_id: int, format: str = "csv"
) -> HttpResponse:
    hub_operator(request)
    manifest = manifest_get(manifest_id=manifest_id)
    if format == "json":
        from django.http import JsonResponse

        return JsonResponse(
            {
                "master_waybill": manifest.waybill,
                "origin_hub": manifest.origin_hub.code,
                "destination_country": manifest.destination_country,
                "status": manifest.status,
                "parcels": manifest_export_rows(manifest=manifest),
            },
            json_dumps_params={"ensure_ascii": False},
        )
    if format != "csv":
        raise DomainError(
            LogisticsErrorCode.INVALID_INPUT,
            "format is csv or json",
            {"field": "format"},
            status=422,
        )
    response = HttpResponse(
        manifest_export_csv(manifest=manifest), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="manifest-{manifest.waybill}.csv"'
    return response


# -- buyer tracking --------------------------------------------------------------------------------
@tracking_router.get(
    "/orders/{order_id}/tracking",
    response=TrackingOut,
    summary="The order's tracking timeline: every event with time, place and status",
)
def order_tracking(request: HttpRequest, order_id: int) -> TrackingOut:
    order, events = tracking_for_buyer(buyer=getattr(request, "auth", None), order_id=order_id)
    from ehub.logistics.models import Parcel

    parcels = Parcel.objects.filter(order_parcel__order=order).select_related(
        "order_parcel", "origin_hub", "manifest"
    )
    return TrackingOut(
        order_id=order.pk,
        order_status=order.status,
        parcels=[parcel_out(p) for p in parcels.order_by("code")],
        events=[tracking_event_out(e) for e in events],
    )
