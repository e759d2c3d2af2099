"""Staff and orders in the admin: find them, read them, ship or cancel them; and shoppers in
checkout as the "Active sessions" page shows them. Every step is a real request."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from shop.catalog.models import Product
from shop.orders.models import Order, OrderLine, Status
from tests.admin.helpers import CHANGELIST as SESSIONS
from tests.admin.helpers import csrf_token_from, listed, messages_of, staff_member
from tests.cart.helpers import add
from tests.orders.helpers import (
    ADDRESS,
    ORDERS_ADMIN,
    buy,
    cancel_url,
    change_url,
    choose_delivery,
    enter_address,
    order_number,
    place,
    ship_url,
    stock_of,
    to_review,
)
from tests.register.helpers import make_user, record_of, sign_in


def fresh(order: Order) -> Order:
    return Order.objects.get(pk=order.pk)


def messages_after(response) -> list[str]:
    """The messages shown on the page a POST's redirect leads to (posted with follow=True)."""
    assert response.status_code == 200
    assert response.redirect_chain, "the POST did not redirect"
    return messages_of(response)


def choice_url(response, title: str, display: str) -> str:
    """The query string of a filter's choice, as the sidebar links to it."""
    changelist = response.context["cl"]
    for spec in changelist.filter_specs:
        if spec.title == title:
            for choice in spec.choices(changelist):
                if str(choice["display"]) == display:
                    return choice["query_string"]
    raise AssertionError(f"no choice {display!r} in the filter {title!r}")


@pytest.fixture
def viewer(db) -> Client:
    """Staff who may look at orders but neither ship nor cancel them."""
    return staff_member("vera", "view_order")


@pytest.fixture
def order(jam, tea) -> Order:
    """Ada's order, as a guest: two jars of jam and two packs of tea."""
    return buy(jam, tea, quantity="2")


# The order list


def test_the_list_shows_the_orders(boss, jam, tea):
    first, second = buy(jam), buy(tea, full_name="Grace Hopper", email="grace@example.com")
    response = boss.get(ORDERS_ADMIN)
    assert listed(response) == {first.pk, second.pk}
    page = response.content.decode()
    for order in (first, second):
        assert order.number in page
        assert change_url(order) in page
    assert "Ada Lovelace (guest)" in page and "Grace Hopper (guest)" in page
    assert "grace@example.com" in page
    assert "Add order" not in page


@pytest.fixture
def three(jam, tea) -> dict[str, Order]:
    return {
        "ada": buy(jam),
        "grace": buy(tea, full_name="Grace Hopper", email="grace@example.com", postcode="NW1 6XE"),
        "alan": buy(jam, full_name="Alan Turing", email="alan@example.com", delivery="express"),
    }


def test_search_by_exact_order_number(boss, three):
    ada = three["ada"]
    assert listed(boss.get(ORDERS_ADMIN, {"q": ada.number})) == {ada.pk}
    assert listed(boss.get(ORDERS_ADMIN, {"q": f" {ada.number.lower()} "})) == {ada.pk}
    assert listed(boss.get(ORDERS_ADMIN, {"q": ada.number[:9]})) == set(), "numbers match exactly"


def test_search_by_exact_email(boss, three):
    grace = three["grace"]
    assert listed(boss.get(ORDERS_ADMIN, {"q": "grace@example.com"})) == {grace.pk}
    assert listed(boss.get(ORDERS_ADMIN, {"q": "GRACE@example.com"})) == {grace.pk}
    assert listed(boss.get(ORDERS_ADMIN, {"q": "example.com"})) == set(), "emails match exactly"


def test_search_by_part_of_a_name(boss, three):
    assert listed(boss.get(ORDERS_ADMIN, {"q": "lovel"})) == {three["ada"].pk}
    assert listed(boss.get(ORDERS_ADMIN, {"q": "HOPPER"})) == {three["grace"].pk}
    assert listed(boss.get(ORDERS_ADMIN, {"q": "Alan Turing"})) == {three["alan"].pk}
    assert listed(boss.get(ORDERS_ADMIN, {"q": "Babbage"})) == set()


