from django.apps import AppConfig


class SellersConfig(AppConfig):
    name = "ehub.sellers"
    label = "sellers"
    verbose_name = "Sellers"
