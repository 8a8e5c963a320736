"""``ehub fx import FILE`` and ``ehub fx convert AMOUNT FROM TO [--date D]``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ehub.core import clock
from ehub.core.currencies import UnknownCurrency, normalize_currency
from ehub.core.errors import DomainError
from ehub.core.money import Money, MoneyError
from ehub.markets.selectors import fx_convert
from ehub.markets.services import fx_import


class Command(BaseCommand):
    help = "Import FX reference rates (ECB CSV or base,quote,rate,date CSV) and convert amounts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        importer = sub.add_parser("import", help="import a rate file (whole file or nothing)")
        importer.add_argument("file", type=Path)
        converter = sub.add_parser("convert", help="convert an amount at a date's rates")
        converter.add_argument("amount")
        converter.add_argument("source")
        converter.add_argument("target")
        converter.add_argument("--date", type=dt.date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "import":
                self._import(options["file"])
            else:
                self._convert(options)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        except (MoneyError, UnknownCurrency) as exc:
            raise CommandError(str(exc), returncode=2) from exc

    def _import(self, path: Path) -> None:
        if not path.is_file():
            raise CommandError(f"no such file: {path}", returncode=2)
        result = fx_import(path=path)
        self.stdout.write(
            f"imported {result.rates} {result.format.upper()} rates for {result.days} day(s) "
            f"from {result.first_date} to {result.last_date} "
            f"({len(result.currencies)} currencies)"
        )
        if result.skipped_currencies:
            self.stdout.write(
                "skipped withdrawn currencies: " + ", ".join(result.skipped_currencies)
            )

    def _convert(self, options: dict[str, Any]) -> None:
        money = Money(options["amount"], normalize_currency(options["source"]))
        target = normalize_currency(options["target"])
        converted = fx_convert(money=money, quote=target, on_date=options["date"] or clock.today())
        self.stdout.write(f"{money} = {converted}")
