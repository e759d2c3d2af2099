import pytest


@pytest.fixture(autouse=True)
def guests_polled_lately() -> None:
    """The stores' contract involves no request and so no register poll: this stands in for
    tests/conftest.py's fixture, keeping these tests independent of the register."""
