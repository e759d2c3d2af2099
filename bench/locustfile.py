"""The shopper's journey the engine benchmark drives (bench/engines.py sets the
environment): a new visitor browses, adds a line, signs in, changes and removes the line,
and signs out; and the no-session baseline, a visitor who only browses and keeps no cookie.

BENCH_PACE > 0 paces each user to that many requests a second (a fixed arrival rate for
the latency figures); 0 sends the next request as soon as the last one answers.
"""

import itertools
import json
import os
import random

from locust import SequentialTaskSet, constant, constant_throughput, task
from locust.contrib.fasthttp import FastHttpUser

PRODUCTS = json.loads(os.environ.get("BENCH_PRODUCTS", "[]"))  # [[id, slug], …]
PASSWORD = os.environ.get("BENCH_PASSWORD", "")
PACE = float(os.environ.get("BENCH_PACE", "0"))
CSRF_COOKIE = "csrftoken"
_shopper_numbers = itertools.count()


def wait_time():
    return constant_throughput(PACE) if PACE else constant(0)


class Journey(SequentialTaskSet):
    """One visit, one request a task; the next visit starts with no cookies."""

    def on_start(self):
        self.client.cookiejar.clear()
        self.product_id, self.slug = random.choice(PRODUCTS)

    def post(self, path: str, name: str, data: dict | None = None):
        token = next(c.value for c in self.client.cookiejar if c.name == CSRF_COOKIE)
        with self.client.post(
            path,
            data=data or {},
            headers={"X-CSRFToken": token},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{name}: {response.status_code}, not a redirect")

    @task
    def home(self):
        self.client.get("/", name="1 home")

    @task
    def product_list(self):
        self.client.get("/products/", name="2 list")

    @task
    def product(self):
        self.client.get(f"/products/{self.slug}/", name="3 product")

    @task
    def add(self):
        self.post(f"/cart/add/{self.product_id}/", "4 add (write)", {"quantity": "1"})

    @task
    def cart_as_guest(self):
        self.client.get("/cart/", name="5 cart (read)")

    @task
    def sign_in(self):
        data = {"username": self.user.username, "password": PASSWORD}
        self.post("/accounts/login/", "6 sign in", data)

    @task
    def cart_signed_in(self):
        self.client.get("/cart/", name="7 cart signed in (read)")

    @task
    def change_quantity(self):
        self.post(f"/cart/update/{self.product_id}/", "8 quantity (write)", {"quantity": "2"})

    @task
    def remove(self):
        self.post(f"/cart/remove/{self.product_id}/", "9 remove")

    @task
    def sign_out(self):
        self.post("/accounts/logout/", "10 sign out")
        self.interrupt(reschedule=False)  # the next visit: a new visitor, a fresh cookie jar


class Shopper(FastHttpUser):
    tasks = [Journey]
    wait_time = wait_time()

    def on_start(self):
        self.username = f"shopper-{next(_shopper_numbers)}"


class Browse(SequentialTaskSet):
    """The same first three pages, each without a cookie: no session, no CSRF token."""

    def on_start(self):
        _, self.slug = random.choice(PRODUCTS)

    def get(self, path: str, name: str):
        self.client.cookiejar.clear()
        self.client.get(path, name=name)

    @task
    def home(self):
        self.get("/", "1 home")

    @task
    def product_list(self):
        self.get("/products/", "2 list")

    @task
    def product(self):
        self.get(f"/products/{self.slug}/", "3 product")
        self.interrupt(reschedule=False)


class Browser(FastHttpUser):
    """The baseline: a visitor who only browses."""

    tasks = [Browse]
    wait_time = wait_time()
