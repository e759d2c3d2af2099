"""A shopper's visit in Chromium, once per session engine, against the seeded demo catalog."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import (
    PRODUCT,
    add_to_cart,
    cart_count,
    open_product_by_search,
    sign_in,
)

pytestmark = pytest.mark.browser

CATEGORY = "Preserves & Honey"
SEARCH = "jam"
PASSWORD = "copper-Kettle-on-the-hob-42"


def prices(page: Page) -> list[Decimal]:
    texts = page.get_by_role("article").locator(".price").all_inner_texts()
    return [Decimal(text.strip().lstrip("£").replace(",", "")) for text in texts]


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_a_guest_browses_searches_and_fills_a_cart(page: Page, screenshot) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Shop by category")).to_be_visible()
    expect(page.get_by_role("heading", name="Featured")).to_be_visible()
    expect(cart_count(page)).to_have_text("0")
    screenshot(page, "home")

    page.get_by_role("link", name=re.compile(f"^{re.escape(CATEGORY)}")).first.click()
    expect(page).to_have_url(re.compile(r"/category/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(CATEGORY)
    expect(page.get_by_role("article").first).to_be_visible()

    page.get_by_role("searchbox", name="Search products").fill(SEARCH)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Results for “{SEARCH}”")
    expect(page.get_by_role("heading", name=PRODUCT)).to_be_visible()
    expect(page.get_by_role("heading", name="Flaky Sea Salt")).to_have_count(0)

    page.get_by_label("Sort by").select_option(label="Price: low to high")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"[?&]sort=price(&|$)"))
    expect(page).to_have_url(re.compile(rf"[?&]q={SEARCH}(&|$)"))
    shown = prices(page)
    assert len(shown) >= 2
    assert shown == sorted(shown)

    page.get_by_role("link", name=re.compile(PRODUCT)).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PRODUCT)
    expect(page.get_by_test_id("price")).to_have_text("£4.50")
    expect(page.get_by_test_id("stock")).to_contain_text("In stock")
    screenshot(page, "product")

    add_to_cart(page, 2)
    expect(page.get_by_text(PRODUCT).first).to_be_visible()
    expect(cart_count(page)).to_have_text("2")
    # Two gunicorn workers answer in turn: the count is the same whichever one reads it.
    for _ in range(4):
        page.reload()
        expect(cart_count(page)).to_have_text("2")

    page.get_by_role("link", name=re.compile(r"^Cart")).click()
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    line = page.get_by_role("row").filter(has_text=PRODUCT)
    expect(line.get_by_label(f"Quantity of {PRODUCT}")).to_have_value("2")
    expect(line).to_contain_text("£9.00")
    line.get_by_label(f"Quantity of {PRODUCT}").fill("3")
    line.get_by_role("button", name="Update").click()
    expect(page.get_by_text(f"{PRODUCT}: quantity set to 3.")).to_be_visible()
    line = page.get_by_role("row").filter(has_text=PRODUCT)
    expect(line.get_by_label(f"Quantity of {PRODUCT}")).to_have_value("3")
    expect(line).to_contain_text("£13.50")
    expect(page.get_by_role("row").filter(has_text="Total (3 items)")).to_contain_text("£13.50")
    expect(cart_count(page)).to_have_text("3")
    screenshot(page, "cart")


def test_the_cart_follows_a_shopper_through_sign_up_sign_out_and_sign_in(
    page: Page, site, screenshot
) -> None:
    page.goto("/")
    open_product_by_search(page, PRODUCT)
    add_to_cart(page, 2)
    expect(cart_count(page)).to_have_text("2")

    username = f"shopper-{site.engine.replace('_', '-')}"
    page.get_by_role("link", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    screenshot(page, "signup")
    page.get_by_role("button", name=re.compile("Create account|Sign up")).click()

    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.locator(".account-user")).to_have_text(f"Signed in as {username}")
    expect(cart_count(page)).to_have_text("2")

    sign_out(page)
    expect(cart_count(page)).to_have_text("0")

    sign_in(page, username, PASSWORD)
    expect(page.get_by_text("We added 2 items from your saved cart.")).to_be_visible()
    expect(cart_count(page)).to_have_text("2")
    page.get_by_role("link", name=re.compile(r"^Cart")).click()
    line = page.get_by_role("row").filter(has_text=PRODUCT)
    expect(line.get_by_label(f"Quantity of {PRODUCT}")).to_have_value("2")
