from django.urls import path, re_path
from django.views.i18n import set_language

from ehub.web import views

app_name = "web"

MARKET = r"(?P<market_code>[a-z]{2})"

urlpatterns = [
    path("", views.entry, name="entry"),
    path("markets/", views.market_chooser, name="markets"),
    path("i18n/setlang/", set_language, name="set-language"),
    re_path(rf"^{MARKET}/$", views.market_home, name="home"),
    re_path(rf"^{MARKET}/products/(?P<product_id>\d+)/$", views.product_detail, name="product"),
]
