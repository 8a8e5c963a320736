from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from ehub.core.errors import NotFound
from ehub.customs.errors import CustomsErrorCode
from ehub.customs.models import HsCode
from ehub.customs.nomenclature import hs_search
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