def test_search_by_a_signed_in_customers_username(boss, jam, tea):
    make_user("countess")
    shopper = Client()
    assert sign_in(shopper, "countess").status_code == 302
    mine = Order.objects.get(number=order_number(place(shopper, to_review(shopper, jam))))
    guests = buy(tea)  # a guest's, to the same name and address
    assert listed(boss.get(ORDERS_ADMIN, {"q": "countess"})) == {mine.pk}
    assert listed(boss.get(ORDERS_ADMIN, {"q": "COUNTESS"})) == {mine.pk}
    assert listed(boss.get(ORDERS_ADMIN, {"q": "count"})) == set(), "usernames match exactly"
    assert listed(boss.get(ORDERS_ADMIN, {"q": "Lovelace"})) == {mine.pk, guests.pk}


def test_search_by_a_postcode_as_it_is_written(boss, three):
    """A postcode is stored as the form shows it, "NW1 6XE": staff type it the same way,
    with or without quotes."""
    grace = three["grace"]
    assert fresh(grace).postcode == "NW1 6XE"
    assert listed(boss.get(ORDERS_ADMIN, {"q": '"NW1 6XE"'})) == {grace.pk}
    assert listed(boss.get(ORDERS_ADMIN, {"q": "NW1 6XE"})) == {grace.pk}


def test_filter_by_status(boss, three):
    ada, grace, alan = three["ada"], three["grace"], three["alan"]
    assert boss.post(ship_url(grace)).status_code == 302
    assert boss.post(cancel_url(alan)).status_code == 302
    response = boss.get(ORDERS_ADMIN)
    for display, expected in (("Placed", ada), ("Shipped", grace), ("Cancelled", alan)):
        assert listed(boss.get(ORDERS_ADMIN + choice_url(response, "status", display))) == {
            expected.pk
        }
    assert listed(boss.get(ORDERS_ADMIN, {"status__exact": "shipped"})) == {grace.pk}


def test_filter_by_date(boss, three):
    ada, grace, alan = three["ada"], three["grace"], three["alan"]
    now = timezone.now()
    Order.objects.filter(pk=grace.pk).update(created_at=now - timedelta(days=3))
    Order.objects.filter(pk=alan.pk).update(created_at=now - timedelta(days=10))
    response = boss.get(ORDERS_ADMIN)
    today = choice_url(response, "created at", "Today")
    assert "created_at__gte" in today
    assert listed(boss.get(ORDERS_ADMIN + today)) == {ada.pk}
    week = choice_url(response, "created at", "Past 7 days")
    assert listed(boss.get(ORDERS_ADMIN + week)) == {ada.pk, grace.pk}
    assert listed(boss.get(ORDERS_ADMIN + choice_url(response, "created at", "Any date"))) == {
        ada.pk,
        grace.pk,
        alan.pk,
    }


def test_filter_by_delivery_method(boss, three):
    response = boss.get(ORDERS_ADMIN)
    express = choice_url(response, "delivery method", "Express")
    assert listed(boss.get(ORDERS_ADMIN + express)) == {three["alan"].pk}
    standard = choice_url(response, "delivery method", "Standard")
    assert listed(boss.get(ORDERS_ADMIN + standard)) == {three["ada"].pk, three["grace"].pk}


def test_staff_without_view_permission_are_refused(order):
    nobody = staff_member("nora")
    assert nobody.get(ORDERS_ADMIN).status_code == 403
    assert nobody.get(change_url(order)).status_code == 403
    assert "/admin/orders/order/" not in nobody.get("/admin/").content.decode()


def test_staff_with_view_permission_see_the_list_without_actions(viewer, order):
    response = viewer.get(ORDERS_ADMIN)
    assert listed(response) == {order.pk}
    assert response.context["action_form"] is None
    assert "Mark selected orders shipped" not in response.content.decode()


