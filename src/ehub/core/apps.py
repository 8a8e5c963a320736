from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ehub.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from ehub.core.tasks import register

        register()
