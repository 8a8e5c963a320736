from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ehub.demo"
    label = "demo"
    verbose_name = "Demo data"
