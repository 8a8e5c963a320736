from django.contrib import admin

from ehub.catalog.models import (
    CatalogImport,
    Category,
    Product,
    ProductMedia,
    ProductTranslation,
    Variant,
)
from ehub.core.admin_base import ReadOnlyAdmin


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "__str__", "parent"]
    list_filter = ["parent"]
    search_fields = ["slug", "names"]


class TranslationInline(admin.StackedInline):
    model = ProductTranslation
    extra = 0


class MediaInline(admin.TabularInline):
    model = ProductMedia
    extra = 0


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = ["sku", "option", "price_minor", "price_currency", "weight_grams", "stock_quantity"]
    readonly_fields = ["price_currency"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["handle", "title", "seller", "hs_code", "origin_country", "category", "status"]
    list_filter = ["status", "origin_country", "category", "seller__country"]
    search_fields = ["handle", "hs_code", "translations__title", "seller__display_name"]
    list_select_related = ["seller", "category"]
    raw_id_fields = ["seller"]
    inlines = [TranslationInline, VariantInline, MediaInline]

    @admin.display(description="title (en)")
    def title(self, obj: Product) -> str:
        english = next((t for t in obj.translations.all() if t.language == "en"), None)
        return english.title if english else "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ["sku", "product", "seller", "price", "weight_grams", "stock_quantity"]
    list_filter = ["price_currency", "seller"]
    search_fields = ["sku", "product__handle", "product__translations__title"]
    list_select_related = ["product", "seller"]
    raw_id_fields = ["product", "seller"]


@admin.register(CatalogImport)
class CatalogImportAdmin(ReadOnlyAdmin):  # written by the import service and its task
    list_display = ["created_at", "seller", "filename", "status", "processed", "total"]
    list_filter = ["status"]
    search_fields = ["filename", "seller__display_name"]
    readonly_fields = [f.name for f in CatalogImport._meta.fields]
