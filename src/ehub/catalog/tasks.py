"""Catalog background tasks (docs/adr/0010): one Shopify import."""

from __future__ import annotations

from django_tasks import task


@task()
def run_catalog_import(import_id: int) -> str:
    from ehub.catalog.imports import catalog_import_run

    return catalog_import_run(import_id=import_id).status
