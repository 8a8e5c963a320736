from __future__ import annotations

from enum import StrEnum


class CheckoutErrorCode(StrEnum):
    CART_EMPTY = "cart_empty"
    VARIANT_NOT_SELLABLE = "variant_not_sellable"
    INVALID_QUANTITY = "invalid_quantity"
    ADDRESS_NOT_IN_MARKET = "address_not_in_market"
    BUYER_DETAILS_REQUIRED = "buyer_details_required"
    INVALID_RESIDENT_ID = "invalid_resident_id"
    QUOTE_EXPIRED = "quote_expired"
    QUOTE_NOT_SELLABLE = "quote_not_sellable"
    SHIPPING_RATES_INVALID = "shipping_rates_invalid"
