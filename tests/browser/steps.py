"""What a shopper does in the storefront, step by step, shared by the browser tests."""

import re

from playwright.sync_api import Locator, Page, expect

PRODUCT = "Raspberry Jam"  # £4.50 in the demo catalog, plenty in stock


def cart_count(page: Page) -> Locator:
    return page.get_by_test_id("cart-count")


def add_to_cart(page: Page, quantity: int) -> None:
    """On a product page: choose a quantity and press the button, as a shopper does."""
    page.get_by_label("Quantity", exact=True).fill(str(quantity))
    page.get_by_role("button", name="Add to cart").click()


def open_product_by_search(page: Page, name: str) -> None:
    page.get_by_role("searchbox", name="Search products").fill(name)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=re.compile(re.escape(name))).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def sign_in(page: Page, username: str, password: str) -> None:
    page.get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def admin_sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
