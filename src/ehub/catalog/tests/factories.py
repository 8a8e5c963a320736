from __future__ import annotations

import factory

from ehub.catalog.models import Category, Product, ProductTranslation, Variant
from ehub.sellers.tests.factories import SellerFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"category-{n}")
    names = factory.LazyAttribute(
        lambda o: {"en": o.slug.title(), "zh-Hans": "类别", "ms": "Kategori"}
    )


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True

    seller = factory.SubFactory(SellerFactory)
    handle = factory.Sequence(lambda n: f"product-{n}")
    origin_country = factory.SelfAttribute("seller.country")
    hs_code = "090121"
    category = factory.SubFactory(CategoryFactory, slug="pantry")

    @factory.post_generation
    def translations(self, create, extracted, **kwargs):
        if not create:
            return
        for language, title in (extracted or {"en": f"Product {self.handle}"}).items():
            ProductTranslation.objects.create(product=self, language=language, title=title)


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    seller = factory.SelfAttribute("product.seller")
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    price_minor = 2500
    price_currency = factory.SelfAttribute("seller.payout_currency")
    weight_grams = 500
    stock_quantity = 10
