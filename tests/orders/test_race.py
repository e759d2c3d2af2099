"""Placing against gunicorn with several workers, on every engine: shoppers racing for the
last unit get one order and clear "sold out" answers; a button pressed three times at once
places one order. Each engine's server shares one database (PostgreSQL when the suite runs
on it, else a SQLite file), so the requests really are in different processes."""

import json
import os
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from shop.sessions.config import REDIS_BACKENDS
from tests.orders.helpers import ADDRESS
from tests.services import REDIS_URL, engines_under_test, require_redis, shop_database
from tools.servers import gunicorn_server, manage
from tools.shoppers import TOKEN, Answer, Shopper

RACERS = 6
WORKERS = 3
HIDDEN = re.compile(r'name="(token|shown)" value="([^"]*)"')
MAKE_PRODUCT = (
    "import os; from shop.catalog.models import Category, Product; "
    "c, _ = Category.objects.get_or_create(slug='race', defaults={'name': 'Race'}); "
    "Product.objects.create(category=c, name=os.environ['NAME'], slug=os.environ['NAME'].lower(), "
    "price='7.50', stock=int(os.environ['STOCK']))"
)
REPORT = (
    "import os, json; from shop.catalog.models import Product; from shop.orders.models import "
    "Order; slug = os.environ['NAME'].lower(); print(json.dumps({'stock': "
    "Product.objects.get(slug=slug).stock, 'orders': Order.objects.filter("
    "lines__product__slug=slug).count()}))"
)


@pytest.fixture(scope="module")
def race_env(tmp_path_factory) -> Iterator[dict[str, str]]:
    root = tmp_path_factory.mktemp("race")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SESSION_")}
    env |= {"DJANGO_DEBUG": "1", "REDIS_URL": REDIS_URL, "DJANGO_MEDIA_ROOT": str(root)}
    env["ORDER_PLACE_RATE"] = "1000/h"  # every racer comes from 127.0.0.1
    with shop_database("race", root) as url:
        yield env | {"DATABASE_URL": url}


@pytest.fixture(scope="module", params=engines_under_test())
def site(request, race_env, tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    engine = request.param
    if engine in REDIS_BACKENDS:
        require_redis()
    env = {**race_env, "SESSION_BACKEND": engine}
    log = tmp_path_factory.mktemp(f"race-{engine}") / "gunicorn.log"
    with gunicorn_server(env, log, workers=WORKERS) as server:
        yield server.url, env


def product(env: dict[str, str], name: str, stock: int) -> str:
    manage({**env, "NAME": name, "STOCK": str(stock)}, "shell", "-c", MAKE_PRODUCT)
    return f"/products/{name.lower()}/"


def report(env: dict[str, str], name: str) -> dict:
    return json.loads(manage({**env, "NAME": name}, "shell", "-v", "0", "-c", REPORT))


def at_review(url: str, page: str, email: str) -> tuple[Shopper, dict[str, str]]:
    """A guest with the product in the cart, through address and delivery: the shopper and
    what the review page's Place order button would send."""
    shopper = Shopper(url)
    product_page = shopper.get(page)
    product_id = re.search(r'action="/cart/add/(\d+)/"', product_page.body).group(1)
    added = shopper.post_form(product_page, f"/cart/add/{product_id}/", {"quantity": "1"})
    assert added.status == 302, added
    address = {**ADDRESS, "email": email}
    assert shopper.post_form("/checkout/address/", "/checkout/address/", address).status == 302
    form = {"method": "standard"}
    assert shopper.post_form("/checkout/delivery/", "/checkout/delivery/", form).status == 302
    review = shopper.get("/checkout/review/")
    assert review.status == 200, review
    return shopper, place_form(review)


def place_form(review: Answer) -> dict[str, str]:
    return {
        "csrfmiddlewaretoken": TOKEN.search(review.body).group(1),
        **dict(HIDDEN.findall(review.body)),
    }


def all_at_once(sends: list) -> list[Answer]:
    """Run each `send` in its own thread, released together."""
    start = threading.Barrier(len(sends))

    def run(send) -> Answer:
        start.wait(timeout=30)
        return send()

    with ThreadPoolExecutor(len(sends)) as pool:
        return list(pool.map(run, sends))


def test_shoppers_racing_for_the_last_unit_get_one_order(site):
    url, env = site
    name = f"Last-jar-{env['SESSION_BACKEND'].replace('_', '-')}"
    page = product(env, name, stock=1)
    racers = [at_review(url, page, f"racer{n}@example.com") for n in range(RACERS)]
    answers = all_at_once(
        [lambda s=s, f=f: s.request("POST", "/checkout/place/", f) for s, f in racers]
    )
    placed = [a for a in answers if a.status == 303]
    refused = [a for a in answers if a.status != 303]
    assert len(placed) == 1, [str(a) for a in answers]
    assert placed[0].headers["Location"].startswith("/orders/")
    for answer in refused:
        assert answer.status == 409, answer
        assert re.search(r"Last-jar-[\w-]+ (has )?sold out", answer.text), answer
    assert report(env, name) == {"stock": 0, "orders": 1}


def test_a_button_pressed_three_times_at_once_places_one_order(site):
    url, env = site
    name = f"Triple-{env['SESSION_BACKEND'].replace('_', '-')}"
    page = product(env, name, stock=5)
    shopper, form = at_review(url, page, "clicker@example.com")
    clicks = []
    for _ in range(3):
        click = Shopper(url)
        click.cookies = dict(shopper.cookies)  # one browser: the same cookie on each request
        clicks.append(lambda c=click: c.request("POST", "/checkout/place/", form))
    answers = all_at_once(clicks)
    assert {a.status for a in answers} == {303}, [str(a) for a in answers]
    assert len({a.headers["Location"] for a in answers}) == 1
    assert report(env, name) == {"stock": 4, "orders": 1}
    confirmation = clicks[0].__defaults__[0].get(answers[0].headers["Location"])
    assert confirmation.status == 200
