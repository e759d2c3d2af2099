"""/state/ in Chromium, without JavaScript, on a 390 px phone and a desktop: "Which engine?"
is in the first screen, the form recommends an engine, nothing scrolls sideways but the
wide tables' own boxes, and axe-core finds nothing against WCAG 2.1 A and AA.

The section reads the same on every engine, so one gunicorn on `db` serves these tests."""

import re
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import axe_violations
from tools.servers import gunicorn

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SCREENS = {"phone": PHONE, "desktop": DESKTOP}
FLEET = {
    "instances": "4", "sticky": "no", "deploys": "20", "survive": "failure",
    "stolen_cookie_readable": "no", "staff_end": "yes", "shoppers": "50000",
}  # fmt: skip
PAGES = {
    "empty": "/state/",
    "answered": f"/state/?{urlencode(FLEET)}",
    "refused": f"/state/?{urlencode({**FLEET, 'instances': '-3', 'survive': 'forever'})}",
}


@pytest.fixture(scope="module")
def state_url(site_env, tmp_path_factory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("gunicorn-state") / "gunicorn.log"
    with gunicorn({**site_env, "SESSION_BACKEND": "db"}, log) as url:
        yield url


@pytest.fixture
def open_page(browser: Browser, state_url: str) -> Iterator[Callable[..., Page]]:
    """A fresh profile, without JavaScript unless asked for axe-core: the page has no script
    of its own, but with JavaScript off axe's promise never settles. Its CSP is bypassed only
    so that the test can evaluate axe-core (the policy has its own test)."""
    contexts = []

    def open_at(viewport: dict, javascript: bool = False) -> Page:
        context = browser.new_context(
            base_url=state_url, viewport=viewport, java_script_enabled=javascript, bypass_csp=True
        )
        contexts.append(context)
        context.set_default_timeout(10_000)
        context.route(lambda url: not url.startswith(state_url), lambda route: route.abort())
        return context.new_page()

    yield open_at
    for context in contexts:
        context.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_which_engine_is_in_the_first_screen(open_page, screen):
    page = open_page(SCREENS[screen])
    page.goto("/state/")
    heading = page.get_by_role("heading", name="Which engine should a shop choose?")
    expect(heading).to_be_visible()
    box = heading.bounding_box()
    assert box and box["y"] + box["height"] <= SCREENS[screen]["height"]
    first_verdict = page.get_by_test_id("verdict-cookie").bounding_box()
    assert first_verdict and first_verdict["y"] < SCREENS[screen]["height"]  # and a verdict


@pytest.mark.parametrize("screen", SCREENS)
def test_a_shop_gets_a_recommendation_without_javascript(open_page, screen):
    page = open_page(SCREENS[screen])
    page.goto("/state/")
    page.get_by_label("How many instances serve the shop?").fill("4")
    page.get_by_role("group", name=re.compile("same instance")).get_by_label("No").check()
    page.get_by_label("A failure too").check()
    page.get_by_label("Concurrent shoppers at the peak").fill("50000")
    page.get_by_role("button", name="Recommend an engine").click()

    expect(page).to_have_url(re.compile(r"/state/\?instances=4&.*#choose$"))
    expect(page.get_by_test_id("recommended")).to_have_text("redis_db")
    expect(page.get_by_test_id("recommendation")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"]


def test_a_refused_answer_is_shown_beside_its_question(open_page):
    page = open_page(PHONE)
    response = page.goto(PAGES["refused"])
    assert response and response.status == 400
    instances = page.get_by_label("How many instances serve the shop?")
    expect(instances).to_have_attribute("aria-invalid", "true")
    expect(instances).to_have_accessible_description(re.compile("Enter 1 or more."))
    expect(page.locator("#field-survive")).to_contain_text("Choose one of the answers shown.")


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("state", PAGES)
def test_axe_finds_nothing_against_wcag_2_1_aa(open_page, screen, state):
    page = open_page(SCREENS[screen], javascript=True)
    assert page.goto(PAGES[state]).status == (400 if state == "refused" else 200)
    assert page.evaluate("document.scripts.length") == 0  # so the page is as without it
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"]
