from __future__ import annotations

from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "ehub.logistics"
    label = "logistics"
    verbose_name = "Logistics"

    def ready(self) -> None:
        from ehub.customs.clearance_hooks import register_decision_listener
        from ehub.logistics.services import customs_decision_received, parcels_create_for_order
        from ehub.logistics.tasks import register as register_jobs
        from ehub.payments.hooks import register_capture_listener

        # Registered after orders' own listener (INSTALLED_APPS order), so the order is paid
        # when ours runs; parcels are also created on first need, so a missed call is harmless.
        register_capture_listener(parcels_create_for_order)
        register_decision_listener(customs_decision_received)
        register_jobs()
