"""``SearchDocument.searchable``: whether buyers may find a product (active, priced, its seller
verified), stored instead of joined at query time (ADR 0014, "Cost per match"). Existing rows
are marked from the catalog, and on SQLite the FTS table keeps only searchable products' text."""

from django.db import migrations, models


def mark(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "UPDATE search_searchdocument SET searchable = (active AND price_minor IS NOT NULL "
            "AND seller_id IN (SELECT id FROM sellers_seller "
            "WHERE verification_status = 'verified'))"
        )
        if schema_editor.connection.vendor == "sqlite":
            # Adding a column with a default makes Django rebuild the SQLite table, which drops
            # 0002's trigger: create it again.
            cursor.execute(
                "CREATE TRIGGER IF NOT EXISTS search_document_deleted AFTER DELETE ON "
                "search_searchdocument BEGIN DELETE FROM search_fts WHERE rowid = old.product_id; "
                "END"
            )
            cursor.execute(
                "DELETE FROM search_fts WHERE rowid NOT IN "
                "(SELECT product_id FROM search_searchdocument WHERE searchable)"
            )


def unmark(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    """Going back: the text of unsearchable products is gone from FTS; ``ehub search reindex``
    restores it (the old query read searchability live)."""


class Migration(migrations.Migration):
    dependencies = [("search", "0002_text_index")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="searchable",
            field=models.BooleanField(
                default=False,
                help_text="Active, priced and its seller verified: buyers can find it",
            ),
        ),
        # A category page sorted newest first walks (category, searchable, created_at) per
        # category, and its count reads that index alone.
        migrations.RemoveIndex(model_name="searchdocument", name="search_sear_categor_bec983_idx"),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(
                fields=["category", "searchable", "created_at"],
                name="search_sear_categor_223981_idx",
            ),
        ),
        migrations.RunPython(mark, unmark),
    ]
