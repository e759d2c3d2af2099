"""Staff end a shopper's session from the admin, once per session engine: two people, two
browser profiles, one server with two workers."""

import re

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

CHANGELIST = "/admin/register/sessionrecord/"
ENDED = "This session was ended from another device or by staff. Please sign in again."


def overflow_across(page: Page, selector: str) -> str:
    """ "" when neither the page nor the element scrolls sideways; else the widths, and the
    widest cell of each column, to say what did not fit."""
    return page.evaluate(
        """s => { const box = document.querySelector(s), doc = document.documentElement;
        if (box.scrollWidth <= box.clientWidth && doc.scrollWidth <= window.innerWidth) return "";
        const widest = {};
        for (const cell of box.querySelectorAll("tr > *")) {
            const key = cell.className || cell.cellIndex, w = cell.getBoundingClientRect().width;
            if (!widest[key] || widest[key][0] < w) widest[key] = [Math.round(w), cell.innerText];
        }
        return `box ${box.scrollWidth} in ${box.clientWidth}, page ${doc.scrollWidth} in ` +
            `${window.innerWidth}; widest cells: ${JSON.stringify(widest)}`; }""",
        selector,
    )


def session_cookie(page: Page) -> str:
    """The sessionid cookie's value: the session key on server-side engines, the signed
    session itself on the cookie engine."""
    return next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")


def test_staff_end_a_signed_in_shoppers_session(new_page, site, staff, shopper, screenshot) -> None:
    # The shopper fills a cart as a guest, then signs in: the cart comes along.
    buyer = new_page()
    buyer.goto("/")
    open_product_by_search(buyer, PRODUCT)
    add_to_cart(buyer, 2)
    expect(cart_count(buyer)).to_have_text("2")
    sign_in(buyer, shopper.username, shopper.password)
    expect(cart_count(buyer)).to_have_text("2")
    buyer_key = session_cookie(buyer)  # after sign-in, which rotates the key

    # Staff, on another computer, find that session among the active ones.
    admin = new_page()
    admin_sign_in(admin, staff.username, staff.password)
    admin.get_by_role("link", name="Active sessions", exact=True).click()
    expect(admin).to_have_url(re.compile(rf"{CHANGELIST}$"))
    expect(admin.locator("#result_list th.column-last_seen")).to_have_class(
        re.compile(r"\bsorted\b.*\bdescending\b")  # newest first
    )
    # A laptop's width holds the list, navigation open, without scrolling sideways.
    admin.set_viewport_size({"width": 1280, "height": 800})
    assert overflow_across(admin, "#changelist .results") == "", "scrolls sideways at 1280 px"
    admin.get_by_role("button", name="Toggle navigation").click()  # room for the columns
    admin.evaluate("window.scrollTo(0, 0)")
    screenshot(admin, "admin-sessions")

    admin.locator("#searchbar").fill(shopper.username)
    admin.get_by_role("button", name="Search").click()
    admin.locator("#changelist-filter").get_by_role("link", name=site.engine, exact=True).click()
    expect(admin).to_have_url(re.compile(rf"[?&]engine={site.engine}(&|$)"))
    expect(admin).to_have_url(re.compile(rf"[?&]q={shopper.username}(&|$)"))
    rows = admin.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row.locator(".field-user_label")).to_have_text(shopper.username)
    expect(row.locator(".field-cart")).to_have_text("1 line, £9.00")
    staff_key = session_cookie(admin)
    for key in (buyer_key, staff_key):
        assert key not in admin.content()

    row.get_by_role("link", name=shopper.username).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("View active session")
    expect(admin.locator(".field-user_label")).to_contain_text(shopper.username)
    expect(admin.locator(".field-engine .readonly")).to_have_text(site.engine)
    if site.engine == "cookie":
        expect(admin.get_by_text("the server cannot read it").first).to_be_visible()
    else:
        line = admin.get_by_role("row").filter(has_text=PRODUCT)
        expect(line).to_have_text(re.compile(rf"{PRODUCT}\s*2\s*£4\.50\s*£9\.00"))
    for key in (buyer_key, staff_key):
        assert key not in admin.content()
    screenshot(admin, "admin-session")  # the buttons at the top, beside History

    admin.get_by_role("link", name="End this session", exact=True).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("End this session?")
    expect(admin.get_by_role("row").filter(has_text=shopper.username)).to_contain_text("£9.00")
    screenshot(admin, "admin-end-session")
    admin.get_by_role("button", name="Yes, end it", exact=True).click()
    expect(admin).to_have_url(re.compile(rf"{CHANGELIST}$"))
    expect(admin.get_by_text("Ended 1 session.")).to_be_visible()
    admin.goto(f"{CHANGELIST}?q={shopper.username}")
    expect(admin.locator("#result_list tbody tr")).to_have_count(0)

    # The shopper's next page, whichever worker serves it, shows them signed out.
    buyer.goto("/")
    expect(buyer.get_by_role("link", name="Sign in")).to_be_visible()
    expect(buyer.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(buyer.get_by_text(ENDED)).to_be_visible()
    buyer.reload()
    expect(buyer.get_by_role("link", name="Sign in")).to_be_visible()
    expect(buyer.get_by_text(ENDED)).to_have_count(0)  # said once
