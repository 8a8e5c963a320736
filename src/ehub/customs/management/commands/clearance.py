"""``ehub clearance deliver-decisions | notify-decisions | registrations | sandbox-rules``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ehub.core import clock
from ehub.customs.clearance import declarations_notify_pending
from ehub.customs.clearance_domain import SandboxRulesError
from ehub.customs.registrations import RegistrationFileError, get_registrations
from ehub.customs.sandbox_authority import sandbox_decisions_deliver_pending, sandbox_rules


class Command(BaseCommand):
    help = (
        "Customs clearance housekeeping: deliver the sandbox authority's due decisions, re-run "
        "decision listeners that failed, show the platform's registrations and the sandbox rules."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        deliver = sub.add_parser(
            "deliver-decisions", help="(re)deliver the sandbox authority's pending, due decisions"
        )
        deliver.add_argument("--limit", type=int, default=None)
        sub.add_parser(
            "notify-decisions", help="run the decision listeners again where they failed"
        )
        registrations = sub.add_parser(
            "registrations", help="validate registrations.toml and list what is in force"
        )
        registrations.add_argument("--date", default=None, help="YYYY-MM-DD (default today)")
        sub.add_parser("sandbox-rules", help="validate and list the sandbox authority's rules")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "deliver-decisions":
            results = sandbox_decisions_deliver_pending(limit=options["limit"])
            for event_id, result in results:
                self.stdout.write(f"{event_id}: {result}")
            self.stdout.write(f"{len(results)} decision(s) attempted")
        elif action == "notify-decisions":
            notified = declarations_notify_pending()
            for declaration_id, outcome, ok in notified:
                state = "notified" if ok else "a listener failed"
                self.stdout.write(f"declaration {declaration_id} {outcome}: {state}")
            done = sum(1 for *_, ok in notified if ok)
            self.stdout.write(f"{done} of {len(notified)} decision(s) notified")
        elif action == "registrations":
            try:
                on = dt.date.fromisoformat(options["date"]) if options["date"] else clock.today()
            except ValueError:
                raise CommandError(f"--date {options['date']!r} is not YYYY-MM-DD") from None
            try:
                registrations = get_registrations()
            except RegistrationFileError as exc:
                raise CommandError(f"registrations.toml: {exc}") from None
            for entry in registrations.entries:
                state = "in force" if entry.in_force(on) else "not in force"
                demo = " [DEMO]" if entry.demo else ""
                countries = ",".join(sorted(entry.destinations))
                self.stdout.write(
                    f"{entry.key}: {entry.number}{demo} ({entry.scheme}; {state} on {on}; "
                    f"{countries})"
                )
        else:
            try:
                rules = sandbox_rules()
            except (SandboxRulesError, OSError) as exc:
                raise CommandError(f"sandbox rules: {exc}") from None
            for rule in rules:
                then = f" then {rule.then}" if rule.then else ""
                docs = f" (documents: {', '.join(rule.documents)})" if rule.documents else ""
                self.stdout.write(f"{rule.name}: {rule.outcome}{then}{docs} — {rule.reason}")
            self.stdout.write(f"{len(rules)} rule(s); no match: cleared")
