from __future__ import annotations

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "ehub.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        from ehub.ledger.checks import register_check
        from ehub.orders.checks import paid_orders_have_escrow
        from ehub.orders.services import order_payment_captured_listener
        from ehub.orders.tasks import register as register_jobs
        from ehub.payments.hooks import register_capture_listener

        register_capture_listener(order_payment_captured_listener)
        register_check(paid_orders_have_escrow)
        register_jobs()
