from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "ehub.ledger"
    label = "ledger"
    verbose_name = "Ledger"
