"""Customs clearance's periodic background jobs (registered in CustomsConfig.ready)."""

from __future__ import annotations

from django_tasks import task

from ehub.customs.clearance import declarations_notify_pending
from ehub.customs.sandbox_authority import sandbox_decisions_deliver_pending


@task()
def deliver_sandbox_decisions() -> list[list[str]]:
    return [list(row) for row in sandbox_decisions_deliver_pending()]


@task()
def notify_decisions() -> list[list[object]]:
    return [list(row) for row in declarations_notify_pending()]


def register() -> None:
    from ehub.core.jobs import register_periodic

    register_periodic(
        "customs.deliver_sandbox_decisions",
        deliver_sandbox_decisions,
        help="retry the sandbox authority's decision callbacks not delivered after commit",
    )
    register_periodic(
        "customs.notify_decisions",
        notify_decisions,
        help="re-run decision listeners that failed (logistics moves the parcel)",
    )
