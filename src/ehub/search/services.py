"""Writing the search index. The catalog services call ``search_document_refresh`` in the same
transaction as every product write, and ``seller_set_verification`` calls
``search_seller_refresh`` when a seller's status changes, so the index never disagrees with what
is committed; ``ehub search reindex`` (``search_index_rebuild``) rebuilds everything, e.g. after a
bulk load or a change of tokenizer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ehub.catalog.models import Product, ProductStatus, ProductTranslation, Variant
from ehub.core import clock
from ehub.search.backends import IndexedText, search_backend
from ehub.search.domain import document_tokens, is_cjk, vocabulary
from ehub.search.models import SearchDocument, SearchTerm
from ehub.sellers.models import VerificationStatus


@dataclass(frozen=True)
class _ProductText:
    product_id: int
    # seller_id, seller__verification_status, status, category_id, origin_country, created_at
    fields: dict[str, Any]
    titles: list[str]
    descriptions: list[str]
    prices: list[tuple[int, str]]


def _write(products: Sequence[_ProductText]) -> int:
    """Upsert documents, their text and the vocabulary for ``products``; returns how many."""
    if not products:
        return 0
    now = clock.now()
    backend = search_backend()
    documents = []
    texts = []
    fields = []
    for product in products:
        cheapest = min(product.prices, default=None)
        active = product.fields["status"] == ProductStatus.ACTIVE
        verified = product.fields["seller__verification_status"] == VerificationStatus.VERIFIED
        searchable = active and cheapest is not None and verified
        documents.append(
            SearchDocument(
                product_id=product.product_id,
                seller_id=product.fields["seller_id"],
                active=active,
                searchable=searchable,
                category_id=product.fields["category_id"],
                origin_country=product.fields["origin_country"],
                created_at=product.fields["created_at"],
                price_minor=cheapest[0] if cheapest else None,
                price_currency=cheapest[1] if cheapest else "",
                indexed_at=now,
            )
        )
        title = document_tokens(" \n ".join(product.titles))
        body = document_tokens(" \n ".join(product.descriptions))
        texts.append(IndexedText(product.product_id, title, body, searchable))
        fields.extend([title, body])
    SearchDocument.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["product"],
        update_fields=[
            "seller",
            "active",
            "searchable",
            "category",
            "origin_country",
            "created_at",
            "price_minor",
            "price_currency",
            "indexed_at",
        ],
    )
    backend.write(texts)
    _vocabulary_add(vocabulary(fields))
    return len(documents)


def _vocabulary_add(terms: Iterable[str]) -> None:
    rows = [
        SearchTerm(term=term, length=len(term), cjk=is_cjk(term))
        for term in sorted(terms)
        if len(term) <= 64
    ]
    SearchTerm.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


def _texts_for(product_ids: Sequence[int]) -> list[_ProductText]:
    by_id: dict[int, _ProductText] = {
        row["id"]: _ProductText(row["id"], row, [], [], [])
        for row in Product.objects.filter(pk__in=product_ids).values(
            "id",
            "seller_id",
            "seller__verification_status",
            "status",
            "category_id",
            "origin_country",
            "created_at",
        )
    }
    # Languages in a fixed order so a product's index text is deterministic.
    for product_id, title, description in (
        ProductTranslation.objects.filter(product_id__in=product_ids)
        .order_by("product_id", "language")
        .values_list("product_id", "title", "description")
    ):
        by_id[product_id].titles.append(title)
        if description:
            by_id[product_id].descriptions.append(description)
    for product_id, price_minor, currency in Variant.objects.filter(
        product_id__in=product_ids
    ).values_list("product_id", "price_minor", "price_currency"):
        by_id[product_id].prices.append((price_minor, currency))
    return list(by_id.values())


def search_document_refresh(*, product: Product) -> None:
    """Re-index one product from what is stored now (status, category, origin, texts, variant
    prices, the seller's verification). Called by the catalog services after each write, inside
    their transaction."""
    _write(_texts_for([product.pk]))


def search_seller_refresh(*, seller_id: int, batch_size: int = 1000) -> int:
    """Re-index every product of one seller, e.g. after its verification changed (its products
    become findable, or stop being). Returns how many were written."""
    product_ids = list(
        Product.objects.filter(seller_id=seller_id).order_by("pk").values_list("pk", flat=True)
    )
    done = 0
    for start in range(0, len(product_ids), batch_size):
        done += _write(_texts_for(product_ids[start : start + batch_size]))
    return done


@transaction.atomic
def search_index_rebuild(
    *, batch_size: int = 1000, progress: Callable[[int, int], None] | None = None
) -> int:
    """Drop and rebuild the whole index (documents, text, vocabulary). Returns products indexed."""
    backend = search_backend()
    SearchDocument.objects.all().delete()
    backend.clear()
    SearchTerm.objects.all().delete()
    product_ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(product_ids), batch_size):
        done += _write(_texts_for(product_ids[start : start + batch_size]))
        if progress is not None:
            progress(done, len(product_ids))
    return done
