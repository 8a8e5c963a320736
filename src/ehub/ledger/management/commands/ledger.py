"""``ehub ledger check``: verify every ledger invariant and print a trial balance per currency."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ehub.ledger.checks import ledger_check


class Command(BaseCommand):
    help = "Check the ledger's invariants and print a trial balance; exit 1 if anything is off."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "check",
            help="entries balance per currency, no negative escrow or payable, released "
            "escrow is zero, captured payments funded escrow, triggers installed",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = ledger_check()
        self.stdout.write("trial balance")
        if not report.trial_balance:
            self.stdout.write("  (no postings)")
        for currency, table in report.trial_balance.items():
            self.stdout.write(f"  {currency}")
            for row in table.rows:
                debit = str(row.balance.amount) if row.balance.amount > 0 else ""
                credit = str(-row.balance.amount) if row.balance.amount < 0 else ""
                self.stdout.write(f"    {row.account!s:<60} {debit:>16} {credit:>16}")
            self.stdout.write(
                f"    {'total':<60} {table.debits.amount!s:>16} {table.credits.amount!s:>16}"
            )
        for problem in report.problems:
            self.stderr.write(f"PROBLEM {problem}")
        if not report.ok:
            raise CommandError(
                f"ledger check found {len(report.problems)} problem(s)", returncode=1
            )
        self.stdout.write("ledger check: OK")
