"""Pages the payments domain serves outside the API: the sandbox's hosted payment page.

Mounted at the site root by ``ehub.urls``: ``path("", include("ehub.payments.urls"))``.
"""

from django.urls import path

from ehub.payments.sandbox import SANDBOX_PAGE_PREFIX
from ehub.payments.views import sandbox_payment_page

urlpatterns = [
    path(
        f"{SANDBOX_PAGE_PREFIX}<uuid:public_id>/",
        sandbox_payment_page,
        name="payments-sandbox-page",
    ),
]
