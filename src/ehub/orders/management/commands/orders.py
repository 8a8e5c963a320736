"""``ehub orders expire-unpaid``, ``release-lapsed``, ``settle-refunds`` and
``purge-idempotency-keys``: run by a scheduler (docs/adr/0010-background-work.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ehub.orders.services import (
    idempotency_keys_purge,
    order_expire_unpaid,
    order_refunds_settle,
    order_release_lapsed,
)


class Command(BaseCommand):
    help = (
        "Order housekeeping: cancel unpaid orders (returning stock), release delivered orders "
        "whose confirmation window lapsed, retry failed refunds of cancelled orders, purge old "
        "idempotency keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        expire = sub.add_parser(
            "expire-unpaid", help="cancel orders unpaid for too long and return their stock"
        )
        expire.add_argument(
            "--older-than-minutes",
            type=int,
            default=None,
            help="default: EHUB_ORDERS_UNPAID_TTL_MINUTES",
        )
        lapsed = sub.add_parser(
            "release-lapsed",
            help="release the escrow of delivered orders whose confirmation window is over",
        )
        lapsed.add_argument(
            "--window-days",
            type=int,
            default=None,
            help="default: EHUB_ORDERS_CONFIRMATION_WINDOW_DAYS",
        )
        sub.add_parser(
            "settle-refunds",
            help="retry the refunds of cancelled orders' paid parcels that the provider failed",
        )
        purge = sub.add_parser(
            "purge-idempotency-keys", help="delete stored idempotency keys past their TTL"
        )
        purge.add_argument(
            "--older-than-hours",
            type=int,
            default=None,
            help="default and minimum: EHUB_ORDERS_IDEMPOTENCY_KEY_TTL_HOURS (≥ 24)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "expire-unpaid":
            minutes = options["older_than_minutes"]
            cancelled = order_expire_unpaid(
                older_than=dt.timedelta(minutes=minutes) if minutes is not None else None
            )
            self.stdout.write(
                f"cancelled {len(cancelled)} unpaid order(s)"
                + (": " + ", ".join(f"ORD-{pk}" for pk in cancelled) if cancelled else "")
            )
        elif options["action"] == "release-lapsed":
            completed = order_release_lapsed(window_days=options["window_days"])
            self.stdout.write(
                f"released {len(completed)} delivered order(s)"
                + (": " + ", ".join(f"ORD-{pk}" for pk in completed) if completed else "")
            )
        elif options["action"] == "settle-refunds":
            failed = order_refunds_settle()
            if failed:
                raise CommandError(
                    f"{len(failed)} parcel refund(s) still failing: " + ", ".join(failed)
                )
            self.stdout.write("every cancelled order's paid parcels are refunded")
        else:
            hours = options["older_than_hours"]
            deleted = idempotency_keys_purge(
                older_than=dt.timedelta(hours=hours) if hours is not None else None
            )
            self.stdout.write(f"deleted {deleted} idempotency key(s)")
