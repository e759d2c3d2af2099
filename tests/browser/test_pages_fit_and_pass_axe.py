"""Every page a signed-in shopper with a cart and an order can open, in Chromium at 1280 px
and on a 360 px phone: nothing is wider than the screen, axe-core finds nothing against
WCAG 2.1 A and AA, "This device" sits in its own row of "Your devices", phone tables name
their values; and a checkout done with the keyboard alone, from product page to order.

The pages read the same on every engine, so one gunicorn on `db` serves the module, and
each test visits many pages in one browser profile to keep the run short."""

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.axe import axe_violations
from tests.browser.conftest import JPEG_QUALITY, SCREENSHOTS_DIR, UPDATE_SCREENSHOTS, Account
from tests.browser.steps import PRODUCT
from tools.servers import CREATE_SHOPPER, gunicorn, manage

pytestmark = pytest.mark.browser

SCREENS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
PRODUCT_URL = "/products/raspberry-jam/"
ADDRESS = {
    "Full name": "Kit Keyboard",
    "Address line 1": "1 Tab Row",
    "Town or city": "Leeds",
    "Postcode": "LS1 4AP",
}
ORDER_URL = re.compile(r"/orders/[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/$")
STOREFRONT_PAGES = ["/", "/products/", "/products/?q=jam", "/category/preserves/", PRODUCT_URL,
                    "/cart/"]  # fmt: skip
GUEST_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
ACCOUNT_PAGES = [
    "/accounts/sessions/", "/accounts/password/", "/orders/",
    "/checkout/address/", "/checkout/delivery/", "/checkout/review/", "/state/",
]  # fmt: skip


@pytest.fixture(scope="module")
def shop_url(site_env, tmp_path_factory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("gunicorn-pages") / "gunicorn.log"
    with gunicorn({**site_env, "SESSION_BACKEND": "db"}, log) as url:
        yield url


@pytest.fixture(scope="module")
def pages_shopper(site_env) -> Account:
    account = Account("pages-shopper", "copper-Kettle-on-the-hob-42")
    env = {
        **site_env,
        "SHOPPER_USERNAME": account.username,
        "SHOPPER_EMAIL": "pages-shopper@example.com",
        "SHOPPER_PASSWORD": account.password,
    }
    manage(env, "shell", "-c", CREATE_SHOPPER)
    return account


@pytest.fixture
def open_page(browser: Browser, shop_url: str) -> Iterator[Callable[[], Page]]:
    """A fresh profile at desktop width. JavaScript is on only so axe-core can run (the
    pages have no script) and the CSP is bypassed for it (the policy has its own test)."""
    contexts: list[BrowserContext] = []

    def open_one() -> Page:
        context = browser.new_context(
            base_url=shop_url, viewport=SCREENS["desktop"], bypass_csp=True
        )
        contexts.append(context)
        context.set_default_timeout(10_000)
        context.route(lambda url: not url.startswith(shop_url), lambda route: route.abort())
        return context.new_page()

    yield open_one
    for context in contexts:
        context.close()


def wider_than_screen(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def survey(page: Page, urls: list[str]) -> dict[str, list[str]]:
    """Open each page at each width; return what is wrong with each, by 'width url'."""
    problems: dict[str, list[str]] = {}
    for screen_name, screen in SCREENS.items():
        page.set_viewport_size(screen)
        for url in urls:
            response = page.goto(url)
            assert response and response.ok, f"{url} answered {response and response.status}"
            found = axe_violations(page)
            width = wider_than_screen(page)
            if width > screen["width"]:
                found.append(f"page is {width} px wide on a {screen['width']} px screen")
            if found:
                problems[f"{screen['width']} px {url}"] = found
            keep_for_docs(page, screen_name, url)
    return problems


# The pages the README and docs show, retaken by this test: `UPDATE_SCREENSHOTS=1`.
DOC_SCREENSHOTS = {
    ("phone", "/"): "phone-home", ("phone", PRODUCT_URL): "phone-product",
    ("phone", "/cart/"): "phone-cart", ("phone", "/accounts/sessions/"): "phone-devices",
    ("desktop", "/accounts/sessions/"): "devices", ("desktop", "/state/"): "state",
}  # fmt: skip


def keep_for_docs(page: Page, screen_name: str, url: str) -> None:
    name = DOC_SCREENSHOTS.get((screen_name, url))
    if UPDATE_SCREENSHOTS and name:
        path = SCREENSHOTS_DIR / f"db-{name}.jpg"
        page.screenshot(path=path, type="jpeg", quality=JPEG_QUALITY, full_page=False)


def sign_in(page: Page, account: Account) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password", exact=True).fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def add_jam(page: Page, quantity: int) -> None:
    page.goto(PRODUCT_URL)
    page.get_by_label("Quantity", exact=True).fill(str(quantity))
    page.get_by_role("button", name="Add to cart").click()


def checkout_to_review(page: Page) -> None:
    page.goto("/checkout/address/")
    for label, value in ADDRESS.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Continue to delivery").click()
    page.get_by_role("button", name="Continue to review").click()
    expect(page).to_have_url(re.compile(r"/checkout/review/$"))


@pytest.fixture(scope="module")
def signed_in_state(browser: Browser, shop_url: str, pages_shopper: Account, tmp_path_factory):
    """A signed-in shopper with a placed order, and a cart of three jars part-way through
    checkout (the review is reachable): saved as a profile each test starts from."""
    context = browser.new_context(base_url=shop_url, viewport=SCREENS["desktop"])
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, pages_shopper)
    add_jam(page, 2)
    checkout_to_review(page)
    page.get_by_role("button", name="Place order").click()
    expect(page).to_have_url(ORDER_URL)
    order_url = page.url.removeprefix(shop_url)
    add_jam(page, 3)
    checkout_to_review(page)
    state = tmp_path_factory.mktemp("profile") / "signed-in.json"
    context.storage_state(path=state)
    context.close()
    return state, order_url


def test_account_checkout_and_order_pages_fit_and_pass_axe(
    browser: Browser, shop_url: str, signed_in_state
) -> None:
    state, order_url = signed_in_state
    context = browser.new_context(base_url=shop_url, storage_state=state, bypass_csp=True)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        assert survey(page, [*ACCOUNT_PAGES, order_url]) == {}
        for screen in SCREENS.values():
            page.set_viewport_size(screen)
            this_device_is_in_its_row(page)
        phone_tables_name_their_values(page, order_url)
        header_fits_a_phone(page)
    finally:
        context.close()


def this_device_is_in_its_row(page: Page) -> None:
    page.goto("/accounts/sessions/")
    badge = page.get_by_test_id("this-device")
    expect(badge).to_have_text("This device")
    row = page.locator("tr.device.current")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("this-device")).to_be_visible()
    assert inside(badge.bounding_box(), row.bounding_box())
    expect(row.locator("td[data-label='Last seen']")).to_have_text("just now")
    button = row.get_by_role("button", name="Sign out")
    button_box = button.bounding_box()
    assert button_box and button_box["x"] + button_box["width"] <= page.viewport_size["width"]


