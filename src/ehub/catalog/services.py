from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pycountry
from babel.core import Locale, UnknownLocaleError
from django.db import transaction
from django.db.models import ProtectedError

from ehub.accounts.models import User
from ehub.catalog.errors import CatalogErrorCode
from ehub.catalog.models import (
    Category,
    Product,
    ProductMedia,
    ProductStatus,
    ProductTranslation,
    Variant,
)
from ehub.core.currencies import currency_exponent
from ehub.core.errors import Conflict, DomainError, NotFound
from ehub.core.events import audit_record
from ehub.core.money import Money, MoneyError, to_decimal
from ehub.customs.nomenclature import hs_code_clean
from ehub.search.services import search_document_refresh
from ehub.sellers.models import Seller

HANDLE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_VARIANTS = 100
MAX_MEDIA = 20
MAX_MEDIA_URL = 500
# Sanity bounds, well inside the database's integer columns: a typo must be an error, not a 500.
MAX_WEIGHT_GRAMS = 1_000_000  # one tonne
MAX_DIMENSION_MM = 20_000  # twenty metres
MAX_STOCK = 100_000_000
MAX_PRICE_UNITS = Decimal(10) ** 12  # a trillion of the currency, in major units


class ProductInvalid(DomainError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(
            CatalogErrorCode.INVALID_PRODUCT, message, {"field": field_name}, status=422
        )


@dataclass
class VariantInput:
    sku: str
    price: Decimal
    weight_grams: int
    stock_quantity: int = 0
    option: dict[str, str] = field(default_factory=dict)
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None


@dataclass
class ProductInput:
    handle: str
    hs_code: str
    origin_country: str
    translations: dict[str, dict[str, str]]
    variants: list[VariantInput]
    category: str | None = None
    media: list[str] = field(default_factory=list)
    status: str = ProductStatus.ACTIVE
    vendor: str = ""


def canonical_language(code: str) -> str:
    """``zh-hans``/``zh_Hans`` → ``zh-Hans``; ``EN`` → ``en``. Raises ValueError if unknown."""
    try:
        locale = Locale.parse(str(code).replace("-", "_"))
    except (ValueError, UnknownLocaleError) as exc:
        raise ValueError(f"{code!r} is not a language code") from exc
    parts = [locale.language]
    if locale.script:
        parts.append(locale.script)
    if locale.territory:
        parts.append(locale.territory)
    return "-".join(parts)


def _int_field(
    value: Any, name: str, *, minimum: int, maximum: int, optional: bool = False
) -> int | None:
    if value is None or value == "":
        if optional:
            return None
        raise ProductInvalid(name, f"{name} is required")
    if isinstance(value, (bool, float)):
        raise ProductInvalid(name, f"{name} must be a whole number")
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise ProductInvalid(name, f"{name} must be a whole number, not {value!r}") from exc
    if number < minimum:
        raise ProductInvalid(name, f"{name} must be at least {minimum}")
    if number > maximum:
        raise ProductInvalid(name, f"{name} must be at most {maximum:,}")
    return number


def _required_int(value: Any, name: str, minimum: int, maximum: int) -> int:
    number = _int_field(value, name, minimum=minimum, maximum=maximum)
    assert number is not None  # not optional: _int_field raised if it was missing
    return number


def product_input_clean(data: dict[str, Any], *, seller: Seller) -> ProductInput:
    """Validate a product payload (API or import); a 422 names the first bad field."""
    handle = str(data.get("handle") or "").strip().lower()
    if not HANDLE_PATTERN.match(handle) or len(handle) > 120:
        raise ProductInvalid("handle", "handle must be lower-case letters, digits and dashes")
    hs_code = hs_code_clean(data.get("hs_code") or "")
    origin = str(data.get("origin_country") or seller.country).strip().upper()
    if pycountry.countries.get(alpha_2=origin) is None:
        raise ProductInvalid("origin_country", f"{origin!r} is not an ISO 3166 country code")

    raw_translations = data.get("translations") or {}
    if not isinstance(raw_translations, dict) or not raw_translations:
        raise ProductInvalid("translations", "give at least one translation with a title")
    translations: dict[str, dict[str, str]] = {}
    for language, text in raw_translations.items():
        try:
            code = canonical_language(language)
        except ValueError as exc:
            raise ProductInvalid(f"translations.{language}", str(exc)) from exc
        if not isinstance(text, dict):
            raise ProductInvalid(f"translations.{language}", "each translation has a title")
        title = str(text.get("title") or "").strip()
        if not title:
            raise ProductInvalid(f"translations.{language}.title", "title is required")
        if len(title) > 255:
            raise ProductInvalid(
                f"translations.{language}.title", "title is at most 255 characters"
            )
        translations[code] = {
            "title": title,
            "description": str(text.get("description") or "").strip(),
        }

    raw_variants = data.get("variants") or []
    if not isinstance(raw_variants, list) or not raw_variants:
        raise ProductInvalid("variants", "a product needs at least one variant")
    if len(raw_variants) > MAX_VARIANTS:
        raise ProductInvalid("variants", f"at most {MAX_VARIANTS} variants")
    variants: list[VariantInput] = []
    seen_skus: set[str] = set()
    exponent = currency_exponent(seller.payout_currency)
    for index, raw in enumerate(raw_variants):
        where = f"variants[{index}]"
        if not isinstance(raw, dict):
            raise ProductInvalid(where, "each variant is an object")
        sku = str(raw.get("sku") or "").strip()
        if not sku or len(sku) > 64:
            raise ProductInvalid(f"{where}.sku", "SKU is required (at most 64 characters)")
        if sku in seen_skus:
            raise ProductInvalid(f"{where}.sku", f"SKU {sku} appears twice")
        seen_skus.add(sku)
        try:
            price = to_decimal(raw.get("price"), what="price")
        except MoneyError as exc:
            raise ProductInvalid(f"{where}.price", str(exc)) from exc
        if price < 0:
            raise ProductInvalid(f"{where}.price", "price must not be negative")
        if price >= MAX_PRICE_UNITS:
            raise ProductInvalid(f"{where}.price", "price is too large")
        if -price.as_tuple().exponent > exponent and price != price.quantize(
            Decimal(1).scaleb(-exponent)
        ):
            raise ProductInvalid(
                f"{where}.price",
                f"{seller.payout_currency} has {exponent} decimals; {price} has more",
            )
        option = raw.get("option") or {}
        if not isinstance(option, dict):
            raise ProductInvalid(f"{where}.option", "option is a map of language to text")
        options: dict[str, str] = {}
        for language, text in option.items():
            try:
                code = canonical_language(language)
            except ValueError as exc:
                raise ProductInvalid(f"{where}.option.{language}", str(exc)) from exc
            if str(text).strip():
                options[code] = str(text).strip()[:200]
        variants.append(
            VariantInput(
                sku=sku,
                price=price,
                weight_grams=_required_int(
                    raw.get("weight_grams"), f"{where}.weight_grams", 1, MAX_WEIGHT_GRAMS
                ),
                stock_quantity=_required_int(
                    raw.get("stock_quantity", 0), f"{where}.stock_quantity", 0, MAX_STOCK
                ),
                option=options,
                **{
                    dimension: _int_field(
                        raw.get(dimension),
                        f"{where}.{dimension}",
                        minimum=1,
                        maximum=MAX_DIMENSION_MM,
                        optional=True,
                    )
                    for dimension in ("length_mm", "width_mm", "height_mm")
                },
            )
        )

    category = data.get("category") or None
    if category is not None and not Category.objects.filter(slug=category).exists():
        raise DomainError(
            CatalogErrorCode.CATEGORY_NOT_FOUND,
            f"no category {category!r}",
            {"field": "category"},
            status=422,
        )
    media = data.get("media") or []
    if not isinstance(media, list) or any(
        not isinstance(u, str) or not (u.startswith(("https://", "http://", "/static/")))
        for u in media
    ):
        raise ProductInvalid("media", "media are http(s) URLs or /static/ paths")
    if len(media) > MAX_MEDIA:
        raise ProductInvalid("media", f"at most {MAX_MEDIA} pictures per product")
    for index, url in enumerate(media):
        if len(url) > MAX_MEDIA_URL:
            raise ProductInvalid(f"media[{index}]", f"URL longer than {MAX_MEDIA_URL} characters")
    status = data.get("status") or ProductStatus.ACTIVE
    if status not in ProductStatus.values:
        raise ProductInvalid("status", f"status is one of {', '.join(ProductStatus.values)}")
    return ProductInput(
        handle=handle,
        hs_code=hs_code,
        origin_country=origin,
        translations=translations,
        variants=variants,
        category=category,
        media=list(media),
        status=status,
        vendor=str(data.get("vendor") or "")[:200],
    )


def _write_children(product: Product, data: ProductInput, *, replace_variants: bool) -> None:
    seller = product.seller
    for language, text in data.translations.items():
        ProductTranslation.objects.update_or_create(
            product=product, language=language, defaults=text
        )
    ProductTranslation.objects.filter(product=product).exclude(
        language__in=list(data.translations)
    ).delete()
    ProductMedia.objects.filter(product=product).delete()
    ProductMedia.objects.bulk_create(
        [ProductMedia(product=product, url=url, position=i) for i, url in enumerate(data.media)]
    )
    # A SKU is unique per seller: it may only move between this seller's products on purpose.
    taken = Variant.objects.filter(seller=seller, sku__in=[v.sku for v in data.variants]).exclude(
        product=product
    )
    clash = taken.values_list("sku", flat=True).first()
    if clash:
        index = [v.sku for v in data.variants].index(clash)
        raise Conflict(
            f"SKU {clash} already belongs to another of your products",
            {"field": f"variants[{index}].sku", "sku": clash},
            code=CatalogErrorCode.DUPLICATE_SKU,
        )
    for position, variant in enumerate(data.variants):
        Variant.objects.update_or_create(
            seller=seller,
            sku=variant.sku,
            defaults={
                "product": product,
                "option": variant.option,
                "price_minor": Money(variant.price, seller.payout_currency).to_minor_units(),
                "price_currency": seller.payout_currency,
                "weight_grams": variant.weight_grams,
                "length_mm": variant.length_mm,
                "width_mm": variant.width_mm,
                "height_mm": variant.height_mm,
                "stock_quantity": variant.stock_quantity,
                "position": position,
            },
        )
    if replace_variants:
        gone = Variant.objects.filter(product=product).exclude(
            sku__in=[v.sku for v in data.variants]
        )
        try:
            gone.delete()
        except ProtectedError as exc:
            # Orders keep pointing at what was sold: such a variant stays (the caller's
            # transaction rolls back whatever was written above).
            skus = dict(gone.values_list("pk", "sku"))
            ordered = sorted(
                {skus[i] for i in (getattr(o, "variant_id", None) for o in exc.protected_objects)
                 if i in skus}
            )  # fmt: skip
            raise Conflict(
                f"SKU {', '.join(ordered)} has been ordered: it cannot be removed or renamed;"
                " set its stock to 0 instead",
                {"field": "variants", "sku": ordered[0] if ordered else None},
                code=CatalogErrorCode.VARIANT_ORDERED,
            ) from exc


def _category_id(slug: str | None) -> int | None:
    if slug is None:
        return None
    return Category.objects.only("id").get(slug=slug).pk


@transaction.atomic
def product_create(*, seller: Seller, actor: User | None, data: dict[str, Any]) -> Product:
    cleaned = product_input_clean(data, seller=seller)
    if Product.objects.filter(seller=seller, handle=cleaned.handle).exists():
        raise Conflict(
            f"you already have a product with handle {cleaned.handle}",
            {"field": "handle"},
            code=CatalogErrorCode.DUPLICATE_HANDLE,
        )
    product = Product.objects.create(
        seller=seller,
        handle=cleaned.handle,
        hs_code=cleaned.hs_code,
        origin_country=cleaned.origin_country,
        category_id=_category_id(cleaned.category),
        status=cleaned.status,
        vendor=cleaned.vendor,
    )
    _write_children(product, cleaned, replace_variants=True)
    search_document_refresh(product=product)
    audit_record(tag="product:created", subject=product, actor=actor)
    return product


def product_is_unchanged(*, product: Product, cleaned: ProductInput) -> bool:
    """True when writing ``cleaned`` would change nothing (same fields, texts, media, variants)."""
    current = product_input_clean(product_as_input(product), seller=product.seller)
    return current == cleaned


@transaction.atomic
def product_replace(*, product: Product, actor: User | None, data: dict[str, Any]) -> Product:
    """Replace a product's fields, translations, media and variants (variants not listed go).

    Replacing a product with what it already holds writes nothing and records no event, so
    re-running an import or the demo loader is a no-op."""
    cleaned = product_input_clean(data, seller=product.seller)
    if product_is_unchanged(product=product, cleaned=cleaned):
        return product
    if (
        cleaned.handle != product.handle
        and Product.objects.filter(seller=product.seller, handle=cleaned.handle).exists()
    ):
        raise Conflict(
            f"you already have a product with handle {cleaned.handle}",
            {"field": "handle"},
            code=CatalogErrorCode.DUPLICATE_HANDLE,
        )
    product.handle = cleaned.handle
    product.hs_code = cleaned.hs_code
    product.origin_country = cleaned.origin_country
    product.category_id = _category_id(cleaned.category)
    product.status = cleaned.status
    product.vendor = cleaned.vendor
    product.save()
    _write_children(product, cleaned, replace_variants=True)
    search_document_refresh(product=product)
    audit_record(tag="product:updated", subject=product, actor=actor)
    return product


def product_as_input(product: Product) -> dict[str, Any]:
    """The product as a payload ``product_replace`` accepts (used by PATCH to merge changes)."""
    return {
        "handle": product.handle,
        "hs_code": product.hs_code,
        "origin_country": product.origin_country,
        "category": product.category.slug if product.category else None,
        "status": product.status,
        "vendor": product.vendor,
        "translations": {
            t.language: {"title": t.title, "description": t.description}
            for t in product.translations.all()
        },
        "media": [m.url for m in product.media.all()],
        "variants": [
            {
                "sku": v.sku,
                "option": v.option,
                "price": str(v.price.amount),
                "weight_grams": v.weight_grams,
                "length_mm": v.length_mm,
                "width_mm": v.width_mm,
                "height_mm": v.height_mm,
                "stock_quantity": v.stock_quantity,
            }
            for v in product.variants.all()
        ],
    }


@transaction.atomic
def product_patch(*, product: Product, actor: User | None, data: dict[str, Any]) -> Product:
    """Change only the fields given. ``variants`` given are upserted by SKU; others stay."""
    merged = product_as_input(product)
    for key, value in data.items():
        if key == "variants":
            by_sku = {v["sku"]: v for v in merged["variants"]}
            for variant in value or []:
                sku = str((variant or {}).get("sku") or "")
                by_sku[sku] = {**by_sku.get(sku, {}), **variant}
            merged["variants"] = list(by_sku.values())
        elif key == "translations":
            merged["translations"] = {**merged["translations"], **(value or {})}
        else:
            merged[key] = value
    return product_replace(product=product, actor=actor, data=merged)


def _variant_index(variants: list[dict[str, Any]], sku: str) -> int:
    for index, variant in enumerate(variants):
        if variant["sku"] == sku:
            return index
    raise NotFound(f"no variant {sku}", code=CatalogErrorCode.VARIANT_NOT_FOUND)


@transaction.atomic
def product_variant_save(
    *, product: Product, actor: User | None, data: dict[str, Any], sku: str | None = None
) -> Product:
    """Add a variant to ``product`` (``sku`` None) or change the variant ``sku`` (a new SKU in
    ``data`` renames it), keeping the others and their order; checked as ``product_replace``
    checks a whole product (a 422 names ``variants[i].<field>``)."""
    merged = product_as_input(product)
    variants = merged["variants"]
    new_sku = str(data.get("sku") or "").strip()
    if sku is None:
        if any(v["sku"] == new_sku for v in variants):
            raise Conflict(
                f"this product already has a variant with SKU {new_sku}",
                {"field": f"variants[{len(variants)}].sku", "sku": new_sku},
                code=CatalogErrorCode.DUPLICATE_SKU,
            )
        variants.append(dict(data))
    else:
        index = _variant_index(variants, sku)
        variants[index] = {**variants[index], **data}
    return product_replace(product=product, actor=actor, data=merged)


@transaction.atomic
def product_variant_remove(*, product: Product, actor: User | None, sku: str) -> Product:
    """Take the variant ``sku`` off ``product``. The last variant stays (409 ``last_variant``:
    archive the product instead); a variant that was ordered stays (409 ``variant_ordered``)."""
    merged = product_as_input(product)
    index = _variant_index(merged["variants"], sku)
    if len(merged["variants"]) == 1:
        raise Conflict(
            f"SKU {sku} is the product's only variant: a product needs at least one;"
            " add another first, or archive the product",
            {"field": "variants", "sku": sku},
            code=CatalogErrorCode.LAST_VARIANT,
        )
    del merged["variants"][index]
    return product_replace(product=product, actor=actor, data=merged)


@transaction.atomic
def product_archive(*, product: Product, actor: User | None) -> Product:
    """Products are archived, not deleted: orders and customs records keep pointing at them."""
    if product.status != ProductStatus.ARCHIVED:
        product.status = ProductStatus.ARCHIVED
        product.save(update_fields=["status", "updated_at"])
        search_document_refresh(product=product)
        audit_record(tag="product:status:archived", subject=product, actor=actor)
    return product


def category_upsert(*, slug: str, names: dict[str, str], parent: str | None = None) -> Category:
    parent_obj = Category.objects.get(slug=parent) if parent else None
    category, _ = Category.objects.update_or_create(
        slug=slug, defaults={"names": names, "parent": parent_obj}
    )
    return category
