from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from ehub.catalog.models import Product
from ehub.catalog.schemas import (
    CategoryOut,
    PriceOut,
    ProductIn,
    ProductOut,
    ProductPageOut,
    ProductPatch,
    PublicProductOut,
    PublicProductPageOut,
    PublicSellerOut,
    PublicVariantOut,
    VariantOut,
)
from ehub.catalog.selectors import (
    category_list,
    market_price,
    market_rates_today,
    product_get_for_seller,
    product_list_for_seller,
    public_product_get,
    public_products,
    translation_for,
)
from ehub.catalog.services import (
    product_archive,
    product_create,
    product_patch,
    product_replace,
)
from ehub.core.auth import session_or_key
from ehub.core.fx import RateTable
from ehub.core.i18n import best_language, parse_accept_language
from ehub.core.money import Money
from ehub.markets.models import Market
from ehub.markets.selectors import market_get
from ehub.sellers.api import acting_user, current_seller

seller_products_router = Router(tags=["seller products"], auth=session_or_key)
public_router = Router(tags=["catalog"])


def money_out(money: Money, language: str = "en") -> PriceOut:
    return PriceOut(
        amount=str(money.quantize().amount),
        currency=money.currency,
        formatted=money.format(language),
    )


def product_out(product: Product) -> ProductOut:
    return ProductOut(
        id=product.pk,
        handle=product.handle,
        hs_code=product.hs_code,
        origin_country=product.origin_country,
        category=product.category.slug if product.category else None,
        status=product.status,
        vendor=product.vendor,
        translations={
            t.language: {"title": t.title, "description": t.description}
            for t in product.translations.all()
        },
        media=[m.url for m in product.media.all()],
        variants=[
            VariantOut(
                id=v.pk,
                sku=v.sku,
                option=v.option,
                price=money_out(v.price),
                weight_grams=v.weight_grams,
                length_mm=v.length_mm,
                width_mm=v.width_mm,
                height_mm=v.height_mm,
                stock_quantity=v.stock_quantity,
            )
            for v in product.variants.all()
        ],
        created_at=product.created_at,
        updated_at=product.updated_at,
    )


# -- the signed-in seller's products ---------------------------------------------------------
@seller_products_router.get("/seller/products", response=ProductPageOut)
def seller_products(
    request: HttpRequest, status: str | None = None, limit: int = 50, offset: int = 0
) -> ProductPageOut:
    limit, offset = max(1, min(limit, 200)), max(0, offset)
    total, products = product_list_for_seller(
        seller=current_seller(request), status=status, limit=limit, offset=offset
    )
    return ProductPageOut(count=total, items=[product_out(p) for p in products])


@seller_products_router.post("/seller/products", response={201: ProductOut})
def seller_product_create(request: HttpRequest, body: ProductIn) -> Status:
    seller = current_seller(request)
    product = product_create(seller=seller, actor=acting_user(request), data=body.dict())
    return Status(201, product_out(product_get_for_seller(seller=seller, product_id=product.pk)))


@seller_products_router.get("/seller/products/{product_id}", response=ProductOut)
def seller_product(request: HttpRequest, product_id: int) -> ProductOut:
    return product_out(
        product_get_for_seller(seller=current_seller(request), product_id=product_id)
    )


@seller_products_router.put("/seller/products/{product_id}", response=ProductOut)
def seller_product_replace(request: HttpRequest, product_id: int, body: ProductIn) -> ProductOut:
    seller = current_seller(request)
    product = product_get_for_seller(seller=seller, product_id=product_id)
    product_replace(product=product, actor=acting_user(request), data=body.dict())
    return product_out(product_get_for_seller(seller=seller, product_id=product_id))


