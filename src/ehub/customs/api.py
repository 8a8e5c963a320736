from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import Router

from ehub.core.errors import CoreErrorCode, DomainError, NotFound
from ehub.customs.contract import EXAMPLE_REQUEST, EXPLANATION_MESSAGE_SCHEMA
from ehub.customs.errors import CustomsErrorCode
from ehub.customs.models import HsCode
from ehub.customs.nomenclature import hs_search
from ehub.customs.quoting import landed_cost_for_payload
from ehub.customs.schemas import HsCodeOut

router = Router(tags=["customs"])


def hs_out(code: HsCode) -> HsCodeOut:
    return HsCodeOut(
        code=code.code,
        level=code.level,
        description=code.description,
        parent_code=code.parent_code,
        section=code.section.numeral if code.section else None,
    )


@router.get(
    "/hs",
    response=list[HsCodeOut],
    summary="Find HS codes by words (all must match) or by code prefix",
)
def hs_lookup(request: HttpRequest, q: str, limit: int = 20) -> list[HsCodeOut]:
    return [hs_out(c) for c in hs_search(text=q, limit=limit)]


@router.get("/hs/{code}", response=HsCodeOut)
def hs_detail(request: HttpRequest, code: str) -> HsCodeOut:
    found = HsCode.objects.select_related("section").filter(code=code.strip()).first()
    if found is None:
        raise NotFound(f"no HS code {code}", code=CustomsErrorCode.UNKNOWN_HS_CODE)
    return hs_out(found)


@router.post(
    "/landed-cost",
    summary="Duties, import taxes and fees for a parcel, per the rules in force on its date",
    description=(
        "The contract is documented in docs/landed-cost.md. Bad input gives a 4xx with "
        "{code, message, detail}."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"type": "object"},
                    "example": EXAMPLE_REQUEST,
                }
            },
        },
        "responses": {
            "200": {
                "description": "The quote (docs/landed-cost.md §1)",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "explanation": {
                                    "type": "array",
                                    "items": {"type": "string"},
                                    "description": "Why, in English sentences",
                                },
                                "explanation_messages": {
                                    "type": "array",
                                    "items": EXPLANATION_MESSAGE_SCHEMA,
                                    "description": "The same sentences as templates with "
                                    "typed parameters, for clients that translate them",
                                },
                            },
                        }
                    }
                },
            }
        },
    },
)
def landed_cost(request: HttpRequest) -> dict[str, Any]:
    try:
        payload = json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DomainError(
            CoreErrorCode.INVALID_INPUT, "the request body is not valid JSON", status=400
        ) from exc
    return landed_cost_for_payload(payload)
