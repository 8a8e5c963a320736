"""``ehub catalog import --seller ID_OR_SLUG FILE.csv [--hs-code CODE] [--skip-invalid]
[--dry-run]``: a Shopify product CSV export into a seller's catalog (see docs/catalog-import.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ehub.catalog.shopify import ShopifyImportResult, catalog_import_shopify
from ehub.core.errors import DomainError
from ehub.sellers.models import Seller


class Command(BaseCommand):
    help = "Import a seller's catalog from a Shopify product CSV export."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        importer = sub.add_parser(
            "import",
            help="import a Shopify product CSV export (all or nothing unless --skip-invalid)",
        )
        importer.add_argument("file", type=Path, help="the CSV file Shopify exported")
        importer.add_argument("--seller", required=True, help="the seller's id or slug")
        importer.add_argument(
            "--hs-code", default=None, help="HS code for products whose rows give none"
        )
        importer.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid products and skip (and report) the invalid ones",
        )
        importer.add_argument(
            "--dry-run", action="store_true", help="check the file and report; write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seller = self._seller(options["seller"])
        path: Path = options["file"]
        if not path.is_file():
            problem = "not a file" if path.exists() else "no such file"
            raise CommandError(f"{problem}: {path}", returncode=2)
        stream = getattr(self.stderr, "_out", sys.stderr)
        bars: list[tqdm] = []  # made on the first product, once the file has been read

        def progress(done: int, total: int) -> None:
            if not bars:
                bars.append(tqdm(total=total, desc="importing", unit="product", file=stream))
            bars[0].update(done - bars[0].n)

        try:
            result = catalog_import_shopify(
                seller=seller,
                path_or_file=path,
                default_hs_code=options["hs_code"],
                skip_invalid=options["skip_invalid"],
                dry_run=options["dry_run"],
                progress=progress,
            )
        except DomainError as exc:
            raise CommandError(f"{path}: {exc.message}", returncode=2) from exc
        finally:
            for bar in bars:
                bar.close()
        self._report(result, path=path, skip_invalid=options["skip_invalid"])

    def _seller(self, key: str) -> Seller:
        seller = (
            Seller.objects.filter(pk=int(key)).first()
            if key.isdigit()
            else Seller.objects.filter(slug=key).first()
        )
        if seller is None:
            raise CommandError(f"no seller with id or slug {key!r}", returncode=2)
        return seller

    def _report(self, result: ShopifyImportResult, *, path: Path, skip_invalid: bool) -> None:
        for item in result.warnings:
            self.stderr.write(f"{path}:{item['line']}: warning: {_where(item)}{item['message']}")
        for item in result.errors:
            self.stderr.write(f"{path}:{item['line']}: error: {_where(item)}{item['message']}")
        prefix = "dry run, nothing written: " if result.dry_run else ""
        self.stdout.write(
            f"{prefix}{result.products} products in {path.name}: {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged, {result.skipped} skipped"
        )
        if result.errors:
            count = len(result.errors)
            noun = "error" if count == 1 else "errors"
            if skip_invalid:
                outcome = f"{result.skipped} product(s) skipped"
            else:
                outcome = "nothing was imported (use --skip-invalid to import the valid products)"
            raise CommandError(f"{count} {noun}: {outcome}", returncode=2)


def _where(item: dict[str, Any]) -> str:
    parts = []
    if item["column"]:
        parts.append(f"column {item['column']!r}")
    if item["handle"]:
        parts.append(f"product {item['handle']}")
    return f"{', '.join(parts)}: " if parts else ""
