"""Logistics' periodic background jobs (registered in LogisticsConfig.ready; docs/adr/0010)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from ehub.logistics.sandbox_carrier import sandbox_carrier_advance, sandbox_carrier_deliver_pending
from ehub.logistics.services import parcels_customs_submit_pending, parcels_refund_pending


@task()
def deliver_sandbox_events() -> list[list[str]]:
    return [list(row) for row in sandbox_carrier_deliver_pending()]


@task()
def advance_sandbox_carrier() -> list[int]:
    """One more step of every sandbox journey (a demo's parcels travel on their own)."""
    if not settings.EHUB_LOGISTICS_SANDBOX_ENABLED:
        return []
    return sandbox_carrier_advance(steps=1)


@task()
def submit_customs_pending() -> list[list[str]]:
    return [list(row) for row in parcels_customs_submit_pending()]


@task()
def refund_returns_pending() -> list[list[object]]:
    return [list(row) for row in parcels_refund_pending()]


def register() -> None:
    from ehub.core.jobs import register_periodic

    register_periodic(
        "logistics.deliver_sandbox_events",
        deliver_sandbox_events,
        help="retry sandbox carrier webhooks not delivered after commit",
    )
    register_periodic(
        "logistics.advance_sandbox_carrier",
        advance_sandbox_carrier,
        every_seconds=settings.EHUB_LOGISTICS_SANDBOX_STEP_SECONDS,
        help="the sandbox carrier moves every parcel one step further",
    )
    register_periodic(
        "logistics.submit_customs_pending",
        submit_customs_pending,
        help="submit declarations of departed parcels that could not be submitted",
    )
    register_periodic(
        "logistics.refund_returns_pending",
        refund_returns_pending,
        help="retry refunds of returned parcels",
    )
