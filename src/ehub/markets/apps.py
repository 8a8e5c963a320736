from django.apps import AppConfig


class MarketsConfig(AppConfig):
    name = "ehub.markets"
    label = "markets"
    verbose_name = "Markets and FX"
