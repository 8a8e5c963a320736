"""A service's ``DomainError`` as the pages show it: in the page's language.

Services speak English (``exc.message``, also the API's ``message``). For the error codes that
reach a page (the buyer, seller and hub views), the page shows a translated sentence instead;
a code not listed here, or a validation code whose English message names the precise field
problem (``invalid_input``, ``invalid_product``, ...), keeps the English message, marked as such.
Views call ``error_message(exc)`` and never read ``exc.message`` themselves.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ehub.core.errors import DomainError
from ehub.web import i18n
from ehub.web.catalogs import CATALOG_LANGUAGES

ERROR_MESSAGES: dict[str, Promise] = {
    # buyers: accounts, cart, checkout, orders, payments
    "email_taken": _("An account with this email address already exists."),
    "bad_credentials": _("The email address or password is not right."),
    "cart_empty": _("Your cart is empty."),
    "variant_not_sellable": _("This item cannot be bought at the moment."),
    "invalid_quantity": _("Choose a quantity of at least 1."),
    "out_of_stock": _("There is not enough stock of this item."),
    "address_not_in_market": _("The address must be in the country of this shop."),
    "buyer_details_required": _("Orders to this country need the buyer's name and resident ID."),
    "invalid_resident_id": _("The resident ID number is not valid."),
    "quote_expired": _("The prices have expired: review your order again."),
    "quote_not_sellable": _("This order cannot be placed: see the reasons on the page."),
    "quote_already_ordered": _("This order has already been placed."),
    "cross_border_limit_exceeded": _(
        "This order would exceed the buyer's yearly limit for cross-border purchases."
    ),
    "order_not_payable": _("This order cannot be paid now."),
    "order_not_delivered": _("The order has not been delivered yet."),
    "order_not_refundable": _("This order cannot be refunded."),
    "illegal_order_transition": _("The order is not in a state that allows this."),
    "idempotency_key_reused": _("This form was already sent with other details: start again."),
    "market_not_found": _("This shop does not exist."),
    "market_disabled": _("This shop is closed."),
    "fx_rate_missing": _("No exchange rate is available for this currency today."),
    "payments_provider_disabled": _("This payment method is not available."),
    "payments_not_refundable": _("This payment cannot be refunded."),
    "not_found": _("Not found."),
    "permission_denied": _("You may not do that."),
    "not_authenticated": _("Sign in first."),
    # sellers
    "duplicate_handle": _("Another of your products already uses this handle."),
    "duplicate_sku": _("Another of your products already uses this SKU."),
    "invalid_hs_code": _("The HS code must be 6 digits."),
    "unknown_hs_code": _("This HS code is not in the nomenclature."),
    "product_not_found": _("No such product."),
    "variant_not_found": _("No such variant."),
    "last_variant": _("A product needs at least one variant."),
    "variant_ordered": _("This variant has orders: it cannot be removed."),
    "seller_not_verified": _("Your business must be verified first."),
    "seller_not_found": _("No such seller."),
    "not_seller_staff": _("You are not on the staff of this seller."),
    "duplicate_registration": _("A seller with this registration number already exists."),
    "verified_details_locked": _("Verified business details cannot be changed here."),
    # hubs, parcels, manifests, customs
    "logistics_parcel_not_found": _("No parcel has this code."),
    "logistics_parcel_not_paid": _("This parcel's order is not paid."),
    "logistics_parcel_not_shippable": _("This parcel cannot be shipped."),
    "logistics_illegal_transition": _("The parcel is not in a state that allows this."),
    "logistics_invalid_weight": _("The weight is out of range."),
    "logistics_wrong_hub": _("This parcel belongs to another hub."),
    "logistics_not_flagged": _("This parcel's weight is not flagged."),
    "logistics_unknown_hub": _("No such hub."),
    "logistics_no_route": _("There is no route for this parcel."),
    "logistics_manifest_not_found": _("No such manifest."),
    "logistics_manifest_illegal_transition": _("The manifest is not in a state that allows this."),
    "logistics_manifest_not_open": _("The manifest is closed."),
    "logistics_manifest_empty": _("The manifest has no parcels."),
    "logistics_parcel_not_manifestable": _("This parcel cannot go on this manifest."),
    "logistics_not_hub_operator": _("Only hub operators may do that."),
    "declaration_illegal_transition": _("The declaration is not in a state that allows this."),
    "declaration_unknown": _("No such customs declaration."),
    "declaration_nothing_supplied": _("Give the documents or a note."),
    # search
    "invalid_search_query": _("The search words are not valid."),
    "invalid_search_filter": _("A filter is not valid."),
    "invalid_price_range": _("The price range is not valid."),
    "invalid_sort": _("Unknown sort order."),
    "invalid_page": _("No such page of results."),
    "category_not_found": _("No such category."),
}


class ErrorText(str):
    """An error sentence for a page; ``translated`` False: the service's English message."""

    translated: bool = True


def error_message(exc: DomainError) -> ErrorText:
    """``exc`` as the page shows it: the code's sentence in the page's language, else the
    English message."""
    language = i18n.active_language()
    translated = ERROR_MESSAGES.get(exc.code)
    if language not in CATALOG_LANGUAGES:
        return ErrorText(exc.message)
    if translated is None:
        text = ErrorText(exc.message)
        text.translated = False
        return text
    return ErrorText(str(translated))
