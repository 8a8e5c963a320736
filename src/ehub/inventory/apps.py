from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "ehub.inventory"
    label = "inventory"
    verbose_name = "Inventory"
