"""``ehub landed-cost``: JSON request on stdin (or ``--request FILE``), JSON result on stdout.

Bad input prints ``{"code", "message", "detail"}`` on stdout and exits with status 2; a database
that cannot be read (e.g. never migrated) prints the same shape with ``database_unavailable`` and
exits with status 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError

from ehub.core.errors import CoreErrorCode, DomainError
from ehub.customs.quoting import landed_cost_for_payload


class Command(BaseCommand):
    help = "Compute duties, import taxes and fees for a parcel (JSON in, JSON out)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--request", type=Path, help="read the request from this file")
        parser.add_argument("--compact", action="store_true", help="one-line JSON output")

    def handle(self, *args: Any, **options: Any) -> None:
        indent = None if options["compact"] else 2
        try:
            text = self._read(options["request"])
            try:
                payload = json.loads(text)
            except json.JSONDecodeError as exc:
                raise DomainError(
                    CoreErrorCode.INVALID_INPUT,
                    f"the request is not valid JSON: {exc.msg} at line {exc.lineno}",
                    {"line": exc.lineno, "column": exc.colno},
                ) from exc
            result = landed_cost_for_payload(payload)
        except DomainError as exc:
            self.stdout.write(json.dumps(exc.as_dict(), ensure_ascii=False, indent=indent))
            sys.exit(2)
        except DatabaseError as exc:
            # Not the request's fault (exit 1, not 2): the stored rates could not be read.
            error = {
                "code": "database_unavailable",
                "message": "ehub's database could not be read (if it is new, run `ehub migrate`"
                " or `make migrate` first)",
                "detail": {"error": str(exc)},
            }
            self.stdout.write(json.dumps(error, ensure_ascii=False, indent=indent))
            sys.exit(1)
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=indent))

    def _read(self, path: Path | None) -> str:
        if path is None:
            return sys.stdin.read()
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DomainError(
                CoreErrorCode.INVALID_INPUT, f"cannot read {path}: {exc}", {"field": "--request"}
            ) from exc
