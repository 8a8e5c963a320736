from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from ehub.api import api, api_path_not_found

admin.site.site_header = "ehub administration"
admin.site.site_title = "ehub admin"
admin.site.index_title = "Cross-border commerce hub"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("ehub.payments.urls")),  # the sandbox provider's hosted payment page
    # The API root: ninja's own answers an HTML 404 unless DEBUG; send people to the docs.
    path("api/v1/", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_path_not_found),
    path("favicon.ico", RedirectView.as_view(url="/static/web/favicon.svg", permanent=True)),
    path("", include("ehub.web.urls")),  # storefront, seller centre, hub console
]
