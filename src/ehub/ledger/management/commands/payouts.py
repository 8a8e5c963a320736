"""``ehub payouts run [--date D] [--csv FILE]``: pay out every seller's payable, one batch."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ehub.core.errors import DomainError
from ehub.ledger.services import payout_batch_lines, payouts_csv_export, payouts_run


class Command(BaseCommand):
    help = "Batch a payout for every seller and currency with a positive payable; export CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        runner = sub.add_parser("run", help="pay every positive seller payable")
        runner.add_argument(
            "--date", type=dt.date.fromisoformat, default=None, help="payment date (default today)"
        )
        runner.add_argument("--csv", type=Path, default=None, help="write the batch as CSV here")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            batch = payouts_run(on_date=options["date"])
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        lines = payout_batch_lines(batch=batch)
        self.stdout.write(
            f"payout batch {batch.reference} for {batch.on_date}: {len(lines)} payout(s)"
        )
        for line in lines:
            self.stdout.write(f"  seller {line.seller_id}: {line.amount}")
        if options["csv"] is not None:
            with options["csv"].open("w", encoding="utf-8", newline="") as out:
                rows = payouts_csv_export(batch=batch, out=out)
            self.stdout.write(f"wrote {rows} row(s) to {options['csv']}")
