"""Shopify CSV imports in the background: the upload is checked and stored with its options in
one transaction that also enqueues the task (the outbox); the task runs the same
``catalog_import_shopify`` the CLI and API run, writing its progress as it goes, then the result
and per-row report. The seller centre polls the row for a progress bar."""

from __future__ import annotations

import io
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F

from ehub.catalog.errors import CatalogErrorCode
from ehub.catalog.models import CatalogImport, CatalogImportStatus
from ehub.catalog.shopify import catalog_import_shopify, shopify_file_products
from ehub.core import clock
from ehub.core.errors import DomainError, NotFound
from ehub.customs.nomenclature import hs_code_clean
from ehub.sellers.models import Seller

# Progress is written at most this often (seconds), so a big file is not slowed by its own bar.
PROGRESS_EVERY_SECONDS = 0.5


def _text(upload: bytes) -> str:
    limit = settings.EHUB_CATALOG_IMPORT_MAX_BYTES
    if len(upload) > limit:
        raise DomainError(
            CatalogErrorCode.IMPORT_FILE_INVALID,
            f"the file is {len(upload):,} bytes; the limit is {limit:,}",
            {"field": "file"},
            status=413,
        )
    try:
        return upload.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(
            CatalogErrorCode.IMPORT_FILE_INVALID,
            "the file is not UTF-8 text: export it from Shopify as CSV",
            {"field": "file"},
            status=422,
        ) from None


def catalog_import_enqueue(
    *,
    seller: Seller,
    upload: bytes,
    filename: str,
    actor: Any = None,
    default_hs_code: str | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
) -> CatalogImport:
    """Check the file (readable as a Shopify product CSV, under the size limit, a valid default
    HS code) and queue its import; refusals are 4xx ``DomainError`` and nothing is stored."""
    from ehub.catalog.tasks import run_catalog_import

    text = _text(upload)
    if default_hs_code:
        default_hs_code = hs_code_clean(default_hs_code)
    total = shopify_file_products(io.StringIO(text))
    with transaction.atomic():
        job = CatalogImport.objects.create(
            seller=seller,
            created_by=actor if getattr(actor, "pk", None) else None,
            filename=filename[:255],
            content=text,
            options={
                "default_hs_code": default_hs_code or None,
                "skip_invalid": skip_invalid,
                "dry_run": dry_run,
            },
            total=total,
        )
        run_catalog_import.enqueue(import_id=job.pk)  # the task row commits with the job's
    return job


def catalog_import_run(*, import_id: int) -> CatalogImport:
    """Run a queued import (the task). A job already started or finished is left alone, so a
    task run twice imports once."""
    started = CatalogImport.objects.filter(pk=import_id, status=CatalogImportStatus.QUEUED).update(
        status=CatalogImportStatus.RUNNING, started_at=clock.now()
    )
    job = CatalogImport.objects.select_related("seller", "created_by").get(pk=import_id)
    if not started:
        return job
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_SECONDS or done == total:
            last = now
            CatalogImport.objects.filter(pk=import_id).update(processed=done, total=total)

    options = job.options
    try:
        result = catalog_import_shopify(
            seller=job.seller,
            path_or_file=io.StringIO(job.content),
            actor=job.created_by,
            default_hs_code=options.get("default_hs_code"),
            skip_invalid=bool(options.get("skip_invalid")),
            dry_run=bool(options.get("dry_run")),
            progress=progress,
        )
    except DomainError as exc:
        CatalogImport.objects.filter(pk=import_id).update(
            status=CatalogImportStatus.FAILED, error=exc.message, finished_at=clock.now()
        )
    else:
        CatalogImport.objects.filter(pk=import_id).update(
            status=CatalogImportStatus.DONE,
            processed=F("total"),
            finished_at=clock.now(),
            result={
                "products": result.products,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "skipped": result.skipped,
                "dry_run": result.dry_run,
                "ok": result.ok,
                "errors": result.errors,
                "warnings": result.warnings,
            },
        )
    job.refresh_from_db()
    return job


def catalog_import_get(*, seller: Seller, import_id: int) -> CatalogImport:
    job = CatalogImport.objects.filter(pk=import_id, seller=seller).first()
    if job is None:
        raise NotFound(f"no import {import_id}")
    return job
