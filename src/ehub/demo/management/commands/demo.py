from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ehub.core.errors import DomainError
from ehub.demo.services import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Demo data: `ehub demo load` (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="load demo markets, rates, HS codes, sellers and products")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = demo_load(say=lambda text: self.stdout.write(f"  {text}"))
        except DomainError as exc:
            raise CommandError(f"demo data not loaded: {exc.message}", returncode=2) from exc
        for note in result.notes:
            self.stderr.write(f"note: {note}")
        self.stdout.write(
            self.style.SUCCESS(
                f"demo data loaded. Sign in at /admin/ as admin@ehub.example / {DEMO_PASSWORD} "
                "(all demo accounts share this password; see docs/demo.md)"
            )
        )
