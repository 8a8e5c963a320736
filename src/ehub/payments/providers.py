"""Payment providers behind one Protocol, and the registry that names them.

A provider knows three things: how to start a payment (a page to send the payer to), how to read
and verify its own callbacks, and how to give money back. ``services`` does everything else
(recording, state, ledger, listeners). The sandbox (``ehub.payments.sandbox``) is the built-in,
working implementation; a real provider is one more class and one more ``register_provider``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ehub.core.errors import DomainError
from ehub.core.money import Money
from ehub.payments.domain import CallbackEventType
from ehub.payments.errors import PaymentErrorCode

if TYPE_CHECKING:
    from ehub.payments.models import Payment


@dataclass(frozen=True)
class ProviderPayment:
    """Where to send the payer, and the provider's own name for the payment."""

    redirect_url: str
    provider_reference: str


@dataclass(frozen=True)
class CallbackEvent:
    """A verified callback, in the provider-neutral shape ``services`` acts on."""

    event_id: str
    event_type: CallbackEventType
    provider_reference: str
    amount: Money
    signed_at: int  # unix seconds, from the verified signature


@dataclass(frozen=True)
class RefundResult:
    succeeded: bool
    provider_reference: str = ""
    failure_message: str = ""


@runtime_checkable
class PaymentProvider(Protocol):
    name: str

    def create_payment(self, *, payment: Payment) -> ProviderPayment:
        """Start ``payment`` at the provider; idempotent for one payment."""
        ...

    def handle_callback(self, *, headers: Mapping[str, str], body: bytes) -> CallbackEvent:
        """Verify and parse one callback exactly as received over HTTP.

        Raises ``domain.CallbackRefused`` (verdict ``bad_signature``, ``replayed`` or
        ``malformed``) for anything that is not a correctly signed, fresh, well-formed event.
        """
        ...

    def refund(self, *, payment: Payment, amount: Money) -> RefundResult:
        """Give ``amount`` of a captured payment back; called outside any transaction."""
        ...


_factories: dict[str, Callable[[], PaymentProvider]] = {}


def register_provider(name: str, factory: Callable[[], PaymentProvider]) -> None:
    """Make ``get_provider(name)`` build a provider with ``factory`` (replaces an earlier one)."""
    _factories[name] = factory


def unregister_provider(name: str) -> None:
    _factories.pop(name, None)


def provider_names() -> list[str]:
    _register_builtins()
    return sorted(_factories)


def get_provider(name: str) -> PaymentProvider:
    """The provider called ``name``; a 404 domain error for an unknown one."""
    _register_builtins()
    factory = _factories.get(name)
    if factory is None:
        raise DomainError(
            PaymentErrorCode.UNKNOWN_PROVIDER,
            f"no payment provider called {name!r}",
            {"provider": name, "known": sorted(_factories)},
            status=404,
        )
    return factory()


def _register_builtins() -> None:
    if "sandbox" not in _factories:
        from ehub.payments.sandbox import SandboxProvider

        _factories["sandbox"] = SandboxProvider
