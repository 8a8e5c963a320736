"""Translated names for status codes shown on the pages (the codes stay English in the API)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ehub.logistics.domain import ParcelStatus as P

ORDER_STATUS = {
    "pending_payment": _("Waiting for payment"),
    "paid": _("Paid, being prepared"),
    "in_fulfilment": _("On its way"),
    "delivered": _("Delivered"),
    "completed": _("Completed"),
    "cancelled": _("Cancelled"),
    "refunded": _("Refunded"),
}
PARCEL_STATUS = {
    "awaiting_handover": _("Being prepared by the seller"),
    "handed_over": _("Handed to ehub"),
    "received_at_hub": _("At ehub's hub"),
    "manifested": _("Packed for departure"),
    "departed": _("Departed"),
    "at_customs": _("At customs"),
    "held": _("Held by customs"),
    "cleared": _("Cleared by customs"),
    "accepted": _("Accepted by the carrier"),
    "in_transit": _("In transit"),
    "arrived_at_destination": _("At the delivery depot"),
    "out_for_delivery": _("Out for delivery"),
    "delivered": _("Delivered"),
    "delivery_failed": _("Delivery attempt failed"),
    "returning": _("Returning to the seller"),
    "returned": _("Returned to the seller"),
}


IMPORT_STATUS = {
    "queued": _("Waiting to start"),
    "running": _("Importing"),
    "done": _("Finished"),
    "failed": _("Failed"),
}

# The same statuses as sellers and hub staff read them.
STAFF_PARCEL_STATUS = {
    P.AWAITING_HANDOVER: _("Awaiting handover"),
    P.HANDED_OVER: _("Handed over"),
    P.RECEIVED_AT_HUB: _("Received at the hub"),
    P.MANIFESTED: _("On a manifest"),
    P.DEPARTED: _("Departed"),
    P.AT_CUSTOMS: _("At customs"),
    P.HELD: _("Held"),
    P.CLEARED: _("Cleared by customs"),
    P.OUT_FOR_DELIVERY: _("Out for delivery"),
    P.DELIVERED: _("Delivered"),
    P.DELIVERY_FAILED: _("Delivery failed"),
    P.RETURNING: _("Returning to you"),
    P.RETURNED: _("Returned"),
}


def import_status(code: str) -> str:
    return str(IMPORT_STATUS.get(code, code))


def order_status(code: str) -> str:
    return str(ORDER_STATUS.get(code, code))


def parcel_status(code: str) -> str:
    return str(PARCEL_STATUS.get(code, code.replace("_", " ")))
