"""Orders' periodic background jobs (registered in OrdersConfig.ready; docs/adr/0010)."""

from __future__ import annotations

from django_tasks import task

from ehub.orders.services import (
    idempotency_keys_purge,
    order_expire_unpaid,
    order_refunds_settle,
    order_release_lapsed,
)


@task()
def expire_unpaid() -> list[int]:
    return order_expire_unpaid()


@task()
def release_lapsed() -> list[int]:
    return order_release_lapsed()


@task()
def settle_refunds() -> list[str]:
    return order_refunds_settle()


@task()
def purge_idempotency_keys() -> int:
    return idempotency_keys_purge()


def register() -> None:
    from ehub.core.jobs import register_periodic

    register_periodic(
        "orders.expire_unpaid", expire_unpaid, help="cancel unpaid orders, return their stock"
    )
    register_periodic(
        "orders.release_lapsed",
        release_lapsed,
        every_seconds=3600,
        help="release delivered orders whose confirmation window lapsed",
    )
    register_periodic(
        "orders.settle_refunds", settle_refunds, help="retry failed refunds of cancelled orders"
    )
    register_periodic(
        "orders.purge_idempotency_keys",
        purge_idempotency_keys,
        every_seconds=3600,
        help="delete stored idempotency keys past their TTL",
    )
