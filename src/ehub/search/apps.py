from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "ehub.search"
    label = "search"
    verbose_name = "Search"
