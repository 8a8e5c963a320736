from django.apps import AppConfig


class CustomsConfig(AppConfig):
    name = "ehub.customs"
    label = "customs"
    verbose_name = "Customs"
