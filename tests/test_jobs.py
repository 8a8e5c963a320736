"""Periodic background jobs: registered per domain, enqueued when due (once, even with two
schedulers), run by the database worker after the enqueueing transaction commits."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks_db.models import DBTaskResult

from ehub.core import clock
from ehub.core.jobs import jobs_enqueue_due, periodic_jobs
from ehub.core.models import JobSchedule
from ehub.orders.models import Order
from ehub.orders.services import order_place
from ehub.orders.tests.helpers import my_quote, world

pytestmark = pytest.mark.django_db

EXPECTED = {
    "core.prune_task_results",
    "customs.deliver_sandbox_decisions",
    "customs.notify_decisions",
    "logistics.advance_sandbox_carrier",
    "logistics.deliver_sandbox_events",
    "logistics.refund_returns_pending",
    "logistics.submit_customs_pending",
    "orders.expire_unpaid",
    "orders.purge_idempotency_keys",
    "orders.release_lapsed",
    "orders.settle_refunds",
    "payments.deliver_sandbox_callbacks",
    "payments.expire_stale",
    "payments.notify_captures",
}


def test_each_domain_registers_its_sweeps():
    assert {job.name for job in periodic_jobs()} >= EXPECTED


def test_a_job_is_enqueued_when_its_interval_has_passed_and_not_before(settings):
    """Jobs without their own interval follow EHUB_JOBS_INTERVAL_SECONDS (60 here); the sandbox
    carrier's step (30 s) and the hourly ones keep theirs."""
    settings.EHUB_JOBS_INTERVAL_SECONDS = 60
    start = clock.now()

    first = jobs_enqueue_due(now=start)
    again = jobs_enqueue_due(now=start + dt.timedelta(seconds=59))
    later = jobs_enqueue_due(now=start + dt.timedelta(seconds=60))

    assert set(first) >= EXPECTED
    assert again == ["logistics.advance_sandbox_carrier"]  # every 30 s
    assert "orders.expire_unpaid" in later
    assert "orders.release_lapsed" not in later  # hourly
    assert DBTaskResult.objects.filter(task_path="ehub.orders.tasks.expire_unpaid").count() == 2
    row = JobSchedule.objects.get(name="orders.expire_unpaid")
    assert row.last_enqueued_at == start + dt.timedelta(seconds=60)


@pytest.mark.django_db(transaction=True)  # the worker closes its connections between tasks
def test_the_worker_runs_an_enqueued_sweep_for_real(settings):
    w = world()
    order = order_place(buyer=w.buyer, quote_id=my_quote(w.buyer, [(w.variant, 2)]).public_id)
    Order.objects.filter(pk=order.pk).update(placed_at=clock.now() - dt.timedelta(hours=2))

    call_command("jobs", "work", "--rounds", "1", "--sleep", "0", stdout=io.StringIO())

    assert Order.objects.get(pk=order.pk).status == "cancelled"
    result = DBTaskResult.objects.get(task_path="ehub.orders.tasks.expire_unpaid")
    assert (result.status, result.return_value) == ("SUCCESSFUL", [order.pk])


def test_jobs_run_runs_one_now_and_an_unknown_name_is_a_clear_error():
    out = io.StringIO()
    call_command("jobs", "run", "orders.settle_refunds", stdout=out)
    assert out.getvalue().strip() == "[]"

    with pytest.raises(CommandError, match=r"no periodic job .nope.; known: core\.prune"):
        call_command("jobs", "run", "nope")


def test_jobs_list_names_every_job():
    out = io.StringIO()
    call_command("jobs", "list", stdout=out)
    assert {line.split()[0] for line in out.getvalue().splitlines()} >= EXPECTED
