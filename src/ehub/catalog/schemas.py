from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema

from ehub.core.schemas import MoneyOut


class TranslationIn(Schema):
    title: str
    description: str = ""


class VariantIn(Schema):
    sku: str
    price: str
    weight_grams: int
    stock_quantity: int = 0
    option: dict[str, str] = {}
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None


class ProductIn(Schema):
    handle: str
    hs_code: str
    origin_country: str | None = None
    category: str | None = None
    status: str = "active"
    vendor: str = ""
    translations: dict[str, TranslationIn]
    media: list[str] = []
    variants: list[VariantIn]


class VariantPatch(Schema):
    sku: str
    price: str | None = None
    weight_grams: int | None = None
    stock_quantity: int | None = None
    option: dict[str, str] | None = None
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None


class ProductPatch(Schema):
    handle: str | None = None
    hs_code: str | None = None
    origin_country: str | None = None
    category: str | None = None
    status: str | None = None
    vendor: str | None = None
    translations: dict[str, TranslationIn] | None = None
    media: list[str] | None = None
    variants: list[VariantPatch] | None = None

    def changes(self) -> dict[str, Any]:
        data = self.dict(exclude_unset=True)
        if "variants" in data and data["variants"] is not None:
            data["variants"] = [
                {k: v for k, v in variant.items() if v is not None} for variant in data["variants"]
            ]
        return data


class PriceOut(MoneyOut):
    """A price with its display form for the buyer's language (Babel)."""

    formatted: str


class VariantOut(Schema):
    id: int
    sku: str
    option: dict[str, str]
    price: PriceOut
    weight_grams: int
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    stock_quantity: int


class ProductOut(Schema):
    id: int
    handle: str
    hs_code: str
    origin_country: str
    category: str | None
    status: str
    vendor: str
    translations: dict[str, TranslationIn]
    media: list[str]
    variants: list[VariantOut]
    created_at: dt.datetime
    updated_at: dt.datetime


class ProductPageOut(Schema):
    count: int
    items: list[ProductOut]


class CategoryOut(Schema):
    slug: str
    parent: str | None
    name: str
    names: dict[str, str]


class PublicSellerOut(Schema):
    slug: str
    display_name: str
    country: str
    region: str


class PublicVariantOut(Schema):
    id: int
    sku: str
    option: str
    seller_price: PriceOut
    price: PriceOut | None
    weight_grams: int
    in_stock: bool


class PublicProductOut(Schema):
    id: int
    handle: str
    title: str
    description: str
    language: str
    hs_code: str
    origin_country: str
    category: str | None
    seller: PublicSellerOut
    media: list[str]
    variants: list[PublicVariantOut]


class PublicProductPageOut(Schema):
    market: str
    currency: str
    language: str
    count: int
    items: list[PublicProductOut]
