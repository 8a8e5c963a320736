"""Catalog: adding, changing and removing one variant of a product (the seller centre's
variant pages call these)."""

from __future__ import annotations

import pytest

from ehub.catalog.models import Variant
from ehub.catalog.services import product_replace, product_variant_remove, product_variant_save
from ehub.catalog.tests.factories import ProductFactory, VariantFactory
from ehub.core.errors import DomainError
from ehub.core.events import audit_events_for

pytestmark = pytest.mark.django_db


def product_with(*skus: str):
    product = ProductFactory()
    for position, sku in enumerate(skus):
        VariantFactory(product=product, sku=sku, position=position)
    return product


def skus_of(product) -> list[str]:
    return list(product.variants.order_by("position").values_list("sku", flat=True))


def test_a_variant_is_added_after_the_others():
    product = product_with("A-1")

    product_variant_save(
        product=product,
        actor=None,
        data={"sku": "A-2", "price": "12.50", "weight_grams": 300, "option": {"en": "Red"}},
    )

    assert skus_of(product) == ["A-1", "A-2"]
    added = Variant.objects.get(sku="A-2")
    assert (added.price_minor, added.option, added.stock_quantity) == (1250, {"en": "Red"}, 0)
    assert audit_events_for(product).filter(tag="product:updated").count() == 1


def test_adding_a_sku_the_product_has_is_a_409_and_changes_nothing():
    product = product_with("A-1")
    before = list(Variant.objects.values_list("sku", "price_minor"))

    with pytest.raises(DomainError) as caught:
        product_variant_save(
            product=product, actor=None, data={"sku": "A-1", "price": "1", "weight_grams": 1}
        )

    assert (caught.value.status, caught.value.code) == (409, "duplicate_sku")
    assert caught.value.detail == {"field": "variants[1].sku", "sku": "A-1"}
    assert list(Variant.objects.values_list("sku", "price_minor")) == before


def test_changing_a_variant_keeps_its_place_and_the_others():
    product = product_with("A-1", "A-2", "A-3")
    first = Variant.objects.get(sku="A-1")

    product_variant_save(
        product=product, actor=None, sku="A-2", data={"sku": "A-2B", "stock_quantity": 40}
    )

    assert skus_of(product) == ["A-1", "A-2B", "A-3"]
    assert Variant.objects.get(sku="A-2B").stock_quantity == 40
    assert Variant.objects.get(sku="A-1").pk == first.pk


def test_a_bad_value_names_the_variants_field():
    product = product_with("A-1", "A-2")

    with pytest.raises(DomainError) as caught:
        product_variant_save(product=product, actor=None, sku="A-2", data={"weight_grams": 0})

    assert caught.value.detail == {"field": "variants[1].weight_grams"}


def test_an_unknown_sku_is_a_404():
    product = product_with("A-1")

    with pytest.raises(DomainError) as caught:
        product_variant_remove(product=product, actor=None, sku="NOPE")

    assert (caught.value.status, caught.value.code) == (404, "variant_not_found")


def test_a_variant_is_removed_but_never_the_last_one():
    product = product_with("A-1", "A-2")

    product_variant_remove(product=product, actor=None, sku="A-1")
    assert skus_of(product) == ["A-2"]

    with pytest.raises(DomainError) as caught:
        product_variant_remove(product=product, actor=None, sku="A-2")
    assert (caught.value.status, caught.value.code) == (409, "last_variant")
    assert skus_of(product) == ["A-2"]


def test_an_ordered_variant_is_never_deleted_by_a_replace():
    from ehub.catalog.services import product_as_input
    from ehub.orders.models import Order
    from ehub.orders.tests.helpers import one_placed_order

    one_placed_order()
    ordered = Order.objects.get().lines.get().variant
    product = ordered.product
    VariantFactory(product=product, sku="SPARE", position=1)
    data = product_as_input(product)
    data["variants"] = [v for v in data["variants"] if v["sku"] != ordered.sku]

    with pytest.raises(DomainError) as caught:
        product_replace(product=product, actor=None, data=data)

    assert (caught.value.status, caught.value.code) == (409, "variant_ordered")
    assert caught.value.detail == {"field": "variants", "sku": ordered.sku}
    assert sorted(skus_of(product)) == sorted([ordered.sku, "SPARE"])
