"""A consolidation manifest's data: master waybill, origin hub, destination, one row per parcel
and the totals. Reads the logistics Manifest (``waybill``, ``origin_hub``,
``destination_country``, ``status``, ``parcels`` → each with its ``order_parcel``)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ehub.documents import domain


def _hub(hub: Any) -> dict[str, Any] | None:
    if hub is None:
        return None
    return {
        "code": hub.code,
        "name": hub.name,
        "city": hub.city,
        "country": hub.country,
        "address": getattr(hub, "address", ""),
    }


def _date(value: Any) -> str | None:
    return value.date().isoformat() if value else None


def manifest_data(*, manifest: Any) -> dict[str, Any]:
    rows = []
    totals_minor: dict[str, int] = defaultdict(int)
    total_weight = 0
    parcels = sorted(manifest.parcels.all(), key=lambda p: p.code)
    for physical in parcels:
        parcel = physical.order_parcel
        order = parcel.order
        weight = physical.measured_weight_grams or physical.declared_weight_grams
        total_weight += weight
        totals_minor[order.currency] += parcel.goods_minor
        rows.append(
            {
                "parcel_code": physical.code,
                "order_reference": order.reference,
                "consignee": order.recipient_name or order.buyer_name,
                "city": order.city,
                "country": order.country,
                "seller": parcel.seller.display_name,
                "hs_codes": sorted({line.hs_code for line in parcel.lines.all()}),
                "declared_value": domain.money_json(parcel.goods_minor, order.currency),
                "weight_grams": weight,
                "weight_kg": domain.kilograms(weight),
                "incoterm": domain.incoterm_for(parcel.collected),
                "carrier_waybill": getattr(physical, "carrier_waybill", "") or None,
            }
        )
    return {
        "kind": "manifest",
        "master_waybill": manifest.waybill,
        "status": str(manifest.status),
        "origin_hub": _hub(manifest.origin_hub),
        "destination_country": manifest.destination_country,
        "destination_country_name": domain.country_name(manifest.destination_country),
        "created": _date(manifest.created_at),
        "closed": _date(getattr(manifest, "closed_at", None)),
        "departed": _date(getattr(manifest, "departed_at", None)),
        "parcels": rows,
        "parcel_count": len(rows),
        "total_weight_grams": total_weight,
        "total_weight_kg": domain.kilograms(total_weight),
        "total_declared_value": [
            domain.money_json(minor, currency) for currency, minor in sorted(totals_minor.items())
        ],
    }
