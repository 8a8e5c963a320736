from django.contrib import admin

from ehub.customs.models import HsCode, HsSection


@admin.register(HsSection)
class HsSectionAdmin(admin.ModelAdmin):
    list_display = ["numeral", "name"]
    search_fields = ["name"]


@admin.register(HsCode)
class HsCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "level", "description", "section"]
    list_filter = ["level", "section"]
    search_fields = ["code", "description"]
    list_select_related = ["section"]
