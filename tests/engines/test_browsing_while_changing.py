"""No confirmed change is lost, whatever else the browser sends meanwhile: one browser (one
cookie jar) adds to its cart, or places an order, while its other tabs browse product pages
and re-sort the list, pages that write the session too (recently viewed, the sort chosen).
Against gunicorn with several workers of several threads, on every engine that keeps
sessions on the server. (On `cookie` the browser keeps the session, and the last cookie it
is sent wins: see the README.)"""

import os
import re
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

import pytest

from shop.sessions.config import REDIS_BACKENDS
from tests.orders.helpers import ADDRESS
from tests.services import REDIS_URL, engines_under_test, require_redis, shop_database
from tools.servers import gunicorn_server, manage
from tools.shoppers import CART_REFUSAL, Shopper, product_pages

WORKERS = 3
ADDS = 40
ORDERS = 20
BROWSING_TABS = 2
SORTS = ["/products/?sort=price", "/products/?sort=-price", "/products/?sort=name"]


@pytest.fixture(scope="module")
def shop_env(tmp_path_factory) -> Iterator[dict[str, str]]:
    root = tmp_path_factory.mktemp("browsing")
    with shop_database("browsing", root) as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SESSION_")}
        env |= {"DATABASE_URL": url, "DJANGO_DEBUG": "1", "REDIS_URL": REDIS_URL}
        env |= {"DJANGO_MEDIA_ROOT": str(root), "ORDER_PLACE_RATE": "1000/h"}  # one address
        manage(env, "seed_catalog")
        yield env


@pytest.fixture(scope="module", params=[b for b in engines_under_test() if b != "cookie"])
def site(request, shop_env, tmp_path_factory) -> Iterator[str]:
    if request.param in REDIS_BACKENDS:
        require_redis()
    env = {**shop_env, "SESSION_BACKEND": request.param}
    log = tmp_path_factory.mktemp(f"browsing-{request.param}") / "gunicorn.log"
    with gunicorn_server(env, log, workers=WORKERS, access_log=False) as server:
        yield server.url


def tab(browser: Shopper) -> Shopper:
    """Another tab of the same browser: it shares the cookie jar."""
    other = Shopper(f"http://{browser.netloc}")
    other.cookies = browser.cookies
    return other


@contextmanager
def browsing_beside(browser: Shopper, tabs: int, pages: list[str]) -> Iterator[list[Future]]:
    """`tabs` more tabs of the browser load product pages and sort the list until the block
    ends; each future gives its tab's statuses."""
    stop = threading.Event()

    def browse(number: int) -> list[int]:
        other, statuses, visited = tab(browser), [], 0
        while not stop.is_set():
            page = pages[visited % len(pages)] if visited % 4 else SORTS[visited % 3]
            statuses.append(other.get(page).status)
            visited += 1 + number
        return statuses

    with ThreadPoolExecutor(tabs) as pool:
        futures = [pool.submit(browse, number) for number in range(tabs)]
        try:
            yield futures
        finally:
            stop.set()


def add(browser: Shopper, page: str) -> int | None:
    """Add one of the product on `page`: its id, once the shop confirmed; None if sold out."""
    product_id, answer = browser.add_from(browser.get(page))
    if answer.status == 400 and CART_REFUSAL.search(answer.text):
        return None
    assert answer.status == 302, str(answer)
    return product_id


def test_browsing_in_other_tabs_undoes_no_add(site):
    pages = product_pages(site, pages=6)
    browser, confirmed = Shopper(site), {}
    while not confirmed:  # the session the tabs then share
        if product_id := add(browser, pages.pop()):
            confirmed[product_id] = 1
    with browsing_beside(browser, BROWSING_TABS, pages) as tabs:
        for page in pages:
            if len(confirmed) < ADDS and (product_id := add(browser, page)):
                confirmed[product_id] = 1
    assert len(confirmed) == ADDS
    assert browser.cart() == confirmed, "every add the shop confirmed is in the cart"
    assert {status for t in tabs for status in t.result()} == {200}


def place_an_order(browser: Shopper, pages: list[str]) -> str:
    """A guest's order of one product, placed while another tab browses; its page's path."""
    assert any(add(browser, page) for page in pages)
    with browsing_beside(browser, 1, pages):
        form = browser.post_form("/checkout/address/", "/checkout/address/", ADDRESS)
        assert form.status == 302, str(form)
        method = {"method": "standard"}
        assert browser.post_form("/checkout/delivery/", "/checkout/delivery/", method).status == 302
        review = browser.get("/checkout/review/")
        hidden = dict(re.findall(r'name="(token|shown)" value="([^"]*)"', review.body))
        placed = browser.post_form(review, "/checkout/place/", hidden)
        assert placed.status == 303, str(placed)
        return placed.headers["Location"]


def test_an_order_placed_while_another_tab_browses_stands(site):
    pages = product_pages(site, pages=6)
    for run in range(1, ORDERS + 1):
        browser = Shopper(site)
        order = place_an_order(browser, pages[run:] + pages[:run])
        assert browser.get(order).status == 200, f"run {run}: the order is the guest's"
        assert browser.cart() == {}, f"run {run}: the ordered line stays out of the cart"
