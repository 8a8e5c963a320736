"""A URLconf for payments' tests until ``ehub.urls`` mounts payments: the project's URLs plus the
payments router on its own NinjaAPI (with the project API's error handlers) and the sandbox page.

Use with ``@override_settings(ROOT_URLCONF="ehub.payments.tests.urls")``.
"""

from django.urls import include, path
from ninja import NinjaAPI

from ehub.api import api as project_api
from ehub.payments.api import router
from ehub.urls import urlpatterns as project_urlpatterns

payments_api = NinjaAPI(
    title="ehub payments (tests)", version="1-test", urls_namespace="payments-test"
)
payments_api._exception_handlers.update(project_api._exception_handlers)
payments_api.add_router("/", router)

urlpatterns = [
    path("api/v1/", payments_api.urls),
    path("", include("ehub.payments.urls")),
    *project_urlpatterns,
]
