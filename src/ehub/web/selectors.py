"""What the web pages show, composed from the domains' selectors (no business rules here: prices
come from checkout.pricing, text from catalog, markets from markets)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from ehub.catalog.models import Product, ProductStatus, Variant
from ehub.catalog.selectors import public_products, translation_for
from ehub.checkout.pricing import LandedPrice, landed_price
from ehub.core.fx import RateTable
from ehub.markets.models import Market
from ehub.sellers.models import Seller, VerificationStatus
from ehub.web import i18n

# Countries whose sellers are grouped by state or province ("From Michigan") rather than by
# country: buyers know these origins by their region.
REGIONAL_PAVILIONS = frozenset({"US", "CA"})


@dataclass(frozen=True)
class ProductCard:
    product: Product
    variant: Variant | None
    title: str
    description: str
    image: str | None
    price: LandedPrice | None


@dataclass
class Pavilion:
    key: str  # "MY" or "US-MI"
    country: str
    region: str
    products: list[ProductCard] = field(default_factory=list)
    sellers: set[int] = field(default_factory=set)

    @property
    def label(self) -> str:
        if self.region:
            return i18n.region_name(self.region)
        return i18n.country_name(self.country)


def product_card(
    product: Product, *, market: Market, rates: RateTable, language: str | None = None
) -> ProductCard:
    text = translation_for(product, i18n.content_language(language))
    variants = list(product.variants.all())
    variant = variants[0] if variants else None
    media = sorted(product.media.all(), key=lambda m: m.position)
    return ProductCard(
        product=product,
        variant=variant,
        title=text.title if text else product.handle,
        description=text.description if text else "",
        image=media[0].url if media else None,
        price=landed_price(variant=variant, market=market, rates=rates) if variant else None,
    )


def featured_sellers(*, market: Market, limit: int = 6) -> list[Seller]:
    """Verified sellers from other countries with the most active products."""
    return list(
        Seller.objects.filter(verification_status=VerificationStatus.VERIFIED)
        .exclude(country=market.country)
        .annotate(active=Count("products", filter=Q(products__status=ProductStatus.ACTIVE)))
        .filter(active__gt=0)
        .order_by("-active", "display_name")[:limit]
    )


def pavilions(*, market: Market, rates: RateTable, per_pavilion: int = 4) -> list[Pavilion]:
    """Origin pavilions for a market: products from verified sellers of other countries, grouped
    by country, or by state/province for REGIONAL_PAVILIONS; biggest first."""
    groups: dict[str, Pavilion] = {}
    counts: dict[str, int] = defaultdict(int)
    products = public_products().exclude(seller__country=market.country).select_related("seller")
    for product in products:
        seller = product.seller
        region = seller.region if seller.country in REGIONAL_PAVILIONS and seller.region else ""
        key = region or seller.country
        pavilion = groups.setdefault(key, Pavilion(key=key, country=seller.country, region=region))
        pavilion.sellers.add(seller.pk)
        counts[key] += 1
        if len(pavilion.products) < per_pavilion:
            pavilion.products.append(product_card(product, market=market, rates=rates))
    return sorted(groups.values(), key=lambda p: (-counts[p.key], p.label))


def origin_countries(*, exclude: str | None = None) -> list[tuple[str, str]]:
    """Countries that verified sellers' active products come from, with their names in the
    page's language, for the origin filter."""
    codes = set(public_products().values_list("origin_country", flat=True).distinct())
    codes.discard(exclude or "")
    return sorted(((code, i18n.country_name(code)) for code in codes), key=lambda c: c[1])


def variant_titles(variant_ids: list[int], language: str | None = None) -> dict[int, str]:
    """Each variant's product title in the page's language (orders and quotes keep the English
    title they were written with)."""
    titles = {}
    variants = (
        Variant.objects.filter(pk__in=variant_ids)
        .select_related("product")
        .prefetch_related("product__translations")
    )
    for v in variants:
        text = translation_for(v.product, i18n.content_language(language))
        if text:
            titles[v.pk] = text.title
    return titles
