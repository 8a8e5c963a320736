"""Keep the API's one error shape for errors raised outside ninja's handlers.

django-ninja answers a wrong HTTP method with an HTML 405, and Django itself answers some
failures (CSRF, oversized bodies, an unexpected server error) with HTML pages. Under ``/api/`` any
such error response is replaced by ``{"code", "message", "detail"}`` with the same status.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

CODES = {
    400: ("invalid_input", "the request could not be read"),
    403: ("permission_denied", "you may not do that"),
    404: ("not_found", "not found"),
    405: ("method_not_allowed", "this endpoint does not accept that HTTP method"),
    413: ("payload_too_large", "the request body is too large"),
    500: ("internal_error", "something went wrong on our side; it has been logged"),
}


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code, message = CODES.get(
                response.status_code,
                ("internal_error" if response.status_code >= 500 else "invalid_input", "error"),
            )
            if response.status_code == 405 and response.get("Allow"):
                message = f"{message}; allowed: {response['Allow']}"
            shaped = JsonResponse(
                {"code": code, "message": message, "detail": None}, status=response.status_code
            )
            if response.get("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response
