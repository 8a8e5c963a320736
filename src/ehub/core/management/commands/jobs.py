"""``ehub jobs list|schedule|run NAME|work``: the periodic background jobs (ehub.core.jobs)."""

from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError, ProgrammingError

from ehub.core.errors import DomainError
from ehub.core.jobs import job_run_now, jobs_enqueue_due, periodic_jobs
from ehub.core.models import JobSchedule


class Command(BaseCommand):
    help = (
        "Periodic background jobs: list them, enqueue the due ones (cron: `ehub jobs schedule` "
        "every minute, with `ehub db_worker` running), run one now, or schedule and work in one "
        "process (`ehub jobs work`, what `make demo` runs)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="every job, its interval and when it was last enqueued")
        sub.add_parser("schedule", help="enqueue every job whose interval has passed, then exit")
        run = sub.add_parser("run", help="run one job in this process now and print its result")
        run.add_argument("name")
        work = sub.add_parser(
            "work", help="loop: enqueue the due jobs, run every queued task, sleep"
        )
        work.add_argument(
            "--sleep", type=float, default=5.0, help="seconds between rounds (default 5)"
        )
        work.add_argument("--rounds", type=int, default=0, help="stop after N rounds (0: never)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._handle(options)
        except (OperationalError, ProgrammingError) as exc:
            raise CommandError(
                f"the database is not ready ({exc}); run `ehub migrate` first"
            ) from exc

    def _handle(self, options: dict[str, Any]) -> None:
        action = options["action"]
        if action == "list":
            last = dict(JobSchedule.objects.values_list("name", "last_enqueued_at"))
            for job in periodic_jobs():
                when = last.get(job.name)
                self.stdout.write(
                    f"{job.name:<36} every {int(job.interval.total_seconds()):>5}s  "
                    f"last enqueued {when.isoformat() if when else 'never'}  {job.help}"
                )
        elif action == "schedule":
            names = jobs_enqueue_due()
            self.stdout.write(
                f"enqueued {len(names)} job(s)" + (": " + ", ".join(names) if names else "")
            )
        elif action == "run":
            try:
                result = job_run_now(options["name"])
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(json.dumps(result, default=str, ensure_ascii=False))
        else:
            self._work(sleep=options["sleep"], rounds=options["rounds"])

    def _work(self, *, sleep: float, rounds: int) -> None:
        self.stdout.write(
            f"ehub jobs: scheduling every {settings.EHUB_JOBS_INTERVAL_SECONDS}s and running "
            f"queued tasks every {sleep}s (Ctrl-C to stop)"
        )
        done = 0
        try:
            while rounds == 0 or done < rounds:
                jobs_enqueue_due()
                call_command(
                    "db_worker", batch=True, startup_delay=False, reload=False, verbosity=0
                )
                done += 1
                if rounds == 0 or done < rounds:
                    time.sleep(sleep)
        except KeyboardInterrupt:
            self.stdout.write("ehub jobs: stopped")