def make_orders(count: int, product: Product, user) -> None:
    """`count` orders of one line each, half of them a signed-in customer's: rows only."""
    for n in range(count):
        order = Order.objects.create(
            checkout_token=f"bulk-{product.pk}-{n}",
            user=user if n % 2 else None,
            email=f"shopper{n}@example.com",
            full_name=f"Shopper {n}",
            line1="1 High Street",
            city="Leeds",
            postcode="LS1 1AA",
            country="GB",
            delivery_method="standard" if n % 3 else "express",
            delivery_price=Decimal("3.95"),
            delivery_by=timezone.localdate() + timedelta(days=4),
            subtotal=Decimal("4.50"),
            total=Decimal("8.45"),
            payment_method="on_delivery",
            payment_status="due",
            status=Status.SHIPPED if n % 4 == 3 else Status.PLACED,
        )
        OrderLine.objects.create(
            order=order,
            product=product,
            product_name=product.name,
            unit_price=product.price,
            quantity=1,
            line_total=product.price,
        )


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", ["", "?status__exact=placed", "?q=Shopper"])
def test_the_list_costs_the_same_queries_for_2_or_20_orders(boss, jam, make_product, query):
    customer = make_user("cora")
    make_orders(2, jam, customer)
    boss.get(ORDERS_ADMIN)  # the staff session's own first writes
    few = queries_for(boss, ORDERS_ADMIN + query)
    make_orders(18, make_product(name="Oat Biscuits", price="2.10"), customer)
    many = queries_for(boss, ORDERS_ADMIN + query)
    assert len(listed(boss.get(ORDERS_ADMIN + query))) >= 10
    assert many == few, f"{few} queries for 2 orders, {many} for 20"


# One order's page


def test_the_order_page_shows_lines_address_and_totals(boss, order, jam, tea):
    response = boss.get(change_url(order))
    assert response.status_code == 200
    page = response.content.decode()
    assert order.number in page
    for name, price in (("Raspberry Jam", "4.50"), ("Breakfast Tea", "6.25")):
        assert name in page
        assert price in page
    lines = response.context["inline_admin_formsets"][0].formset.queryset
    assert [(line.product_name, line.unit_price, line.quantity) for line in lines] == [
        ("Raspberry Jam", Decimal("4.50"), 2),
        ("Breakfast Tea", Decimal("6.25"), 2),
    ]
    assert "9.00" in page and "12.50" in page  # the lines' totals
    for part in (ADDRESS["full_name"], ADDRESS["line1"], ADDRESS["city"], "SW1Y 4JH"):
        assert escape(part) in page, part
    assert ADDRESS["email"] in page
    assert "21.50" in page  # the subtotal
    assert "3.95" in page  # standard delivery
    assert "25.45" in page  # the total
    assert (order.subtotal, order.total) == (Decimal("21.50"), Decimal("25.45"))


def test_a_placed_order_has_ship_and_cancel_buttons_and_no_save(boss, order):
    page = boss.get(change_url(order)).content.decode()
    assert ">Mark shipped</button>" in page
    assert ">Cancel order and return its stock</a>" in page
    assert f'action="{ship_url(order)}"' in page
    assert f'href="{cancel_url(order)}"' in page  # a page that asks first
    assert 'name="_save"' not in page
    assert 'name="_continue"' not in page
    assert 'name="_addanother"' not in page
    assert "/delete/" not in page


def test_its_fields_are_not_editable(boss, order):
    response = boss.get(change_url(order))
    assert list(response.context["adminform"].form.fields) == []
    page = response.content.decode()
    for field in ("status", "email", "full_name", "total", "postcode"):
        assert f'name="{field}"' not in page, field


