from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ehub.core"
    label = "core"
    verbose_name = "Core"
