"""The hub console's pages, under /hub/ (names in the ``web`` namespace)."""

from django.urls import path

from ehub.web import hub_views as views

urlpatterns = [
    path("", views.home, name="hub-home"),
    path("scan/", views.scan, name="hub-scan"),
    path("parcels/<str:code>/", views.parcel_detail, name="hub-parcel"),
    path("parcels/<str:code>/weigh/", views.parcel_weigh, name="hub-weigh"),
    path("parcels/<str:code>/accept-weight/", views.parcel_accept_weight, name="hub-accept"),
    path("parcels/<str:code>/return/", views.parcel_return, name="hub-return"),
    path("parcels/<str:code>/declare-again/", views.parcel_declare_again, name="hub-declare"),
    path("parcels/<str:code>/redeliver/", views.parcel_redeliver_view, name="hub-redeliver"),
    path("exceptions/", views.exceptions, name="hub-exceptions"),
    path("manifests/", views.manifests, name="hub-manifests"),
    path("manifests/<int:manifest_id>/", views.manifest_detail, name="hub-manifest"),
    path("manifests/<int:manifest_id>/parcels/", views.manifest_add, name="hub-manifest-add"),
    path(
        "manifests/<int:manifest_id>/parcels/<str:code>/remove/",
        views.manifest_remove,
        name="hub-manifest-remove",
    ),
    path(
        "manifests/<int:manifest_id>/close/", views.manifest_close_view, name="hub-manifest-close"
    ),
    path(
        "manifests/<int:manifest_id>/depart/",
        views.manifest_depart_view,
        name="hub-manifest-depart",
    ),
    path("manifests/<int:manifest_id>/export.csv", views.manifest_csv, name="hub-manifest-csv"),
    path("customs/", views.customs, name="hub-customs"),
    path(
        "customs/declarations/<int:declaration_id>/resolve/",
        views.hold_resolve,
        name="hub-hold-resolve",
    ),
    path(
        "customs/declarations/<int:declaration_id>/return/",
        views.hold_return,
        name="hub-hold-return",
    ),
]
