"""Checkout in Chromium, once per session engine: the address, delivery and review steps
live in the session, so every step must carry over between the two gunicorn workers."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import (
    PRODUCT,
    add_to_cart,
    admin_sign_in,
    cart_count,
    open_product_by_search,
    sign_in,
)

pytestmark = pytest.mark.browser

EXPRESS = Decimal("8.95")
STANDARD = Decimal("3.95")
ORDER_URL = re.compile(r"/orders/([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/$")
BAD_POSTCODE_ERROR = "Enter a postcode as written in United Kingdom."


@pytest.fixture
def shopper(make_shopper):
    """This module's own account: its orders, saved addresses and the cart left in its
    second checkout stay out of the tests that use the shared shopper."""
    return make_shopper("checkout-buyer")


def address_of(site, name: str) -> dict[str, str]:
    """A delivery address of its own for each engine and test."""
    return {
        "Full name": name,
        "Address line 1": f"{len(site.engine)} Orchard Lane ({site.engine})",
        "Town or city": "Bristol",
        "Postcode": "BS1 4DJ",
    }


def price_on_product_page(page: Page) -> Decimal:
    return Decimal(page.get_by_test_id("price").inner_text().strip().lstrip("£"))


def go_to_checkout(page: Page) -> None:
    """From any page: the cart in the header, then its Checkout button."""
    page.get_by_role("link", name=re.compile(r"^Cart")).click()
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    page.get_by_role("link", name="Checkout", exact=True).click()
    expect(page).to_have_url(re.compile(r"/checkout/address/$"))


def fill_address(page: Page, address: dict[str, str]) -> None:
    for label, value in address.items():
        page.get_by_label(label, exact=True).fill(value)


def continue_to(page: Page, button: str, step: str) -> None:
    page.get_by_role("button", name=button).click()
    expect(page).to_have_url(re.compile(rf"/checkout/{step}/$"))


def place_order(page: Page) -> str:
    """On the review page: place the order; return its number from the page it lands on."""
    page.get_by_role("button", name="Place order").click()
    expect(page).to_have_url(ORDER_URL)
    number = ORDER_URL.search(page.url).group(1)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {number}")
    expect(page.get_by_text(f"Thank you! Your order {number} is placed.")).to_be_visible()
    return number


def test_a_guest_checks_out_and_only_their_session_sees_the_order(
    page: Page, new_page, site, screenshot
) -> None:
    page.goto("/")
    open_product_by_search(page, PRODUCT)
    price = price_on_product_page(page)
    add_to_cart(page, 2)
    expect(cart_count(page)).to_have_text("2")
    go_to_checkout(page)
    expect(page.get_by_role("heading", name="Where should we deliver?")).to_be_visible()
    expect(page.get_by_label("Country")).to_have_value("GB")
    expect(page.get_by_role("complementary")).to_contain_text(f"2 × {PRODUCT}")

    # A postcode that is not one in the country chosen: the error is shown at the field,
    # and what was typed is kept.
    address = address_of(site, "Ada Guest")
    fill_address(page, {**address, "Postcode": "12345", "Email": "ada@example.com"})
    page.get_by_role("button", name="Continue to delivery").click()
    expect(page).to_have_url(re.compile(r"/checkout/address/$"))
    postcode_field = page.locator("#field-postcode")
    expect(postcode_field).to_have_class(re.compile(r"\bhas-error\b"))
    expect(postcode_field.locator(".field-error")).to_have_text(BAD_POSTCODE_ERROR)
    expect(page.get_by_label("Postcode", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-error")).to_have_count(1)
    expect(page.get_by_label("Full name")).to_have_value("Ada Guest")
    expect(page.get_by_label("Email")).to_have_value("ada@example.com")
    screenshot(page, "checkout-address-error")

    page.get_by_label("Postcode", exact=True).fill("bs1   4dj")
    continue_to(page, "Continue to delivery", "delivery")
    expect(page.get_by_role("heading", name="How fast?")).to_be_visible()
    expect(page.get_by_text("Delivering to Ada Guest")).to_contain_text("BS1 4DJ")
    expect(page.get_by_role("radio", name=re.compile(r"^Standard"))).to_be_checked()
    page.get_by_role("radio", name=re.compile(r"^Express: £8\.95")).check()
    screenshot(page, "checkout-delivery")
    continue_to(page, "Continue to review", "review")

    total = 2 * price + EXPRESS
    expect(page.get_by_role("heading", name="Check your order")).to_be_visible()
    line = page.locator(".review-line").filter(has_text=PRODUCT)
    expect(line.get_by_role("cell")).to_have_text([PRODUCT, f"£{price}", "2", f"£{2 * price}"])
    expect(page.get_by_role("row").filter(has_text="Express delivery")).to_contain_text("£8.95")
    expect(page.get_by_test_id("order-total")).to_have_text(f"£{total}")
    expect(page.get_by_text("We will write to ada@example.com.")).to_be_visible()
    # The review page is the same whichever worker draws it: the checkout is in the session.
    for _ in range(3):
        page.reload()
        expect(page.get_by_test_id("order-total")).to_have_text(f"£{total}")
    screenshot(page, "checkout-review")

    number = place_order(page)
    line = page.locator(".order-line").filter(has_text=PRODUCT)
    expect(line.get_by_role("cell")).to_have_text([PRODUCT, f"£{price}", "2", f"£{2 * price}"])
    expect(page.locator(".cart-total")).to_have_text(f"£{total}")
    expect(page.get_by_role("complementary")).to_contain_text("Ada Guest")
    expect(cart_count(page)).to_have_text("0")
    expect(page.get_by_role("link", name="Orders", exact=True)).to_be_visible()
    screenshot(page, "order-placed")
    order_url = page.url
    for _ in range(3):
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {number}")

    # The checkout is over: starting another goes back to the (empty) cart.
    page.goto("/checkout/")
    expect(page).to_have_url(re.compile(r"/cart/$"))
    expect(page.get_by_text("Your cart is empty: add something before")).to_be_visible()

    # Someone else, with the order's address but not the session it was placed in. The
    # servers run with DEBUG, so this is Django's own 404 page (titled as the shop's is).
    other = new_page()
    response = other.goto(order_url)
    assert response is not None and response.status == 404
    expect(other).to_have_title(re.compile(r"^Page not found"))
    expect(other.get_by_text("Ada Guest")).to_have_count(0)
    expect(other.get_by_text(PRODUCT)).to_have_count(0)


def test_a_signed_in_shopper_finds_the_order_and_the_address_again(
    page: Page, site, shopper, screenshot
) -> None:
    page.goto("/")
    sign_in(page, shopper.username, shopper.password)
    expect(page.get_by_role("link", name="Orders", exact=True)).to_be_visible()
    open_product_by_search(page, PRODUCT)
    price = price_on_product_page(page)
    add_to_cart(page, 1)
    go_to_checkout(page)

    # The account's email is used: the form does not ask for one.
    expect(page.get_by_label("Full name")).to_be_visible()
    expect(page.locator("#field-email")).to_have_count(0)
    address = address_of(site, "Bea Buyer")
    fill_address(page, address)
    continue_to(page, "Continue to delivery", "delivery")
    continue_to(page, "Continue to review", "review")  # standard, as chosen already
    expect(page.get_by_test_id("order-total")).to_have_text(f"£{price + STANDARD}")
    expect(page.get_by_text(f"We will write to {shopper.username}@example.com.")).to_be_visible()
    number = place_order(page)
    expect(cart_count(page)).to_have_text("0")

    page.get_by_role("link", name="Orders", exact=True).click()
    expect(page).to_have_url(re.compile(r"/orders/$"))
    expect(page.get_by_role("heading", name="Your orders")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=number))
    expect(row).to_contain_text(f"£{price + STANDARD}")
    expect(row).to_contain_text("Placed")
    screenshot(page, "orders-list")

    # The next checkout offers the address the last order went to.
    open_product_by_search(page, PRODUCT)
    add_to_cart(page, 1)
    go_to_checkout(page)
    saved = page.get_by_role("listitem").filter(has_text=address["Address line 1"])
    expect(saved).to_have_count(1)
    expect(saved.locator("address")).to_contain_text("Bristol BS1 4DJ")
    expect(page.get_by_role("heading", name="Or a new address")).to_be_visible()
    screenshot(page, "checkout-saved-address")
    saved.get_by_role("button", name="Deliver here").click()
    expect(page).to_have_url(re.compile(r"/checkout/delivery/$"))
    expect(page.get_by_text("Delivering to Bea Buyer")).to_contain_text(address["Address line 1"])


def test_a_guest_checks_out_without_javascript(new_page, site) -> None:
    page = new_page(java_script_enabled=False)
    page.goto("/")
    open_product_by_search(page, PRODUCT)
    price = price_on_product_page(page)
    add_to_cart(page, 1)
    expect(cart_count(page)).to_have_text("1")
    go_to_checkout(page)

    fill_address(page, {**address_of(site, "Cy Plain"), "Email": "cy@example.com"})
    page.get_by_label("Country").select_option(label="United Kingdom")
    continue_to(page, "Continue to delivery", "delivery")
    page.get_by_role("radio", name=re.compile(r"^Standard")).check()
    continue_to(page, "Continue to review", "review")
    expect(page.get_by_test_id("order-total")).to_have_text(f"£{price + STANDARD}")

    number = place_order(page)
    expect(cart_count(page)).to_have_text("0")
    page.get_by_role("link", name="Orders", exact=True).click()
    expect(page.get_by_role("link", name=number)).to_be_visible()


def test_staff_cancel_an_order_only_once_they_confirm(new_page, site, staff) -> None:
    """Cancelling cannot be undone, so the admin asks first: "No, keep it" changes nothing."""
    if site.engine != "db":
        pytest.skip("the admin's pages are the same on every engine: shown once, on db")
    buyer = new_page()
    buyer.goto("/")
    open_product_by_search(buyer, PRODUCT)
    add_to_cart(buyer, 1)
    go_to_checkout(buyer)
    fill_address(buyer, {**address_of(site, "Cy Cancel"), "Email": "cy@example.com"})
    continue_to(buyer, "Continue to delivery", "delivery")
    continue_to(buyer, "Continue to review", "review")
    number = place_order(buyer)

    admin = new_page()
    admin_sign_in(admin, staff.username, staff.password)
    admin.goto(f"/admin/orders/order/?q={number}")
    admin.get_by_role("link", name=number).click()
    cancel = admin.get_by_role("link", name="Cancel order and return its stock")
    cancel.click()
    expect(admin.get_by_role("heading", name=f"Cancel order {number}?")).to_be_visible()
    admin.get_by_role("link", name="No, keep it").click()
    expect(admin.locator(".field-status")).to_contain_text("Placed")

    cancel.click()
    admin.get_by_role("button", name="Yes, cancel the order").click()
    expect(admin.locator(".field-status")).to_contain_text("Cancelled")
    expect(cancel).to_have_count(0)  # nothing left to cancel
