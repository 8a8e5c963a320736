"""The HS nomenclature: import from the public CSV, look codes up, validate a product's code."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from ehub.core.errors import DomainError
from ehub.customs.errors import CustomsErrorCode
from ehub.customs.models import HsCode, HsSection

HS_CODE_PATTERN = re.compile(r"^\d{6}$")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV",
         "XV", "XVI", "XVII", "XVIII", "XIX", "XX", "XXI"]  # fmt: skip


@dataclass(frozen=True)
class HsImportResult:
    sections: int
    codes: int
    created: int
    updated: int


class HsFileInvalid(DomainError):
    def __init__(self, problems: list[str]) -> None:
        shown = "; ".join(problems[:5]) + (
            f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        )
        super().__init__(
            CustomsErrorCode.HS_FILE_INVALID, f"nothing was imported: {shown}", problems
        )


def _resolve_files(path: Path) -> tuple[Path, Path | None]:
    if path.is_dir():
        codes, sections = path / "harmonized-system.csv", path / "sections.csv"
        return codes, sections if sections.exists() else None
    sections = path.with_name("sections.csv")
    return path, sections if sections.exists() else None


def hs_import(*, path: Path, progress: Callable[[int], None] | None = None) -> HsImportResult:
    """Load the HS CSV (``section,hscode,description,parent,level``) and its ``sections.csv``.

    All rows are checked before anything is written; the import is one transaction and
    re-importing updates descriptions in place.
    """
    try:
        return _hs_import(path=path, progress=progress)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise HsFileInvalid([f"not a UTF-8 CSV file ({exc})"]) from exc


def _hs_import(*, path: Path, progress: Callable[[int], None] | None) -> HsImportResult:
    codes_file, sections_file = _resolve_files(Path(path))
    problems: list[str] = []
    sections: list[tuple[str, str]] = []
    if sections_file is not None:
        with sections_file.open(encoding="utf-8-sig", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                numeral, name = (row.get("section") or "").strip(), (row.get("name") or "").strip()
                if numeral not in ROMAN or not name:
                    problems.append(f"{sections_file.name} line {line}: bad section row")
                    continue
                sections.append((numeral, name))
    try:
        handle = codes_file.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise HsFileInvalid([f"cannot read {codes_file}: {exc}"]) from exc
    rows: list[tuple[str, int, str, str, str]] = []
    with handle:
        reader = csv.DictReader(handle)
        expected = {"section", "hscode", "description", "parent", "level"}
        if not expected <= set(reader.fieldnames or []):
            raise HsFileInvalid([f"{codes_file.name}: expected columns {sorted(expected)}"])
        for line, row in enumerate(reader, start=2):
            code = (row["hscode"] or "").strip()
            if code == "TOTAL":
                continue  # the synthetic "all commodities" row
            level_text = (row["level"] or "").strip()
            if not level_text.isdigit() or int(level_text) not in (2, 4, 6):
                problems.append(
                    f"{codes_file.name} line {line}: level {level_text!r} is not 2, 4 or 6"
                )
                continue
            level = int(level_text)
            if not code.isdigit() or len(code) != level:
                problems.append(
                    f"{codes_file.name} line {line}: code {code!r} is not {level} digits"
                )
                continue
            description = (row["description"] or "").strip()
            if not description:
                problems.append(f"{codes_file.name} line {line}: no description")
                continue
            parent = (row["parent"] or "").strip()
            rows.append(
                (
                    code,
                    level,
                    description,
                    "" if parent == "TOTAL" else parent,
                    row["section"].strip(),
                )
            )
    if problems:
        raise HsFileInvalid(problems)
    if not rows:
        raise HsFileInvalid([f"{codes_file.name} holds no codes"])

    with transaction.atomic():
        for numeral, name in sections:
            HsSection.objects.update_or_create(
                numeral=numeral, defaults={"name": name, "position": ROMAN.index(numeral) + 1}
            )
        section_ids = dict(HsSection.objects.values_list("numeral", "id"))
        existing = set(HsCode.objects.values_list("code", flat=True))
        objects = [
            HsCode(
                code=code,
                level=level,
                description=description,
                parent_code=parent,
                section_id=section_ids.get(section),
            )
            for code, level, description, parent, section in rows
        ]
        batch = 500
        for start in range(0, len(objects), batch):
            chunk = objects[start : start + batch]
            HsCode.objects.bulk_create(
                chunk,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["level", "description", "parent_code", "section"],
            )
            if progress:
                progress(len(chunk))
    created = sum(1 for o in objects if o.code not in existing)
    return HsImportResult(
        sections=len(sections), codes=len(objects), created=created, updated=len(objects) - created
    )


def hs_search(*, text: str, limit: int = 20) -> list[HsCode]:
    """Codes whose number starts with ``text`` (digits) or whose description has every word.

    Subheadings (6 digits) first, as those are what a product needs."""
    text = text.strip()
    if not text:
        return []
    limit = max(1, min(limit, 100))
    compact = text.replace(".", "").replace(" ", "")
    if compact.isdigit():
        query = HsCode.objects.filter(code__startswith=compact)
    else:
        words = [w for w in re.split(r"\W+", text) if len(w) >= 2]
        if not words:
            return []
        condition = Q()
        for word in words:
            condition &= Q(description__icontains=word)
        query = HsCode.objects.filter(condition)
    return list(query.select_related("section").order_by("-level", "code")[:limit])


def hs_nomenclature_loaded() -> bool:
    return HsCode.objects.filter(level=6).exists()


def hs_code_clean(code: str) -> str:
    """A 6-digit HS subheading; checked against the nomenclature once it has been imported."""
    compact = str(code or "").strip().replace(".", "").replace(" ", "")
    if not HS_CODE_PATTERN.match(compact):
        raise DomainError(
            CustomsErrorCode.INVALID_HS_CODE,
            f"HS code {code!r} must be 6 digits (an HS subheading, e.g. 090121)",
            {"field": "hs_code"},
            status=422,
        )
    if hs_nomenclature_loaded() and not HsCode.objects.filter(code=compact, level=6).exists():
        raise DomainError(
            CustomsErrorCode.UNKNOWN_HS_CODE,
            f"HS code {compact} is not a subheading of the HS 2022 nomenclature",
            {"field": "hs_code"},
            status=422,
        )
    return compact
