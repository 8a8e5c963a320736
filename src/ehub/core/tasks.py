"""Core's periodic job: prune old task results (docs/adr/0010-background-work.md)."""

from __future__ import annotations

import io

from django.core.management import call_command
from django_tasks import task

# Finished task results are kept this long (failed ones longer, to be looked at).
KEEP_DAYS = 7
KEEP_FAILED_DAYS = 30


@task()
def prune_task_results() -> str:
    out = io.StringIO()
    call_command(
        "prune_db_task_results",
        min_age_days=KEEP_DAYS,
        failed_min_age_days=KEEP_FAILED_DAYS,
        stdout=out,
    )
    return out.getvalue().strip()


def register() -> None:
    from ehub.core.jobs import register_periodic

    register_periodic(
        "core.prune_task_results",
        prune_task_results,
        every_seconds=86400,
        help=f"delete finished task results older than {KEEP_DAYS} days",
    )
