"""The HTTP API under /api/v1/: one NinjaAPI, a router per domain, one error shape."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from ehub.core.errors import CoreErrorCode, DomainError

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="ehub API",
    version="1",
    description=(
        "Cross-border commerce hub: markets and FX, HS nomenclature, sellers, catalog, "
        "landed cost. Errors always have the shape {code, message, detail}."
    ),
    urls_namespace="api-v1",
)


def error_body(code: str, message: str, detail: object = None) -> dict[str, object]:
    return {"code": code, "message": message, "detail": detail}


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _field_path(location: list[object] | tuple[object, ...]) -> str | None:
    """``("body", "body", "variants", 0, "sku")`` → ``variants[0].sku``, the notation the domain
    errors use too."""
    parts = list(location)
    while parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        parts.pop(0)
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or None


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": _field_path(err.get("loc", [])),
            "message": err.get("msg"),
            "type": err.get("type"),
        }
        for err in exc.errors
    ]
    first = errors[0] if errors else {"field": None, "message": "invalid input"}
    message = f"{first['field']}: {first['message']}" if first["field"] else str(first["message"])
    return api.create_response(
        request, error_body(CoreErrorCode.INVALID_INPUT, message, errors), status=422
    )


@api.exception_handler(AuthenticationError)
def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        error_body(
            CoreErrorCode.NOT_AUTHENTICATED,
            "sign in, or send a seller API key (Authorization: Bearer ehub_sk_...)",
        ),
        status=401,
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {403: CoreErrorCode.PERMISSION_DENIED, 404: CoreErrorCode.NOT_FOUND}.get(
        exc.status_code, CoreErrorCode.INVALID_INPUT
    )
    return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request, error_body(CoreErrorCode.NOT_FOUND, str(exc) or "not found"), status=404
    )


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unexpected error in %s %s", request.method, request.path)
    return api.create_response(
        request,
        error_body("internal_error", "something went wrong on our side; it has been logged"),
        status=500,
    )


def api_path_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Unknown paths under /api/ answer in the API's error shape, not Django's HTML page."""
    return JsonResponse(
        error_body(CoreErrorCode.NOT_FOUND, f"no API endpoint at {request.path}"), status=404
    )


def _register_routers() -> None:
    from ehub.accounts.api import router as accounts_router
    from ehub.catalog.api import public_router as catalog_router
    from ehub.catalog.api import seller_products_router
    from ehub.checkout.api import router as checkout_router
    from ehub.customs.api import router as customs_router
    from ehub.customs.clearance_api import router as customs_clearance_router
    from ehub.documents.api import buyer_router as documents_buyer_router
    from ehub.documents.api import hub_router as documents_hub_router
    from ehub.documents.api import seller_router as documents_seller_router
    from ehub.ledger.api import router as ledger_router
    from ehub.logistics.api import hub_router as logistics_hub_router
    from ehub.logistics.api import router as logistics_router
    from ehub.logistics.api import seller_router as logistics_seller_router
    from ehub.logistics.api import tracking_router as logistics_tracking_router
    from ehub.markets.api import router as markets_router
    from ehub.orders.api import router as orders_router
    from ehub.payments.api import router as payments_router
    from ehub.search.api import router as search_router
    from ehub.sellers.api import router as sellers_router

    api.add_router("/", accounts_router)
    api.add_router("/", markets_router)
    api.add_router("/", customs_router)
    api.add_router("/", customs_clearance_router)
    api.add_router("/", sellers_router)
    api.add_router("/", seller_products_router)
    api.add_router("/", catalog_router)
    api.add_router("/", search_router)
    api.add_router("/", ledger_router)
    api.add_router("/", payments_router)
    api.add_router("/", checkout_router)
    api.add_router("/", orders_router)
    api.add_router("/", logistics_router)
    api.add_router("/", logistics_seller_router)
    api.add_router("/", logistics_hub_router)
    api.add_router("/", logistics_tracking_router)
    api.add_router("/", documents_seller_router)
    api.add_router("/", documents_hub_router)
    api.add_router("/", documents_buyer_router)


_register_routers()
