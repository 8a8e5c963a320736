from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from ehub.catalog.errors import CatalogErrorCode
from ehub.catalog.models import Category, Product, ProductStatus, ProductTranslation, Variant
from ehub.core import clock
from ehub.core.errors import NotFound
from ehub.core.fx import MissingRate, RateTable
from ehub.core.money import Money
from ehub.markets.models import Market
from ehub.markets.selectors import fx_rate_table_on
from ehub.sellers.models import Seller, VerificationStatus


def product_get_for_seller(*, seller: Seller, product_id: int) -> Product:
    product = _with_children(Product.objects.filter(seller=seller, pk=product_id)).first()
    if product is None:
        # Another seller's product is "not found" too: never confirm that it exists.
        raise NotFound("no such product", code=CatalogErrorCode.PRODUCT_NOT_FOUND)
    return product


def variant_get_for_product(*, product: Product, variant_id: int) -> Variant:
    """One of ``product``'s variants (from its prefetched ones), else a 404."""
    for variant in product.variants.all():
        if variant.pk == variant_id:
            return variant
    raise NotFound("no such variant", code=CatalogErrorCode.VARIANT_NOT_FOUND)


def _with_children(products: QuerySet[Product]) -> QuerySet[Product]:
    return products.select_related("category", "seller").prefetch_related(
        "translations",
        "media",
        Prefetch("variants", queryset=Variant.objects.order_by("position", "id")),
    )


def product_list_for_seller(
    *, seller: Seller, status: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[int, list[Product]]:
    products = Product.objects.filter(seller=seller)
    if status:
        products = products.filter(status=status)
    total = products.count()
    return total, list(_with_children(products.order_by("handle"))[offset : offset + limit])


def category_list() -> list[Category]:
    return list(Category.objects.select_related("parent"))


def translation_for(product: Product, language: str) -> ProductTranslation | None:
    """The product's text in ``language``, else its base language (zh-Hans-CN → zh-Hans → zh),
    else English, else any."""
    translations = {t.language: t for t in product.translations.all()}
    candidates = [language]
    parts = language.split("-")
    while len(parts) > 1:
        parts = parts[:-1]
        candidates.append("-".join(parts))
    candidates.append("en")
    for candidate in candidates:
        if candidate in translations:
            return translations[candidate]
    return next(iter(translations.values()), None)


@dataclass(frozen=True)
class MarketPrice:
    seller_price: Money
    market_price: Money | None  # None when no FX rate covers the pair today


def market_price(*, variant: Variant, market: Market, rates: RateTable) -> MarketPrice:
    seller_price = variant.price
    try:
        converted = rates.convert(seller_price, market.currency).quantize()
    except MissingRate:
        converted = None
    return MarketPrice(seller_price=seller_price, market_price=converted)


def public_products(
    *,
    category: str | None = None,
    origin_country: str | None = None,
    seller_slug: str | None = None,
    text: str | None = None,
) -> QuerySet[Product]:
    """Products a buyer may browse: active, from verified sellers."""
    products = Product.objects.filter(
        status=ProductStatus.ACTIVE, seller__verification_status=VerificationStatus.VERIFIED
    )
    if category:
        products = products.filter(Q(category__slug=category) | Q(category__parent__slug=category))
    if origin_country:
        products = products.filter(origin_country=origin_country.upper())
    if seller_slug:
        products = products.filter(seller__slug=seller_slug)
    if text:
        products = products.filter(translations__title__icontains=text.strip()).distinct()
    return _with_children(products.order_by("seller__display_name", "handle"))


def public_product_get(*, product_id: int) -> Product:
    product = public_products().filter(pk=product_id).first()
    if product is None:
        raise NotFound("no such product", code=CatalogErrorCode.PRODUCT_NOT_FOUND)
    return product


def market_rates_today() -> RateTable:
    return fx_rate_table_on(clock.today())
