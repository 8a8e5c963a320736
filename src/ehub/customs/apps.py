from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class CustomsConfig(AppConfig):
    name = "ehub.customs"
    label = "customs"
    verbose_name = "Customs"

    def ready(self) -> None:
        """Load and validate every trade-rule file at start-up: a malformed file stops the
        process with the file, the key and the reason (``ehub`` prints it without a traceback)."""
        from ehub.customs.rulebook import RuleFileError, get_rulebook

        try:
            get_rulebook()
        except RuleFileError as exc:
            raise ImproperlyConfigured(f"trade rule file {exc}") from exc

        from ehub.customs.tasks import register

        register()
