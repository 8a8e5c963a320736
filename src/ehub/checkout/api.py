"""Cart and quotes over HTTP (buyers, signed in). Mount with ``api.add_router("/", router)``."""

from __future__ import annotations

from uuid import UUID

from ninja import Router, Status

from ehub.checkout.schemas import CartLineIn, CartOut, QuoteIn, QuoteOut, cart_out, quote_out
from ehub.checkout.selectors import cart_priced, quote_get_for_buyer
from ehub.checkout.services import cart_clear, cart_line_add, cart_line_remove, quote_create
from ehub.core.auth import AuthedRequest, session_auth

router = Router(tags=["checkout"], auth=session_auth)


@router.get("/checkout/cart", response=CartOut, summary="The buyer's cart in a market")
def cart_get(request: AuthedRequest, market: str) -> CartOut:
    return cart_out(cart_priced(buyer=request.auth, market_country=market))


@router.post("/checkout/cart/lines", response=CartOut, summary="Add a variant to the cart")
def cart_line_post(request: AuthedRequest, payload: CartLineIn) -> CartOut:
    cart_line_add(
        buyer=request.auth,
        market_country=payload.market,
        variant_id=payload.variant_id,
        quantity=payload.quantity,
    )
    return cart_out(cart_priced(buyer=request.auth, market_country=payload.market))


@router.delete(
    "/checkout/cart/lines/{variant_id}", response=CartOut, summary="Remove a variant from the cart"
)
def cart_line_delete(request: AuthedRequest, variant_id: int, market: str) -> CartOut:
    cart_line_remove(buyer=request.auth, market_country=market, variant_id=variant_id)
    return cart_out(cart_priced(buyer=request.auth, market_country=market))


@router.delete("/checkout/cart", response=CartOut, summary="Empty the cart")
def cart_delete(request: AuthedRequest, market: str) -> CartOut:
    cart_clear(buyer=request.auth, market_country=market)
    return cart_out(cart_priced(buyer=request.auth, market_country=market))


@router.post(
    "/checkout/quotes",
    response={201: QuoteOut},
    summary="Lock the cart's prices, shipping, FX and landed cost (one parcel per seller)",
)
def quote_post(request: AuthedRequest, payload: QuoteIn) -> Status:
    buyer = payload.buyer
    quote = quote_create(
        buyer=request.auth,
        market_country=payload.market,
        **payload.shipping_address.dict(),
        buyer_name=buyer.name if buyer else "",
        resident_id=buyer.resident_id.get_secret_value() if buyer else "",
    )
    return Status(201, quote_out(quote))


@router.get("/checkout/quotes/{quote_id}", response=QuoteOut, summary="One of the buyer's quotes")
def quote_get(request: AuthedRequest, quote_id: UUID) -> QuoteOut:
    return quote_out(quote_get_for_buyer(buyer=request.auth, public_id=quote_id))
