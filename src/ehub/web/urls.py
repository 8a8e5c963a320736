from django.urls import include, path, re_path
from django.views.i18n import set_language

from ehub.web import buyer_views, search_views, views

app_name = "web"

MARKET = r"(?P<market_code>[a-z]{2})"

urlpatterns = [
    path("", views.entry, name="entry"),
    path("markets/", views.market_chooser, name="markets"),
    path("i18n/setlang/", set_language, name="set-language"),
    path("accounts/signin/", buyer_views.sign_in, name="signin"),
    path("accounts/signup/", buyer_views.sign_up, name="signup"),
    path("accounts/signout/", buyer_views.sign_out, name="signout"),
    path("orders/", buyer_views.order_list, name="orders"),
    path("orders/<int:order_id>/", buyer_views.order_detail, name="order"),
    re_path(
        r"^orders/(?P<order_id>\d+)/(?P<action>receipt|cancel|pay)/$",
        buyer_views.order_action,
        name="order-action",
    ),
    path("seller/", include("ehub.web.seller_urls")),  # seller centre
    path("hub/", include("ehub.web.hub_urls")),  # hub console
    re_path(rf"^{MARKET}/$", views.market_home, name="home"),
    re_path(rf"^{MARKET}/products/(?P<product_id>\d+)/$", views.product_detail, name="product"),
    re_path(rf"^{MARKET}/search/$", search_views.search, name="search"),
    re_path(rf"^{MARKET}/cart/$", buyer_views.cart_view, name="cart"),
    re_path(rf"^{MARKET}/cart/add/$", buyer_views.cart_add, name="cart-add"),
    re_path(rf"^{MARKET}/cart/update/$", buyer_views.cart_update, name="cart-update"),
    re_path(rf"^{MARKET}/checkout/$", buyer_views.checkout, name="checkout"),
    re_path(
        rf"^{MARKET}/checkout/(?P<quote_id>[0-9a-f-]{{36}})/$",
        buyer_views.checkout_review,
        name="checkout-review",
    ),
    re_path(
        rf"^{MARKET}/checkout/(?P<quote_id>[0-9a-f-]{{36}})/place/$",
        buyer_views.checkout_place,
        name="checkout-place",
    ),
]
