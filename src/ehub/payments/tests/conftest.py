import pytest

from ehub.payments.hooks import only_capture_listeners


@pytest.fixture(autouse=True)
def _no_other_capture_listeners():
    """Payments' own tests see only the listeners they register (orders' needs real orders)."""
    with only_capture_listeners():
        yield