def inside(inner: dict | None, outer: dict | None) -> bool:
    """Whether one on-screen box lies wholly within another."""
    assert inner and outer
    return (
        outer["x"] <= inner["x"]
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
        and outer["y"] <= inner["y"]
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"]
    )


def label_before(page: Page, cell: str) -> str:
    """The column name a phone shows before a cell's value (its ::before content)."""
    return page.locator(cell).first.evaluate("td => getComputedStyle(td, '::before').content")


def phone_tables_name_their_values(page: Page, order_url: str) -> None:
    page.set_viewport_size(SCREENS["phone"])
    for url, count in (
        ("/orders/", "Items"),
        (order_url, "Quantity"),
        ("/checkout/review/", "Quantity"),
    ):
        page.goto(url)
        for name in ("Total", count):
            assert label_before(page, f"td[data-label='{name}']") == f'"{name}"', url


def header_fits_a_phone(page: Page) -> None:
    """'Sign out' on one line, the cart link whole on screen."""
    page.set_viewport_size(SCREENS["phone"])
    page.goto("/orders/")
    sign_out = page.get_by_role("button", name="Sign out").bounding_box()
    assert sign_out and sign_out["height"] < 40  # one line of text
    cart = page.get_by_role("link", name=re.compile(r"^Cart")).bounding_box()
    assert cart and 0 <= cart["x"] and cart["x"] + cart["width"] <= SCREENS["phone"]["width"]
    expect(page.get_by_role("link", name="Your devices").first).to_be_visible()


def test_sign_in_and_sign_up_pages_fit_and_pass_axe(open_page) -> None:
    page = open_page()
    assert survey(page, GUEST_PAGES) == {}
    # A refused sign-up: the error under its field, labels above full-width inputs, fitting.
    page.set_viewport_size(SCREENS["phone"])
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("pages-newcomer")
    page.get_by_label("Email").fill("pages-newcomer@example.com")
    page.get_by_label("Password", exact=True).fill("copper-Kettle-on-the-hob-42")
    page.get_by_label("Password confirmation").fill("another-Kettle-on-the-hob-43")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#field-password2 .field-error")).to_be_visible()
    assert axe_violations(page) == []
    assert wider_than_screen(page) <= SCREENS["phone"]["width"]
    label = page.locator("#field-username label").bounding_box()
    field = page.get_by_label("Username").bounding_box()
    assert label and field and label["y"] + label["height"] <= field["y"]  # label above
    card = page.locator(".form-card").bounding_box()
    assert card and field["width"] >= card["width"] - 64  # the card's width, less padding


def test_storefront_pages_fit_and_pass_axe(
    browser: Browser, shop_url: str, signed_in_state
) -> None:
    state, _ = signed_in_state
    context = browser.new_context(base_url=shop_url, storage_state=state, bypass_csp=True)
    context.set_default_timeout(10_000)
    try:
        problems = survey(context.new_page(), STOREFRONT_PAGES)
    finally:
        context.close()
    assert problems == {}


def tab_to(page: Page, target, presses: int = 60) -> None:
    """Press Tab until the target has the focus, as a keyboard user does."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{target} never got the focus in {presses} presses of Tab")


def test_a_guest_checks_out_with_the_keyboard_alone(open_page) -> None:
    page = open_page()
    page.goto(PRODUCT_URL)
    quantity = page.get_by_label("Quantity", exact=True)
    tab_to(page, quantity)
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("cart-count")).to_have_text("2")

    tab_to(page, page.get_by_role("link", name=re.compile(r"^Cart")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    tab_to(page, page.get_by_role("link", name="Checkout", exact=True))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/checkout/address/$"))

    for label, value in {**ADDRESS, "Email": "kit@example.com"}.items():
        tab_to(page, page.get_by_label(label, exact=True))
        page.keyboard.type(value)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/checkout/delivery/$"))

    express = page.get_by_role("radio", name=re.compile(r"^Express"))
    tab_to(page, page.get_by_role("radio", checked=True))
    page.keyboard.press("ArrowDown")
    expect(express).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Continue to review"))
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"/checkout/review/$"))

    tab_to(page, page.get_by_role("button", name="Place order"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(ORDER_URL)
    expect(page.get_by_role("row").filter(has_text=PRODUCT).first).to_contain_text("2")