@seller_products_router.patch("/seller/products/{product_id}", response=ProductOut)
def seller_product_patch(request: HttpRequest, product_id: int, body: ProductPatch) -> ProductOut:
    seller = current_seller(request)
    product = product_get_for_seller(seller=seller, product_id=product_id)
    product_patch(product=product, actor=acting_user(request), data=body.changes())
    return product_out(product_get_for_seller(seller=seller, product_id=product_id))


@seller_products_router.delete(
    "/seller/products/{product_id}", response=ProductOut, summary="Archive a product"
)
def seller_product_archive(request: HttpRequest, product_id: int) -> ProductOut:
    seller = current_seller(request)
    product = product_get_for_seller(seller=seller, product_id=product_id)
    product_archive(product=product, actor=acting_user(request))
    return product_out(product_get_for_seller(seller=seller, product_id=product_id))


# -- public browsing per market --------------------------------------------------------------
def _language(request: HttpRequest, market: Market, lang: str | None) -> str:
    """``?lang=`` if the market offers it, else the browser's best offered one, else the
    market's default."""
    candidates = [lang, *parse_accept_language(request.headers.get("Accept-Language", ""))]
    return best_language(candidates, market.languages) or market.default_language


def public_product_out(
    product: Product, *, market: Market, language: str, rates: RateTable
) -> PublicProductOut:
    translation = translation_for(product, language)
    variants = []
    for variant in product.variants.all():
        prices = market_price(variant=variant, market=market, rates=rates)
        variants.append(
            PublicVariantOut(
                id=variant.pk,
                sku=variant.sku,
                option=variant.option.get(language) or variant.option.get("en") or "",
                seller_price=money_out(prices.seller_price, language),
                price=money_out(prices.market_price, language) if prices.market_price else None,
                weight_grams=variant.weight_grams,
                in_stock=variant.stock_quantity > 0,
            )
        )
    return PublicProductOut(
        id=product.pk,
        handle=product.handle,
        title=translation.title if translation else product.handle,
        description=translation.description if translation else "",
        language=translation.language if translation else language,
        hs_code=product.hs_code,
        origin_country=product.origin_country,
        category=product.category.slug if product.category else None,
        seller=PublicSellerOut(
            slug=product.seller.slug,
            display_name=product.seller.display_name,
            country=product.seller.country,
            region=product.seller.region,
        ),
        media=[m.url for m in product.media.all()],
        variants=variants,
    )


@public_router.get("/catalog/categories", response=list[CategoryOut])
def categories(request: HttpRequest, lang: str = "en") -> list[CategoryOut]:
    return [
        CategoryOut(
            slug=c.slug,
            parent=c.parent.slug if c.parent else None,
            name=c.name_in(lang),
            names=c.names,
        )
        for c in category_list()
    ]


@public_router.get(
    "/catalog/{country}/products",
    response=PublicProductPageOut,
    summary="Browse products for a market: text in its language, prices in its currency",
)
def market_products(
    request: HttpRequest,
    country: str,
    lang: str | None = None,
    category: str | None = None,
    origin: str | None = None,
    seller: str | None = None,
    q: str | None = None,
    limit: int = 24,
    offset: int = 0,
) -> PublicProductPageOut:
    market = market_get(country=country)
    language = _language(request, market, lang)
    limit, offset = max(1, min(limit, 100)), max(0, offset)
    products = public_products(category=category, origin_country=origin, seller_slug=seller, text=q)
    rates = market_rates_today()
    return PublicProductPageOut(
        market=market.country,
        currency=market.currency,
        language=language,
        count=products.count(),
        items=[
            public_product_out(p, market=market, language=language, rates=rates)
            for p in products[offset : offset + limit]
        ],
    )


@public_router.get("/catalog/{country}/products/{product_id}", response=PublicProductOut)
def market_product(
    request: HttpRequest, country: str, product_id: int, lang: str | None = None
) -> PublicProductOut:
    market = market_get(country=country)
    return public_product_out(
        public_product_get(product_id=product_id),
        market=market,
        language=_language(request, market, lang),
        rates=market_rates_today(),
    )
