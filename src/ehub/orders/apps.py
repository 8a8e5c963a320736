from __future__ import annotations

import importlib
import importlib.util

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "ehub.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        # payments is built in parallel: register the capture listener once it exists.
        if importlib.util.find_spec("ehub.payments") is None:
            return
        if importlib.util.find_spec("ehub.payments.hooks") is None:
            return
        hooks = importlib.import_module("ehub.payments.hooks")
        register = getattr(hooks, "register_capture_listener", None)
        if register is not None:
            from ehub.orders.services import order_payment_captured

            register(order_payment_captured)
