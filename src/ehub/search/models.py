"""The search index's relational half. The text half is per database (see migrations/0001):
SQLite keeps an FTS5 table ``search_fts`` (rowid = product id); PostgreSQL keeps a ``tsv`` tsvector
column on ``search_searchdocument`` with a GIN index. Both are written only by
``ehub.search.services``."""

from __future__ import annotations

from django.db import models

from ehub.catalog.models import Category, Product
from ehub.sellers.models import Seller


class RowidOneToOneField(models.OneToOneField):
    """A one-to-one primary key stored as SQLite's ``INTEGER PRIMARY KEY`` (the rowid itself)
    rather than ``bigint``: the text index joins on it for every match, and a rowid lookup is one
    B-tree descent instead of two. Other databases get the usual column type."""

    def db_type(self, connection):  # type: ignore[no-untyped-def]
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)


class SearchDocument(models.Model):
    """One row per indexed product: what filters and sorts need, copied from the catalog so a
    query reads one table (plus the text index). ``searchable`` says whether buyers may find it
    at all (active, priced, seller verified): the catalog services keep it in step with product
    writes and ``seller_set_verification`` with the seller's status. On SQLite only searchable
    products have text in the FTS table, so a plain text query never joins this table."""

    product = RowidOneToOneField(
        Product, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="+")
    active = models.BooleanField(help_text="The product's status is active")
    searchable = models.BooleanField(
        default=False, help_text="Active, priced and its seller verified: buyers can find it"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    origin_country = models.CharField(max_length=2)
    created_at = models.DateTimeField(help_text="The product's creation time (sort: newest)")
    price_minor = models.BigIntegerField(
        null=True, help_text="Lowest variant price, minor units of price_currency"
    )
    price_currency = models.CharField(max_length=3, blank=True)
    indexed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["price_currency", "price_minor"]),
            models.Index(fields=["category", "searchable", "created_at"]),
            models.Index(fields=["created_at"]),
            models.Index(fields=["origin_country"]),
        ]

    def __str__(self) -> str:
        return f"search document for product {self.product_id}"


class SearchTerm(models.Model):
    """The index vocabulary (Latin words and jieba words), for "did you mean" suggestions.

    Grows as products are indexed; rebuilt by ``ehub search reindex``. A stale term is harmless:
    a suggestion is offered only after checking that it finds something."""

    term = models.CharField(max_length=64, unique=True)
    length = models.PositiveSmallIntegerField()
    cjk = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["cjk", "length"])]

    def __str__(self) -> str:
        return self.term
