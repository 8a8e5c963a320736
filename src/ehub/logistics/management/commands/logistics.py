"""``ehub logistics load-network | deliver-events | advance-sandbox | submit-customs |
refund-returns``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ehub.core.errors import DomainError


class Command(BaseCommand):
    help = "Logistics: load the hub network, deliver and advance the sandbox carrier's events, "
    "retry customs submissions and refunds."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load-network", help="validate and load hubs and routes")
        load.add_argument("--file", type=Path, default=None, help="default: the bundled file")
        deliver = sub.add_parser(
            "deliver-events", help="(re)deliver the sandbox carrier's released, pending events"
        )
        deliver.add_argument("--limit", type=int, default=None)
        advance = sub.add_parser(
            "advance-sandbox",
            help="let the sandbox carrier's journeys move on by N steps (default 1)",
        )
        advance.add_argument("--waybill", default=None, help="one waybill (default: all)")
        advance.add_argument("--steps", type=int, default=1)
        advance.add_argument("--all", action="store_true", help="run every journey to its end")
        sub.add_parser("submit-customs", help="submit declarations for departed parcels")
        sub.add_parser("refund-returns", help="retry refunds for returning parcels")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except DomainError as exc:
            detail = exc.detail.get("problems") if isinstance(exc.detail, dict) else None
            lines = [exc.message, *(f"  - {p}" for p in (detail or [])[1:])]
            raise CommandError("\n".join(lines), returncode=2) from exc

    def _load_network(self, options: dict[str, Any]) -> None:
        from ehub.logistics.services import NETWORK_FILE, network_load

        result = network_load(path=options["file"] or NETWORK_FILE)
        self.stdout.write(
            f"hubs: {result.hubs_created} created, {result.hubs_updated} updated; routes: "
            f"{result.routes_created} created, {result.routes_updated} updated, "
            f"{result.routes_deactivated} deactivated"
        )

    def _deliver_events(self, options: dict[str, Any]) -> None:
        from ehub.logistics.sandbox_carrier import sandbox_carrier_deliver_pending

        results = sandbox_carrier_deliver_pending(limit=options["limit"])
        for event_id, result in results:
            self.stdout.write(f"{event_id}: {result}")
        self.stdout.write(f"{len(results)} event(s) attempted")

    def _advance_sandbox(self, options: dict[str, Any]) -> None:
        from ehub.logistics.sandbox_carrier import sandbox_carrier_advance

        steps = 100 if options["all"] else options["steps"]
        released = sandbox_carrier_advance(waybill=options["waybill"], steps=steps)
        self.stdout.write(f"{len(released)} event(s) released and delivered")

    def _submit_customs(self, options: dict[str, Any]) -> None:
        from ehub.logistics.services import parcels_customs_submit_pending

        results = parcels_customs_submit_pending()
        for code, status in results:
            self.stdout.write(f"{code}: {status}")
        self.stdout.write(f"{len(results)} parcel(s) tried")

    def _refund_returns(self, options: dict[str, Any]) -> None:
        from ehub.logistics.services import parcels_refund_pending

        results = parcels_refund_pending()
        for code, ok in results:
            self.stdout.write(f"{code}: {'refunded' if ok else 'not refunded'}")
        self.stdout.write(f"{len(results)} parcel(s) tried")