def test_a_post_to_the_order_page_changes_nothing(boss, order, jam):
    before = fresh(order)
    lines_before = list(OrderLine.objects.filter(order=order).values())
    line = before.lines.first()
    tampered = {
        "status": "cancelled",
        "email": "mallory@example.com",
        "full_name": "Mallory",
        "total": "0.00",
        "payment_status": "void",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-id": str(line.pk),
        "lines-0-order": str(order.pk),
        "lines-0-quantity": "99",
        "lines-0-unit_price": "0.01",
        "_save": "Save",
    }
    response = boss.post(change_url(order), tampered)
    assert response.status_code == 405
    after = fresh(order)
    for field in ("status", "email", "full_name", "total", "payment_status", "number"):
        assert getattr(after, field) == getattr(before, field), field
    assert list(OrderLine.objects.filter(order=order).values()) == lines_before
    assert stock_of(jam) == 8


def test_staff_with_view_permission_see_the_order_without_buttons(viewer, order):
    response = viewer.get(change_url(order))
    assert response.status_code == 200
    page = response.content.decode()
    assert order.number in page and escape(ADDRESS["line1"]) in page
    assert "Mark shipped" not in page and "Cancel order" not in page
    assert "/ship/" not in page and "/cancel/" not in page


def test_staff_with_view_permission_see_what_was_ordered(viewer, order):
    """Staff who answer customers are given "Can view order": the order's page must show
    them its lines, not only its address and totals."""
    response = viewer.get(change_url(order))
    page = response.content.decode()
    assert "Raspberry Jam" in page and "Breakfast Tea" in page


# Shipping


def test_shipping_an_order(boss, order):
    response = boss.post(ship_url(order), follow=True)
    assert response.redirect_chain == [(change_url(order), 302)]
    assert messages_after(response) == ["1 order shipped."]
    shipped = fresh(order)
    assert shipped.status == Status.SHIPPED
    assert shipped.shipped_at is not None
    assert timezone.now() - shipped.shipped_at < timedelta(minutes=1)
    assert shipped.cancelled_at is None
    assert shipped.payment_status == "due"
    page = response.content.decode()
    assert "Mark shipped" not in page and "Cancel order" not in page


def test_shipping_twice_warns_and_changes_nothing(boss, order):
    boss.post(ship_url(order), follow=True)
    first = fresh(order)
    response = boss.post(ship_url(order), follow=True)
    assert messages_after(response) == [
        f"Order {order.number} is shipped: it cannot be shipped.",
    ]
    again = fresh(order)
    assert (again.status, again.shipped_at) == (Status.SHIPPED, first.shipped_at)


def test_a_shipped_order_cannot_be_cancelled(boss, order, jam, tea):
    boss.post(ship_url(order), follow=True)
    response = boss.post(cancel_url(order), follow=True)
    assert messages_after(response) == [
        f"Order {order.number} is shipped: it cannot be cancelled.",
    ]
    after = fresh(order)
    assert (after.status, after.cancelled_at, after.payment_status) == (
        Status.SHIPPED,
        None,
        "due",
    )
    assert (stock_of(jam), stock_of(tea)) == (8, 8), "no stock comes back"


def test_a_cancelled_order_cannot_be_shipped(boss, order):
    boss.post(cancel_url(order), follow=True)
    response = boss.post(ship_url(order), follow=True)
    assert messages_after(response) == [
        f"Order {order.number} is cancelled: it cannot be shipped.",
    ]
    assert (fresh(order).status, fresh(order).shipped_at) == (Status.CANCELLED, None)


# Cancelling


def test_cancelling_returns_the_stock_and_voids_the_payment(boss, order, jam, tea):
    assert (stock_of(jam), stock_of(tea)) == (8, 8)
    assert fresh(order).payment_status == "due"
    response = boss.post(cancel_url(order), follow=True)
    assert response.redirect_chain == [(change_url(order), 302)]
    assert messages_after(response) == ["1 order cancelled."]
    cancelled = fresh(order)
    assert cancelled.status == Status.CANCELLED
    assert cancelled.cancelled_at is not None
    assert cancelled.shipped_at is None
    assert cancelled.payment_status == "void"
    assert (stock_of(jam), stock_of(tea)) == (10, 10)


