"""Ledger writes: post an entry, reverse one, and the money flows the other domains call.

Every write goes through ``ledger_post``: one transaction, accounts get-or-created, the accounts an
entry draws down locked (primary-key order) and refused if they would go below zero, and an
idempotency key under a unique constraint so a retried post returns the entry that already exists.
"""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

from django.db import IntegrityError, transaction
from django.db.models import Sum

from ehub.core import clock
from ehub.core.errors import Conflict, DomainError, NotFound
from ehub.core.events import audit_record
from ehub.core.money import Money
from ehub.ledger import domain
from ehub.ledger.domain import (
    NEVER_NEGATIVE,
    NORMAL_SIDE,
    AccountKey,
    EntryDraft,
    EntryKind,
    Purpose,
    ReleaseBreakdown,
)
from ehub.ledger.errors import LedgerErrorCode
from ehub.ledger.models import JournalEntry, LedgerAccount, PayoutBatch, Posting
from ehub.ledger.selectors import commission_rate_for, entry_draft_of
from ehub.markets.selectors import fx_rate_on
from ehub.sellers.models import Seller


# -- posting ----------------------------------------------------------------------------------
def ledger_post(
    *,
    draft: EntryDraft,
    idempotency_key: str | None = None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Write ``draft`` as a journal entry, or return the entry already written under the key.

    The same key with a different draft is a 409 (``ledger_idempotency_key_reused``). Refuses
    (422) an entry that would take escrow, a payable or payouts clearing below zero.
    """
    if idempotency_key:
        existing = _replayed(idempotency_key, draft)
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return _write(draft, idempotency_key=idempotency_key, reverses=reverses)
    except IntegrityError:
        # A concurrent post with the same key committed first (warehouse's retry on
        # IntegrityError): under READ COMMITTED this new statement sees it.
        if not idempotency_key:
            raise
        existing = _replayed(idempotency_key, draft)
        if existing is None:
            raise
        return existing


def _replayed(idempotency_key: str, draft: EntryDraft) -> JournalEntry | None:
    entry = JournalEntry.objects.filter(idempotency_key=idempotency_key).first()
    if entry is None:
        return None
    if (
        entry.kind != draft.kind
        or entry.reference != draft.reference
        or Counter((p.account, p.amount) for p in entry_draft_of(entry).postings)
        != Counter((p.account, p.amount) for p in draft.postings)
    ):
        raise Conflict(
            f"idempotency key {idempotency_key!r} was used for a different entry (#{entry.pk})",
            {"idempotency_key": idempotency_key, "entry": entry.pk},
            code=LedgerErrorCode.IDEMPOTENCY_KEY_REUSED,
        )
    return entry


def _accounts(keys: set[AccountKey]) -> dict[AccountKey, LedgerAccount]:
    accounts: dict[AccountKey, LedgerAccount] = {}
    for key in sorted(keys, key=str):
        account, _ = LedgerAccount.objects.get_or_create(
            owner_type=key.owner_type,
            owner_id=key.owner_id,
            purpose=key.purpose,
            currency=key.currency,
        )
        accounts[key] = account
    return accounts


def _write(
    draft: EntryDraft, *, idempotency_key: str | None, reverses: JournalEntry | None
) -> JournalEntry:
    accounts = _accounts({p.account for p in draft.postings})
    # Accounts this entry draws down that may never go negative: lock them (pk order, so two
    # posts never wait on each other in opposite order) and check them after writing.
    drawn_down = sorted(
        {
            accounts[p.account].pk
            for p in draft.postings
            if p.account.purpose in NEVER_NEGATIVE
            and p.amount.amount * NORMAL_SIDE[Purpose(p.account.purpose)] < 0
        }
    )
    if drawn_down:
        list(
            LedgerAccount.objects.select_for_update(no_key=True)
            .filter(pk__in=drawn_down)
            .order_by("pk")
        )
    entry = JournalEntry.objects.create(
        kind=draft.kind,
        reference=draft.reference,
        idempotency_key=idempotency_key or None,
        reverses=reverses,
        memo=draft.memo,
    )
    Posting.objects.bulk_create(
        [
            Posting(
                entry=entry,
                account=accounts[p.account],
                amount_minor=p.amount.to_minor_units(),
                currency=p.amount.currency,
            )
            for p in draft.postings
        ]
    )
    for account_id in drawn_down:
        account = next(a for a in accounts.values() if a.pk == account_id)
        natural = _natural_minor(account)
        if natural < 0:
            balance = Money.from_minor_units(natural, account.currency)
            raise DomainError(
                LedgerErrorCode.ESCROW_INSUFFICIENT,
                f"{account} would go below zero ({balance})",
                {"account": str(account.key), "balance": str(balance.amount)},
                status=422,
            )
    return entry


def _natural_minor(account: LedgerAccount) -> int:
    total = Posting.objects.filter(account=account).aggregate(total=Sum("amount_minor"))["total"]
    return (total or 0) * NORMAL_SIDE[Purpose(account.purpose)]


def ledger_reverse(*, entry: JournalEntry, reason: str) -> JournalEntry:
    """Undo ``entry`` with a new entry negating every posting. An entry is reversed at most once
    (also a unique constraint), and a reversal is not itself reversed: post the flow again."""
    if not reason.strip():
        raise DomainError(LedgerErrorCode.INVALID_ENTRY, "a reversal needs a reason", status=422)
    if entry.kind == EntryKind.REVERSAL:
        raise Conflict(
            f"entry #{entry.pk} is itself a reversal", code=LedgerErrorCode.ALREADY_REVERSED
        )
    already = Conflict(
        f"entry #{entry.pk} is already reversed",
        {"entry": entry.pk},
        code=LedgerErrorCode.ALREADY_REVERSED,
    )
    with transaction.atomic():
        if JournalEntry.objects.filter(reverses=entry).exists():
            raise already
        draft = domain.reversal(entry_draft_of(entry), reason.strip())
        try:
            with transaction.atomic():
                reversed_entry = ledger_post(draft=draft, reverses=entry)
        except IntegrityError as exc:  # a concurrent reversal of the same entry won
            raise already from exc
        audit_record(
            tag="ledger:entry:reversed",
            subject=reversed_entry,
            data={"reverses": entry.pk, "reason": reason.strip()},
        )
    return reversed_entry


# -- escrow flows -----------------------------------------------------------------------------
def escrow_fund(
    *, order_ref: str, amount: Money, provider: str, idempotency_key: str
) -> JournalEntry:
    """The provider captured the buyer's payment (its verified callback): into the order's escrow.

    ``idempotency_key``: the provider's payment id, so duplicate or concurrent callbacks for one
    payment write one entry.
    """
    return ledger_post(
        draft=domain.payment_captured(order_ref, amount, provider),
        idempotency_key=_fund_key(idempotency_key),
    )


def _fund_key(payment_id: str) -> str:
    return f"payment_captured:{payment_id}"


def _locked_escrow(order_ref: str) -> LedgerAccount:
    """The order's escrow account, locked until the end of the transaction."""
    accounts = list(
        LedgerAccount.objects.select_for_update(no_key=True)
        .filter(owner_type=domain.OwnerType.ORDER, owner_id=order_ref, purpose=Purpose.ESCROW)
        .order_by("pk")
    )
    if not accounts:
        raise NotFound(
            f"order {order_ref} has no escrow",
            {"order": order_ref},
            code=LedgerErrorCode.ESCROW_NOT_FOUND,
        )
    if len(accounts) > 1:
        raise DomainError(
            LedgerErrorCode.ESCROW_MISMATCH,
            f"order {order_ref} has escrow in several currencies",
            {"currencies": [a.currency for a in accounts]},
            status=409,
        )
    return accounts[0]


# Entries that empty an escrow for good (unless reversed): released to the seller and the
# others owed, cancelled back to the buyer, or split into per-parcel escrows.
ESCROW_CLOSING_KINDS = (EntryKind.ESCROW_RELEASE, EntryKind.CANCELLATION, EntryKind.ESCROW_SPLIT)


def _escrow_closed_error(order_ref: str, closed: JournalEntry) -> Conflict:
    """The refusal for touching an escrow a release, split or cancellation already closed."""
    return Conflict(
        f"order {order_ref}'s escrow was closed by entry #{closed.pk} ({closed.kind})",
        {"entry": closed.pk},
        code=LedgerErrorCode.ESCROW_RELEASED,
    )


def _escrow_closed(order_ref: str) -> JournalEntry | None:
    """The release, cancellation or split that emptied this escrow, unless it was reversed."""
    return (
        JournalEntry.objects.filter(
            reference=order_ref,
            kind__in=ESCROW_CLOSING_KINDS,
            reversed_by__isnull=True,
        )
        .order_by("pk")
        .first()
    )


def escrow_split(
    *, order_ref: str, parts: Mapping[str, Money], amount: Money, idempotency_key: str
) -> JournalEntry:
    """Split what one payment put in ``order_ref``'s escrow into one escrow per part (parcel).

    ``parts`` (``{"ORD-1/1": Money, "ORD-1/2": Money}``) must add up to exactly ``amount``, in its
    currency (422/409 otherwise); escrow must hold at least ``amount`` (422
    ``ledger_escrow_insufficient``). ``idempotency_key``: the payment's id, so a repeated capture
    notification writes one entry. An escrow is split once: a split, release or cancellation
    closes it (409 ``ledger_escrow_released``); each part is then released on its own with
    ``escrow_release(order_ref=<part>, ...)``.
    """
    key = f"escrow_split:{idempotency_key}"
    draft = domain.escrow_split(order_ref, parts, amount)
    with transaction.atomic():
        _locked_escrow(order_ref)
        if JournalEntry.objects.filter(idempotency_key=key).exists():
            return ledger_post(draft=draft, idempotency_key=key)  # the replay (or a 409)
        closed = _escrow_closed(order_ref)
        if closed is not None:
            raise _escrow_closed_error(order_ref, closed)
        entry = ledger_post(draft=draft, idempotency_key=key)
        audit_record(
            tag="ledger:escrow:split",
            subject=entry,
            data={
                "order": order_ref,
                "amount": str(amount.amount),
                "currency": amount.currency,
                "parts": {ref: str(part.amount) for ref, part in sorted(parts.items())},
            },
        )
    return entry


def escrow_split_payment(
    *, order_ref: str, payment_id: str, parts: Mapping[str, Money]
) -> JournalEntry | None:
    """Split what the captured payment ``payment_id`` put into ``order_ref``'s escrow (its
    ``escrow_fund`` entry) into ``parts``, which must add up to exactly that amount.

    Returns None when that payment funded no escrow (nothing to split); a payment that funded
    another order's escrow is a 409. Repeats return the first split (keyed by the payment id).
    """
    funded = JournalEntry.objects.filter(
        idempotency_key=_fund_key(payment_id), kind=EntryKind.PAYMENT_CAPTURED
    ).first()
    if funded is None:
        return None
    if funded.reference != order_ref:
        raise Conflict(
            f"payment {payment_id} funded {funded.reference}'s escrow, not {order_ref}'s",
            {"payment": payment_id, "funded": funded.reference, "order": order_ref},
            code=LedgerErrorCode.ESCROW_MISMATCH,
        )
    credit = Posting.objects.get(
        entry=funded,
        account__owner_type=domain.OwnerType.ORDER,
        account__owner_id=order_ref,
        account__purpose=Purpose.ESCROW,
    )
    return escrow_split(
        order_ref=order_ref, parts=parts, amount=-credit.amount, idempotency_key=payment_id
    )


def escrow_release(
    *,
    order_ref: str,
    breakdown: ReleaseBreakdown,
    seller: Seller,
    category_id: int | None = None,
    commission_rate: Decimal | None = None,
    rate: Decimal | None = None,
    on_date: dt.date | None = None,
) -> JournalEntry:
    """Release an order's escrow (buyer confirmed receipt, or the confirmation window lapsed).

    ``breakdown`` must add up to exactly what is in escrow. Commission: ``commission_rate`` or the
    seller's / category's configured rate (default 5%). ``rate``: 1 market currency = ``rate``
    seller currency, default the stored reference rate on ``on_date`` (default today). Releasing
    twice returns the first release (the buyer's confirmation and the lapse task may race).
    """
    key = f"escrow_release:{order_ref}"
    with transaction.atomic():
        escrow = _locked_escrow(order_ref)
        previous = JournalEntry.objects.filter(idempotency_key=key).first()
        if previous is not None:
            return previous
        closed = _escrow_closed(order_ref)
        if closed is not None:
            raise _escrow_closed_error(order_ref, closed)
        held = Money.from_minor_units(_natural_minor(escrow), escrow.currency)
        if breakdown.total != held:
            raise Conflict(
                f"the breakdown adds up to {breakdown.total}, escrow holds {held}",
                {"breakdown": str(breakdown.total.amount), "escrow": str(held.amount)},
                code=LedgerErrorCode.ESCROW_MISMATCH,
            )
        seller_currency = seller.payout_currency
        if seller_currency == breakdown.currency:
            fx_rate = Decimal(1)
        elif rate is not None:
            fx_rate = rate
        else:
            fx_rate = fx_rate_on(
                base=breakdown.currency, quote=seller_currency, on_date=on_date or clock.today()
            )
        if commission_rate is None:
            commission_rate = commission_rate_for(seller_id=seller.pk, category_id=category_id)
        draft = domain.escrow_release(
            order_ref, breakdown, seller.pk, seller_currency, fx_rate, commission_rate
        )
        entry = ledger_post(draft=draft, idempotency_key=key)
        audit_record(
            tag="ledger:escrow:released",
            subject=entry,
            data={
                "order": order_ref,
                "seller": seller.pk,
                "rate": str(fx_rate),
                "commission_rate": str(commission_rate),
            },
        )
    return entry


def escrow_refund(
    *, order_ref: str, amount: Money, provider: str, reason: str, idempotency_key: str
) -> JournalEntry:
    """Give (part of) an order's escrow back to the buyer through ``provider``.

    Refused (409) once the escrow is released or cancelled and empty: a refund after release
    first reverses the release (``ledger_reverse``), which is refused if the seller was already
    paid out. A capture that arrives after the escrow closed (a second charge) is still recorded
    by ``escrow_fund`` and is refunded with this; until then ``ledger check`` reports it.
    """
    with transaction.atomic():
        escrow = _locked_escrow(order_ref)
        closed = _escrow_closed(order_ref)
        if closed is not None and _natural_minor(escrow) <= 0:
            raise _escrow_closed_error(order_ref, closed)
        entry = ledger_post(
            draft=domain.refund(order_ref, amount, provider, reason),
            idempotency_key=f"refund:{idempotency_key}",
        )
        audit_record(
            tag="ledger:escrow:refunded",
            subject=entry,
            data={"order": order_ref, "amount": str(amount.amount), "currency": amount.currency},
        )
    return entry


def escrow_cancel(*, order_ref: str, provider: str) -> JournalEntry:
    """Cancellation before shipping: everything still in escrow goes back to the buyer."""
    key = f"cancellation:{order_ref}"
    with transaction.atomic():
        escrow = _locked_escrow(order_ref)
        previous = JournalEntry.objects.filter(idempotency_key=key).first()
        if previous is not None:
            return previous
        closed = _escrow_closed(order_ref)
        if closed is not None:
            raise _escrow_closed_error(order_ref, closed)
        held = Money.from_minor_units(_natural_minor(escrow), escrow.currency)
        if not held.amount > 0:
            raise Conflict(
                f"order {order_ref}'s escrow is empty", code=LedgerErrorCode.ESCROW_INSUFFICIENT
            )
        entry = ledger_post(
            draft=domain.cancel_before_shipping(order_ref, held, provider), idempotency_key=key
        )
        audit_record(tag="ledger:escrow:cancelled", subject=entry, data={"order": order_ref})
    return entry


# -- payouts ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PayoutLine:
    entry_id: int
    seller_id: str
    amount: Money


def payouts_run(*, on_date: dt.date | None = None) -> PayoutBatch:
    """Pay out every seller's positive payable, one entry per seller and currency.

    Pays the balance as it stands now; ``on_date`` (default today) is the batch's payment date.
    Each payable is locked while it is read and paid, so two concurrent runs never pay the same
    money twice (the second finds it at zero).
    """
    on_date = on_date or clock.today()
    with transaction.atomic():
        batch = PayoutBatch.objects.create(
            reference=f"PO-{on_date:%Y%m%d}-{uuid.uuid4().hex[:8]}", on_date=on_date
        )
        payable_ids = list(
            LedgerAccount.objects.filter(purpose=Purpose.SELLER_PAYABLE)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for account in (
            LedgerAccount.objects.select_for_update(no_key=True)
            .filter(pk__in=payable_ids)
            .order_by("pk")
        ):
            owed = _natural_minor(account)
            if owed <= 0:
                continue
            ledger_post(
                draft=domain.payout(
                    account.owner_id,
                    account.currency,
                    Money.from_minor_units(owed, account.currency),
                    batch.reference,
                ),
                idempotency_key=f"payout:{batch.reference}:{account.pk}",
            )
        audit_record(tag="ledger:payouts:run", subject=batch, data={"on_date": str(on_date)})
    return batch


def payout_batch_lines(*, batch: PayoutBatch) -> list[PayoutLine]:
    postings = (
        Posting.objects.filter(
            entry__kind=EntryKind.PAYOUT,
            entry__reference=batch.reference,
            account__purpose=Purpose.SELLER_PAYABLE,
        )
        .select_related("account")
        .order_by("entry_id")
    )
    return [PayoutLine(p.entry_id, p.account.owner_id, p.amount) for p in postings]


PAYOUT_CSV_COLUMNS = [
    "batch",
    "payment_date",
    "seller_id",
    "seller_name",
    "seller_country",
    "currency",
    "amount",
    "entry_id",
]


def payouts_csv_export(*, batch: PayoutBatch, out: TextIO) -> int:
    """Write the batch as CSV (one row per payout, amount in major units); return the rows."""
    lines = payout_batch_lines(batch=batch)
    sellers = Seller.objects.in_bulk(
        [int(line.seller_id) for line in lines if line.seller_id.isdigit()]
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PAYOUT_CSV_COLUMNS)
    for line in lines:
        seller = sellers.get(int(line.seller_id)) if line.seller_id.isdigit() else None
        writer.writerow(
            [
                batch.reference,
                batch.on_date.isoformat(),
                line.seller_id,
                seller.legal_name if seller else "",
                seller.country if seller else "",
                line.amount.currency,
                str(line.amount.amount),
                line.entry_id,
            ]
        )
    return len(lines)
