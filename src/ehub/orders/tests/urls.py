"""A URLconf mounting the checkout and orders routers under /api/v1/, for tests, until
``ehub.api`` mounts them (the project's error handlers are reused)."""

from __future__ import annotations

from django.urls import path
from ninja import NinjaAPI

from ehub.api import api as project_api
from ehub.checkout.api import router as checkout_router
from ehub.orders.api import router as orders_router

api = NinjaAPI(title="ehub checkout and orders (tests)", urls_namespace="test-checkout-orders")
for exc_class, handler in project_api._exception_handlers.items():
    api.add_exception_handler(exc_class, handler)
api.add_router("/", checkout_router)
api.add_router("/", orders_router)

urlpatterns = [path("api/v1/", api.urls)]
