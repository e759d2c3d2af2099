"""An order's page in the admin: its actions at the top, cancelling asked for before it is
done, and every value written for people (words, pounds, dates), never as stored."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from shop.catalog.models import Product
from shop.orders.models import Order, Status
from tests.admin.helpers import csrf_token_from, messages_of, object_tools, staff_member
from tests.orders.helpers import (
    ORDERS_ADMIN,
    buy,
    cancel_url,
    change_url,
    place,
    ship_url,
    stock_of,
    to_review,
)
from tests.register.helpers import make_user


def status_of(order: Order) -> str:
    return Order.objects.get(pk=order.pk).status


@pytest.fixture
def jam(make_product) -> Product:
    return make_product(name="Raspberry Jam", price="4.50", stock=10)


@pytest.fixture
def tea(make_product) -> Product:
    return make_product(name="Breakfast Tea", price="6.25", stock=10)


@pytest.fixture
def order(jam, tea) -> Order:
    """A guest's express order of two jars of jam and two packs of tea, to Great Britain."""
    return buy(jam, tea, quantity="2", delivery="express")


# The buttons at the top


def test_a_placed_orders_actions_are_beside_history(boss, order):
    tools = object_tools(boss.get(change_url(order)))
    assert "History" in tools
    assert f'<form method="post" action="{ship_url(order)}"' in tools
    assert ">Mark shipped</button>" in tools
    cancel = f'<a href="{cancel_url(order)}" class="deletelink">'
    assert f"{cancel}Cancel order and return its stock</a>" in tools


def test_a_shipped_order_offers_no_actions(boss, order):
    boss.post(ship_url(order))
    tools = object_tools(boss.get(change_url(order)))
    assert "History" in tools
    assert "Mark shipped" not in tools and "Cancel order" not in tools


def test_staff_who_may_only_view_see_no_actions(order):
    tools = object_tools(staff_member("vera", "view_order").get(change_url(order)))
    assert "History" in tools and "/ship/" not in tools and "/cancel/" not in tools


# Cancelling asks first


def test_cancelling_asks_first_and_changes_nothing(boss, order, jam, tea):
    response = boss.get(cancel_url(order))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<h1>Cancel order {order.number}?</h1>" in page
    assert f'<span class="order-number">{order.number}</span> (£30.45)' in page
    assert "cannot be undone" in page and "Pay on delivery, due" in page
    for name in ("Raspberry Jam", "Breakfast Tea"):
        assert f'<th scope="row">{name}</th>' in page
    assert "2 back in stock (8 now)" in page
    assert 'value="Yes, cancel the order"' in page
    assert f'<a href="{change_url(order)}" class="button cancel-link">No, keep it</a>' in page
    assert (status_of(order), stock_of(jam), stock_of(tea)) == (Status.PLACED, 8, 8)


def test_a_line_whose_product_is_gone_says_nothing_comes_back(boss, order, tea):
    tea.delete()
    page = boss.get(cancel_url(order)).content.decode()
    assert "none back: no longer in the catalog" in page


def test_confirming_cancels_and_returns_the_stock(boss, order, jam, tea):
    response = boss.post(cancel_url(order), follow=True)
    assert response.redirect_chain == [(change_url(order), 302)]
    assert messages_of(response) == ["1 order cancelled."]
    assert (status_of(order), stock_of(jam), stock_of(tea)) == (Status.CANCELLED, 10, 10)


def test_a_second_cancel_is_refused_with_a_message(boss, order, jam, tea):
    boss.post(cancel_url(order), follow=True)  # its message read
    refused = f"Order {order.number} is cancelled: it cannot be cancelled."
    again = boss.post(cancel_url(order), follow=True)
    assert messages_of(again) == [refused]
    asked = boss.get(cancel_url(order), follow=True)
    assert asked.redirect_chain == [(change_url(order), 302)]
    assert messages_of(asked) == [refused]
    assert (stock_of(jam), stock_of(tea)) == (10, 10), "the stock came back once"


def test_a_shipped_order_cannot_be_cancelled_from_the_question_either(boss, order, jam):
    boss.post(ship_url(order), follow=True)
    asked = boss.get(cancel_url(order), follow=True)
    assert messages_of(asked) == [f"Order {order.number} is shipped: it cannot be cancelled."]
    assert (status_of(order), stock_of(jam)) == (Status.SHIPPED, 8)


def test_cancelling_needs_the_csrf_token(order, jam, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "unused")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    question = browser.get(cancel_url(order))
    assert browser.post(cancel_url(order)).status_code == 403
    assert status_of(order) == Status.PLACED
    token = csrf_token_from(question)
    assert browser.post(cancel_url(order), {"csrfmiddlewaretoken": token}).status_code == 302
    assert (status_of(order), stock_of(jam)) == (Status.CANCELLED, 10)


def test_only_staff_who_may_change_orders_are_asked(order, jam):
    viewer = staff_member("vera", "view_order")
    assert viewer.get(cancel_url(order)).status_code == 403
    assert viewer.post(cancel_url(order)).status_code == 403
    shopper = Client()
    shopper.force_login(make_user("eve"))
    for response in (shopper.get(cancel_url(order)), shopper.post(cancel_url(order))):
        assert response.status_code == 302 and response.url.startswith("/admin/login/")
    assert (status_of(order), stock_of(jam)) == (Status.PLACED, 8)


def test_an_unknown_order_is_not_found(boss, order):
    for url in (f"{ORDERS_ADMIN}999999/cancel/", f"{ORDERS_ADMIN}abc/cancel/"):
        assert boss.get(url).status_code == 404, url
    assert boss.post(f"{ORDERS_ADMIN}999999/cancel/").status_code == 404


# Values written for people


def test_the_order_page_writes_words_pounds_and_dates(boss, order):
    page = boss.get(change_url(order)).content.decode()
    for shown in ("United Kingdom", "Express", "Pay on delivery", "Due", "Placed"):
        assert f'<div class="readonly">{shown}</div>' in page, shown
    for raw in ("GB", "express", "on_delivery", "due"):
        assert f'<div class="readonly">{raw}</div>' not in page, raw
    for pounds in ("£21.50", "£8.95", "£30.45", "£4.50", "£9.00", "£6.25", "£12.50"):
        assert pounds in page, pounds
    placed = date_format(timezone.localtime(order.created_at), "DATETIME_FORMAT")
    assert f'<div class="readonly">{placed} (' in page  # and how long ago
    assert str(order.created_at) not in page


def test_the_order_list_shows_pounds_and_named_delivery_choices(boss, order):
    response = boss.get(ORDERS_ADMIN)
    page = response.content.decode()
    assert '<td class="field-order_total">£30.45</td>' in page
    assert '<th class="field-number"><a' in page  # one line each, by admin.css
    assert '<a href="?delivery_method__exact=express">Express</a>' in page  # the filter
    express = boss.get(ORDERS_ADMIN, {"delivery_method__exact": "express"})
    assert [o.pk for o in express.context["cl"].result_list] == [order.pk]


def test_the_order_list_costs_the_same_queries_for_more_orders(boss, jam, tea):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert boss.get(ORDERS_ADMIN).status_code == 200
        return len(captured)

    def buy() -> None:
        shopper = Client()
        place(shopper, to_review(shopper, jam))

    buy()
    boss.get(ORDERS_ADMIN)  # the staff session's own first writes
    few = queries()
    for _ in range(3):
        buy()
    assert Order.objects.count() == 4 and queries() == few
