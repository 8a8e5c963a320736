from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "ehub.checkout"
    label = "checkout"
    verbose_name = "Checkout"
