from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ehub.accounts"
    label = "accounts"
    verbose_name = "Accounts"
