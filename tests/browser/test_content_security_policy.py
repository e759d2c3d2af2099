"""The storefront and the admin work in Chromium under the Content-Security-Policy: no page
logs a violation (or any other error), and the admin's own scripts still run."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.steps import PRODUCT, add_to_cart, admin_sign_in, open_product_by_search

pytestmark = pytest.mark.browser

STOREFRONT = ["/", "/products/", "/cart/", "/state/", "/accounts/sessions/", "/accounts/password/"]
ADMIN = [
    "/admin/",
    "/admin/register/sessionrecord/",
    "/admin/accounts/user/",
    "/admin/catalog/product/",
]


def record_errors(page: Page) -> list[str]:
    """Console errors as they happen: Chromium reports each CSP violation as one."""
    errors: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{page.url}: {message.text}")

    page.on("console", keep)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return errors


def test_no_page_breaks_the_policy(new_page: Callable[[], Page], staff) -> None:
    page = new_page()
    errors = record_errors(page)
    page.goto("/")
    open_product_by_search(page, PRODUCT)
    add_to_cart(page, 1)
    admin_sign_in(page, staff.username, staff.password)
    for path in STOREFRONT + ADMIN:
        response = page.goto(path)
        assert response and response.ok, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
    assert errors == []


def test_the_admins_scripts_run_under_the_policy(new_page: Callable[[], Page], staff) -> None:
    page = new_page()
    errors = record_errors(page)
    admin_sign_in(page, staff.username, staff.password)
    page.goto("/admin/catalog/product/add/")
    # prepopulate.js fills in the slug from the name as it is typed.
    page.get_by_label("Name").press_sequentially("Quince Paste")  # it listens for keyup
    expect(page.get_by_label("Slug")).to_have_value("quince-paste")
    page.goto("/admin/register/sessionrecord/")
    # nav_sidebar.js toggles the sidebar; actions.js counts the ticked rows.
    sidebar = page.locator("#nav-sidebar")
    expect(sidebar).to_be_visible()
    page.get_by_role("button", name="Toggle navigation").click()
    expect(sidebar).to_be_hidden()
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_have_text(re.compile(r"^[1-9]\d* of \d+ selected$"))
    assert errors == []
