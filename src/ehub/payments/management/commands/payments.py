"""``ehub payments deliver-callbacks | expire | notify-captures``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ehub.payments.sandbox import sandbox_callbacks_deliver_pending
from ehub.payments.services import payments_expire_stale, payments_notify_captures_pending


class Command(BaseCommand):
    help = "Payments housekeeping: deliver queued sandbox callbacks, expire stale payments, "
    "re-run capture listeners that failed."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        deliver = sub.add_parser(
            "deliver-callbacks", help="(re)deliver the sandbox's pending signed callbacks"
        )
        deliver.add_argument("--limit", type=int, default=None)
        expire = sub.add_parser(
            "expire", help="mark payments pending longer than the TTL as failed"
        )
        expire.add_argument(
            "--older-than-seconds",
            type=int,
            default=None,
            help="default EHUB_PAYMENTS_PENDING_TTL_SECONDS",
        )
        sub.add_parser("notify-captures", help="run the capture listeners again where they failed")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "deliver-callbacks":
            results = sandbox_callbacks_deliver_pending(limit=options["limit"])
            for event_id, result in results:
                self.stdout.write(f"{event_id}: {result}")
            self.stdout.write(f"{len(results)} callback(s) attempted")
        elif action == "expire":
            seconds = options["older_than_seconds"]
            expired = payments_expire_stale(
                older_than=dt.timedelta(seconds=seconds) if seconds is not None else None
            )
            for payment in expired:
                self.stdout.write(f"expired {payment.public_id} ({payment.order_ref})")
            self.stdout.write(f"{len(expired)} payment(s) expired")
        else:
            notified = payments_notify_captures_pending()
            for payment_id, ok in notified:
                self.stdout.write(f"{payment_id}: {'notified' if ok else 'a listener failed'}")
            done = sum(1 for _, ok in notified if ok)
            self.stdout.write(f"{done} of {len(notified)} capture(s) notified")
