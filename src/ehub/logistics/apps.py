from __future__ import annotations

import importlib
import importlib.util

from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "ehub.logistics"
    label = "logistics"
    verbose_name = "Logistics"

    def ready(self) -> None:
        from ehub.logistics.services import customs_decision_received, parcels_create_for_order
        from ehub.payments.hooks import register_capture_listener

        # Registered after orders' own listener (INSTALLED_APPS order), so the order is paid
        # when ours runs; parcels are also created on first need, so a missed call is harmless.
        register_capture_listener(parcels_create_for_order)
        # Customs decisions (built in parallel): listen once the hooks module exists.
        if importlib.util.find_spec("ehub.customs.clearance_hooks") is not None:
            hooks = importlib.import_module("ehub.customs.clearance_hooks")
            register = getattr(hooks, "register_decision_listener", None)
            if register is not None:
                register(customs_decision_received)
