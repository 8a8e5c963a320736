"""The seller centre's pages, under /seller/ (names in the ``web`` namespace)."""

from django.urls import path

from ehub.web import seller_views as views

urlpatterns = [
    path("", views.seller_home, name="seller-home"),
    path("signup/", views.seller_signup, name="seller-signup"),
    path("profile/", views.seller_profile, name="seller-profile"),
    path("products/", views.product_list, name="seller-products"),
    path("products/new/", views.product_new, name="seller-product-new"),
    path("products/<int:product_id>/", views.product_edit, name="seller-product"),
    path("products/<int:product_id>/variants/new/", views.variant_new, name="seller-variant-new"),
    path(
        "products/<int:product_id>/variants/<int:variant_id>/",
        views.variant_edit,
        name="seller-variant",
    ),
    path(
        "products/<int:product_id>/variants/<int:variant_id>/remove/",
        views.variant_remove,
        name="seller-variant-remove",
    ),
    path("hs/", views.hs_picker, name="seller-hs"),
    path("hs/pick/", views.hs_pick, name="seller-hs-pick"),
    path("import/", views.catalog_import, name="seller-import"),
    path("import/<int:import_id>/", views.catalog_import_job, name="seller-import-job"),
    path(
        "import/<int:import_id>/progress/",
        views.catalog_import_progress,
        name="seller-import-progress",
    ),
    path("orders/", views.orders_to_ship, name="seller-orders"),
    path("orders/<str:code>/handover/", views.parcel_handover, name="seller-handover"),
    path("orders/<str:code>/returned/", views.parcel_back, name="seller-returned"),
    path("api-keys/", views.api_keys, name="seller-api-keys"),
    path("api-keys/<int:key_id>/revoke/", views.api_key_revoke, name="seller-api-key-revoke"),
    path("money/", views.money, name="seller-money"),
]