def test_cancelling_twice_returns_the_stock_once(boss, order, jam, tea):
    boss.post(cancel_url(order), follow=True)
    first = fresh(order)
    response = boss.post(cancel_url(order), follow=True)
    assert messages_after(response) == [
        f"Order {order.number} is cancelled: it cannot be cancelled.",
    ]
    assert (stock_of(jam), stock_of(tea)) == (10, 10)
    assert fresh(order).cancelled_at == first.cancelled_at


def test_cancelling_skips_a_line_whose_product_was_deleted(boss, order, jam, tea):
    tea.delete()
    line = OrderLine.objects.get(order=order, product_name="Breakfast Tea")
    assert line.product_id is None, "the line outlives its product"
    assert boss.get(change_url(order)).status_code == 200
    response = boss.post(cancel_url(order), follow=True)
    assert messages_after(response) == ["1 order cancelled."]
    assert fresh(order).status == Status.CANCELLED
    assert fresh(order).payment_status == "void"
    assert stock_of(jam) == 10
    assert not Product.objects.filter(name="Breakfast Tea").exists()


# The actions on the list


def run_action(client: Client, action: str, orders: list[Order]):
    data = {"action": action, "_selected_action": [o.pk for o in orders], "index": "0"}
    return client.post(ORDERS_ADMIN, data, follow=True)


def test_ship_selected_ships_each_placed_order(boss, three):
    ada, grace, alan = three["ada"], three["grace"], three["alan"]
    boss.post(cancel_url(alan), follow=True)
    response = run_action(boss, "ship_selected", [ada, grace, alan])
    assert response.redirect_chain == [(ORDERS_ADMIN, 302)]
    assert messages_after(response) == [
        f"Order {alan.number} is cancelled: it cannot be shipped.",
        "2 orders shipped.",
    ]
    for order in (ada, grace):
        assert fresh(order).status == Status.SHIPPED
        assert fresh(order).shipped_at is not None
    assert fresh(alan).status == Status.CANCELLED


def test_cancel_selected_cancels_each_and_returns_their_stock(boss, jam, tea):
    jam_only, both = buy(jam, quantity="3"), buy(jam, tea, quantity="2")
    untouched = buy(tea)
    assert (stock_of(jam), stock_of(tea)) == (5, 7)
    response = run_action(boss, "cancel_selected", [jam_only, both])
    assert messages_after(response) == ["2 orders cancelled."]
    assert (stock_of(jam), stock_of(tea)) == (10, 9)
    for order in (jam_only, both):
        assert (fresh(order).status, fresh(order).payment_status) == (Status.CANCELLED, "void")
    assert fresh(untouched).status == Status.PLACED
    response = run_action(boss, "cancel_selected", [jam_only, both, untouched])
    assert messages_after(response)[-1] == "1 order cancelled."
    assert (stock_of(jam), stock_of(tea)) == (10, 10), "each order's stock came back once"


def test_staff_with_view_permission_cannot_run_the_actions(viewer, order, jam):
    viewer.post(ORDERS_ADMIN, {"action": "cancel_selected", "_selected_action": [order.pk]})
    viewer.post(ORDERS_ADMIN, {"action": "ship_selected", "_selected_action": [order.pk]})
    assert fresh(order).status == Status.PLACED
    assert stock_of(jam) == 8


# What the ship and cancel URLs refuse


def test_the_ship_url_refuses_get_and_the_cancel_url_only_asks(boss, order):
    assert boss.get(ship_url(order)).status_code == 405
    assert boss.get(cancel_url(order)).status_code == 200
    assert fresh(order).status == Status.PLACED


def test_the_ship_and_cancel_urls_need_a_csrf_token(order, jam, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "unused")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    token = csrf_token_from(browser.get(change_url(order)))
    assert browser.post(ship_url(order)).status_code == 403
    assert browser.post(cancel_url(order)).status_code == 403
    assert fresh(order).status == Status.PLACED and stock_of(jam) == 8
    assert browser.post(cancel_url(order), {"csrfmiddlewaretoken": token}).status_code == 302
    assert fresh(order).status == Status.CANCELLED and stock_of(jam) == 10


