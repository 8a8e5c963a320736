from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "ehub.web"
    label = "web"
    verbose_name = "Web pages"
