from __future__ import annotations

from ninja import Schema


class PriceOut(Schema):
    amount: str
    currency: str
    formatted: str


class SearchSellerOut(Schema):
    slug: str
    display_name: str
    country: str


class SearchHitOut(Schema):
    id: int
    handle: str
    title: str
    language: str  # the language ``title`` is in (the requested one, or a fallback)
    category: str | None
    origin_country: str
    seller: SearchSellerOut
    price: PriceOut | None  # lowest variant price in the market's currency; None without a rate
    seller_price: PriceOut
    in_stock: bool
    image: str | None


class SuggestionOut(Schema):
    q: str
    count: int


class CategorySuggestionOut(Schema):
    slug: str
    name: str
    count: int


class SearchPageOut(Schema):
    q: str
    language: str
    market: str | None
    currency: str | None
    sort: str
    page: int
    size: int
    total: int
    total_exact: bool  # False: at least ``total`` match (counting stops at 10,000)
    pages: int
    items: list[SearchHitOut]
    suggestions: list[SuggestionOut]  # only when nothing was found: queries that do find something
    categories: list[CategorySuggestionOut]  # only when nothing was found: the biggest categories
