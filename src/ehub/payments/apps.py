from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "ehub.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from ehub.payments.tasks import register

        register()
