from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "ehub.catalog"
    label = "catalog"
    verbose_name = "Catalog"
