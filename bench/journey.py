"""The part of the shopper's journey that has a session, step by step: one definition for
the counted journey (bench/load.py), the in-process one (bench/cpu_journey.py) and
the reports. The locustfile walks the same steps with locust's own task structure."""

from typing import NamedTuple

READ_STEP, WRITE_STEP = "7 cart signed in (read)", "8 quantity (write)"
SIGNED_IN_STEP = "6 sign in"


class Step(NamedTuple):
    name: str
    method: str  # "get" or "post"
    path: str
    data: dict

    @property
    def expected_status(self) -> int:
        return 200 if self.method == "get" else 302  # a refused form answers 200


def steps(product_id: int, slug: str, username: str, password: str) -> list[Step]:
    return [
        Step("3 product", "get", f"/products/{slug}/", {}),
        Step("4 add (write)", "post", f"/cart/add/{product_id}/", {"quantity": "1"}),
        Step("5 cart (read)", "get", "/cart/", {}),
        Step(
            SIGNED_IN_STEP, "post", "/accounts/login/", {"username": username, "password": password}
        ),
        Step(READ_STEP, "get", "/cart/", {}),
        Step(WRITE_STEP, "post", f"/cart/update/{product_id}/", {"quantity": "2"}),
        Step("9 remove", "post", f"/cart/remove/{product_id}/", {}),
        Step("10 sign out", "post", "/accounts/logout/", {}),
    ]
