"""Payments' periodic background jobs (registered in PaymentsConfig.ready; docs/adr/0010)."""

from __future__ import annotations

from django_tasks import task

from ehub.payments.sandbox import sandbox_callbacks_deliver_pending
from ehub.payments.services import payments_expire_stale, payments_notify_captures_pending


@task()
def deliver_sandbox_callbacks() -> list[list[str]]:
    return [list(row) for row in sandbox_callbacks_deliver_pending()]


@task()
def notify_captures() -> list[list[object]]:
    return [list(row) for row in payments_notify_captures_pending()]


@task()
def expire_stale() -> list[str]:
    return [str(p.public_id) for p in payments_expire_stale()]


def register() -> None:
    from ehub.core.jobs import register_periodic

    register_periodic(
        "payments.deliver_sandbox_callbacks",
        deliver_sandbox_callbacks,
        help="retry sandbox callbacks not delivered after commit",
    )
    register_periodic(
        "payments.notify_captures",
        notify_captures,
        help="re-run capture listeners that failed (orders marks paid)",
    )
    register_periodic(
        "payments.expire_stale", expire_stale, help="fail payments pending past their TTL"
    )
