from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "ehub.payments"
    label = "payments"
    verbose_name = "Payments"
