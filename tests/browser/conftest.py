"""The storefront as shoppers meet it: a real gunicorn per session engine, driven by Chromium.

SessionMiddleware binds the session engine when the process starts, so each engine gets its
own server. Each server runs two workers, so a shopper's requests land on different
processes and only state kept in the session store carries over. The servers share one
seeded SQLite file, where accounts are made with manage.py as an operator would.

While Playwright's sync API is open it marks an asyncio loop as running in the main
thread, and Django then refuses ORM calls there (SynchronousOnlyOperation). So the
browser tests run last, Playwright lives only as long as this package, and its teardown
checks that no running loop is left behind for the tests that follow.
"""

import asyncio
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from shop.sessions.config import REDIS_BACKENDS
from tests.conftest import SHARED_SERVER_PACKAGES, group_of
from tests.services import CHROMIUM, REDIS_URL, engines_under_test, require_chromium, require_redis
from tools.servers import BASE_DIR, CREATE_SHOPPER, gunicorn, manage

# The README shows screenshots from one engine, rewritten only when asked so a test run
# leaves the checkout clean; every other screenshot goes to a temporary folder.
SCREENSHOT_ENGINE = "db"
UPDATE_SCREENSHOTS = os.environ.get("UPDATE_SCREENSHOTS") == "1"
SCREENSHOTS_DIR = BASE_DIR / "docs" / "screenshots"
# Without the background-networking switches Chromium stalls on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ACTION_TIMEOUT = 10_000  # milliseconds for any one browser step
VIEWPORT = {"width": 1100, "height": 800}
# Screenshots are committed, so each is kept under ~80 KB with a fixed name: pages with
# the product pictures as JPEG (their gradients make PNGs of 150 KB and more), text as PNG,
# but for the placed order's page, a PNG of over 100 KB.
JPEG_SCREENSHOTS = {"home", "product", "signup", "order-placed"}
JPEG_QUALITY = 70
STAFF = ("staff", "staff-Ledger-of-the-larder-7")  # username, password


@pytest.hookimpl(trylast=True)  # after pytest-django's ordering, which it keeps within groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """No test that calls Django's ORM in this process may run while Playwright is open,
    so the browser tests run apart: alone, after all others; across xdist workers first,
    with the other groups of servers, then the slow files, so that the longest groups do
    not start last."""
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    others = [item for item in items if not item.get_closest_marker("browser")]
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        items[:] = others + browser_items
        return
    others.sort(key=lambda item: (group_of(item) not in SHARED_SERVER_PACKAGES, not slow(item)))
    items[:] = browser_items + others


def slow(item: pytest.Item) -> bool:
    return item.get_closest_marker("slow") is not None


@dataclass(frozen=True)
class Site:
    engine: str
    url: str
    screenshots: Path
    env: dict[str, str]


@dataclass(frozen=True)
class Account:
    username: str
    password: str


@pytest.fixture(scope="package")
def site_env(tmp_path_factory) -> dict[str, str]:
    """Environment for the servers: a fresh SQLite file with the demo catalog, own media."""
    root = tmp_path_factory.mktemp("site")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(root / "media"),
        "DJANGO_DEBUG": "1",  # plain HTTP cookies, and whitenoise serves static from finders
        # Session keys are random and prefixed, so sharing Redis with other runs is safe.
        "REDIS_URL": REDIS_URL,
        "SESSION_BACKEND": "db",
        # Every engine's sign-ups come from 127.0.0.1 within the hour: at the shop's 5/h the
        # sixth was refused whenever the run did not cross an hour (tests/accounts tests it).
        "SIGNUP_RATE": "100/h",
    }
    manage(env, "migrate", "--noinput")
    manage(env, "seed_catalog")
    return env


@pytest.fixture(scope="package", params=engines_under_test())
def site(request, site_env, tmp_path_factory) -> Iterator[Site]:
    """gunicorn with two workers, serving the storefront on one session engine."""
    engine = request.param
    if engine in REDIS_BACKENDS:
        require_redis()
    root = tmp_path_factory.mktemp(f"gunicorn-{engine}")
    server_env = {**site_env, "SESSION_BACKEND": engine}
    with gunicorn(server_env, root / "gunicorn.log") as url:
        for_readme = UPDATE_SCREENSHOTS and engine == SCREENSHOT_ENGINE
        screenshots = SCREENSHOTS_DIR if for_readme else root / "screenshots"
        yield Site(engine=engine, url=url, screenshots=screenshots, env=server_env)


@pytest.fixture(scope="package")
def staff(site_env) -> Account:
    """A superuser made with createsuperuser, as an operator does on a new site."""
    username, password = STAFF
    env = {**site_env, "DJANGO_SUPERUSER_PASSWORD": password}
    manage(env, "createsuperuser", "--noinput", "--username", username,
           "--email", f"{username}@example.com")  # fmt: skip
    return Account(username, password)


@pytest.fixture
def make_shopper(site: Site) -> Callable[[str], Account]:
    """Make a shopper's account on the site's database, named for the engine. The engines
    share one database, so each name is for one test per engine."""

    def make(name: str) -> Account:
        account = Account(f"{name}-{site.engine.replace('_', '-')}", "copper-Kettle-on-the-hob-42")
        env = {
            **site.env,
            "SHOPPER_USERNAME": account.username,
            "SHOPPER_EMAIL": f"{account.username}@example.com",
            "SHOPPER_PASSWORD": account.password,
        }
        manage(env, "shell", "-c", CREATE_SHOPPER)
        return account

    return make


@pytest.fixture
def shopper(make_shopper: Callable[[str], Account]) -> Account:
    """A shopper's account on the site's database, one per engine. A module whose test
    leaves orders or a saved cart behind overrides this with an account of its own."""
    return make_shopper("buyer")


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=30_000
        )
        yield browser
        browser.close()
    if asyncio._get_running_loop() is not None:  # would break every later ORM call
        asyncio._set_running_loop(None)
        pytest.fail("Playwright left its event loop marked as running in the main thread")


@pytest.fixture
def new_page(browser: Browser, site: Site) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser profile (no cookies) on one engine's server; each
    call is another person at another computer. Keyword arguments go to the context, as
    java_script_enabled=False. All are closed after the test."""
    contexts: list[BrowserContext] = []

    def open_page(**options) -> Page:
        context = browser.new_context(base_url=site.url, viewport=VIEWPORT, **options)
        contexts.append(context)
        context.set_default_timeout(ACTION_TIMEOUT)
        # Everything stays on this machine: any request for another address is refused.
        context.route(lambda url: not url.startswith(site.url), lambda route: route.abort())
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


@pytest.fixture
def screenshot(site: Site) -> Callable[[Page, str], None]:
    """Save what is on screen as <engine>-<name>.png, or .jpg for the pages with pictures."""

    def save(page: Page, name: str) -> None:
        site.screenshots.mkdir(parents=True, exist_ok=True)
        path = site.screenshots / f"{site.engine}-{name}.png"
        if name in JPEG_SCREENSHOTS:
            path.unlink(missing_ok=True)  # an earlier PNG of this page
            path = path.with_suffix(".jpg")
            page.screenshot(path=path, type="jpeg", quality=JPEG_QUALITY, full_page=False)
        else:
            page.screenshot(path=path, type="png", full_page=False)

    return save
