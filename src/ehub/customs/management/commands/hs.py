"""``ehub hs import [PATH]`` and ``ehub hs search TEXT [--limit N]``: the HS nomenclature."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from tqdm import tqdm

from ehub.core.errors import DomainError
from ehub.customs.models import HsCode
from ehub.customs.nomenclature import hs_import, hs_nomenclature_loaded, hs_search

LEVEL_NAMES = {2: "chapter", 4: "heading", 6: "subheading"}


class Command(BaseCommand):
    help = "Load the HS 2022 nomenclature and look codes up by words or code prefix."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        importer = sub.add_parser(
            "import", help="load harmonized-system.csv (+ sections.csv); whole file or nothing"
        )
        importer.add_argument(
            "path",
            nargs="?",
            type=Path,
            default=None,
            help="the data directory or harmonized-system.csv (default: EHUB_HS_DATA_DIR)",
        )
        searcher = sub.add_parser("search", help="find HS codes by words or code prefix")
        searcher.add_argument("text", nargs="+", help="words (coffee roasted) or digits (0901)")
        searcher.add_argument("--limit", type=int, default=20, help="at most N codes (1-100)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options["path"] or Path(settings.EHUB_HS_DATA_DIR))
        else:
            self._search(" ".join(options["text"]), limit=options["limit"])

    def _import(self, path: Path) -> None:
        codes_file = path / "harmonized-system.csv" if path.is_dir() else path
        if not codes_file.is_file():
            raise CommandError(f"no such file: {codes_file}", returncode=2)
        stream = getattr(self.stderr, "_out", sys.stderr)
        try:
            with tqdm(
                total=_count_codes(codes_file), desc="importing", unit="code", file=stream
            ) as bar:
                result = hs_import(path=path, progress=bar.update)
        except DomainError as exc:
            raise CommandError(f"{codes_file}: {exc.message}", returncode=2) from exc
        except (UnicodeDecodeError, csv.Error) as exc:
            # hs_import reads the file itself; it is not UTF-8 CSV.
            raise CommandError(
                f"{codes_file}: nothing was imported: not a UTF-8 CSV file ({exc})", returncode=2
            ) from exc
        levels = dict(
            HsCode.objects.values_list("level").annotate(n=Count("id")).values_list("level", "n")
        )
        self.stdout.write(
            f"imported {result.codes:,} HS codes ({result.created:,} new, "
            f"{result.updated:,} updated) and {result.sections} sections from {codes_file}"
        )
        self.stdout.write(
            f"nomenclature now holds {levels.get(2, 0):,} chapters, {levels.get(4, 0):,} "
            f"headings and {levels.get(6, 0):,} subheadings"
        )

    def _search(self, text: str, *, limit: int) -> None:
        if not hs_nomenclature_loaded():
            raise CommandError(
                "the HS nomenclature is not loaded yet: run `ehub hs import` first", returncode=2
            )
        codes = hs_search(text=text, limit=limit)
        if not codes:
            self.stdout.write(f"no HS code matches {text!r}")
            return
        for code in codes:
            level = LEVEL_NAMES.get(code.level, str(code.level))
            self.stdout.write(f"{code.code:<6}  {level:<10}  {code.description}")


def _count_codes(codes_file: Path) -> int | None:
    """Rows to import, for the progress bar (None if the file cannot be read as text)."""
    try:
        with codes_file.open(encoding="utf-8-sig", newline="") as handle:
            return sum(1 for row in csv.reader(handle) if row and row[1:2] != ["TOTAL"]) - 1
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
