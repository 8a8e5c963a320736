from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "ehub.documents"
    label = "documents"
    verbose_name = "Trade documents"
