"""Periodic background jobs (docs/adr/0010-background-work.md).

Each domain registers its sweeps here from its ``AppConfig.ready``: a django-tasks task taking no
arguments and an interval. ``jobs_enqueue_due`` (``ehub jobs schedule``, from cron every minute,
or the loop in ``ehub jobs work``) enqueues the ones whose interval has passed; a worker
(``ehub db_worker``, or ``ehub jobs work``) runs them. With the database task backend an enqueued
task is a row written in the caller's transaction: enqueueing work from a service inside its
transaction is the transactional outbox, and the work runs only if that transaction commits.

Every job is idempotent and safe to run twice or concurrently (each sweep re-checks state under
its own locks), so a job enqueued twice, or run by hand, does no harm.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from ehub.core import clock
from ehub.core.errors import DomainError, NotFound
from ehub.core.models import JobSchedule

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Any  # a django_tasks Task whose function takes no arguments
    every_seconds: int | None  # None: EHUB_JOBS_INTERVAL_SECONDS
    help: str

    @property
    def interval(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.every_seconds or settings.EHUB_JOBS_INTERVAL_SECONDS)


_jobs: dict[str, PeriodicJob] = {}


def register_periodic(
    name: str, task: Any, *, every_seconds: int | None = None, help: str = ""
) -> None:
    """Register a periodic job (idempotent: re-registering a name replaces it)."""
    _jobs[name] = PeriodicJob(name=name, task=task, every_seconds=every_seconds, help=help)


def periodic_jobs() -> list[PeriodicJob]:
    return [_jobs[name] for name in sorted(_jobs)]


def periodic_job(name: str) -> PeriodicJob:
    try:
        return _jobs[name]
    except KeyError:
        raise NotFound(
            f"no periodic job {name!r}; known: {', '.join(sorted(_jobs))}", {"job": name}
        ) from None


def jobs_enqueue_due(*, now: dt.datetime | None = None) -> list[str]:
    """Enqueue every job whose interval has passed since it was last enqueued; returns their
    names. One short transaction per job, holding that job's schedule row."""
    moment = now or clock.now()
    enqueued = []
    for job in periodic_jobs():
        JobSchedule.objects.get_or_create(name=job.name)
        with transaction.atomic():
            row = JobSchedule.objects.select_for_update().get(name=job.name)
            if row.last_enqueued_at is not None and moment - row.last_enqueued_at < job.interval:
                continue
            result = job.task.enqueue()
            row.last_enqueued_at = moment
            row.last_task_id = str(result.id)[:64]
            row.save(update_fields=["last_enqueued_at", "last_task_id"])
        enqueued.append(job.name)
    return enqueued


def job_run_now(name: str) -> Any:
    """Run one job in this process, now (``ehub jobs run NAME``): what its task returns."""
    job = periodic_job(name)
    try:
        return job.task.call()
    except DomainError:
        logger.exception("job %s failed", name)
        raise