def test_staff_with_view_permission_cannot_ship_or_cancel(viewer, order, jam):
    assert viewer.post(ship_url(order)).status_code == 403
    assert viewer.post(cancel_url(order)).status_code == 403
    after = fresh(order)
    assert (after.status, after.shipped_at, after.cancelled_at) == (Status.PLACED, None, None)
    assert stock_of(jam) == 8


def test_non_staff_are_sent_to_the_admin_login(order):
    shopper = Client()
    shopper.force_login(make_user("eve"))
    for response in (shopper.post(ship_url(order)), shopper.post(cancel_url(order))):
        assert response.status_code == 302
        assert response.url.startswith("/admin/login/")
    assert fresh(order).status == Status.PLACED


def test_unknown_orders_are_not_found(boss, order):
    for url in (
        f"{ORDERS_ADMIN}999999/ship/",
        f"{ORDERS_ADMIN}999999/cancel/",
        f"{ORDERS_ADMIN}abc/cancel/",
    ):
        assert boss.post(url).status_code == 404, url
    assert fresh(order).status == Status.PLACED


# Shoppers in checkout on the "Active sessions" page, on every engine


@pytest.fixture
def register_staff(session_backend, django_user_model) -> Client:
    """A superuser on the engine under test."""
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "unused")
    staff = Client()
    staff.force_login(user)
    staff.get("/admin/")
    return staff


def checkout_cell(page: str, step: str) -> bool:
    return f'<td class="field-checkout_at">at {step}</td>' in page


def test_a_shopper_at_review_is_shown_in_checkout(register_staff, client, jam):
    to_review(client, jam)
    row = record_of(client)
    assert row.checkout_step == "review"
    response = register_staff.get(SESSIONS)
    assert row.pk in listed(response)
    assert checkout_cell(response.content.decode(), "review")
    assert row.pk in listed(register_staff.get(SESSIONS, {"checkout": "yes"}))
    assert row.pk in listed(register_staff.get(SESSIONS, {"checkout": "review"}))
    assert row.pk not in listed(register_staff.get(SESSIONS, {"checkout": "address"}))
    assert row.pk not in listed(register_staff.get(SESSIONS, {"checkout": "delivery"}))
    page = register_staff.get(SESSIONS, {"checkout": "yes"}).content.decode()
    assert "At review" in page  # the filter's choices


def test_each_step_of_checkout_moves_the_sessions_row(register_staff, client, jam):
    add(client, jam)
    row = record_of(client)
    assert row.pk not in listed(register_staff.get(SESSIONS, {"checkout": "yes"}))
    client.get("/checkout/address/")
    enter_address(client)
    assert listed(register_staff.get(SESSIONS, {"checkout": "delivery"})) == {row.pk}
    choose_delivery(client)
    assert listed(register_staff.get(SESSIONS, {"checkout": "review"})) == {row.pk}
    assert listed(register_staff.get(SESSIONS, {"checkout": "delivery"})) == set()


def test_after_placing_the_session_is_no_longer_in_checkout(register_staff, client, jam):
    review = to_review(client, jam)
    row = record_of(client)
    assert row.pk in listed(register_staff.get(SESSIONS, {"checkout": "yes"}))
    number = order_number(place(client, review))
    assert Order.objects.filter(number=number).exists()
    assert record_of(client).pk == row.pk
    assert record_of(client).checkout_step == ""
    assert row.pk not in listed(register_staff.get(SESSIONS, {"checkout": "yes"}))
    assert row.pk not in listed(register_staff.get(SESSIONS, {"checkout": "review"}))
    response = register_staff.get(SESSIONS)
    assert row.pk in listed(response), "the session itself goes on"
    assert not checkout_cell(response.content.decode(), "review")
