"""The catalog's browsing cookies, read and written through real requests and responses."""

from django.http import HttpResponse
from django.test import RequestFactory

from shop.catalog import browsing

SORT = browsing.cookie_name(browsing.SORT_COOKIE)
VIEWED = browsing.cookie_name(browsing.RECENTLY_VIEWED_COOKIE)


def request_with(query: str = "", **cookies: str):
    request = RequestFactory().get(f"/products/{query}")
    request.COOKIES.update({browsing.cookie_name(name): value for name, value in cookies.items()})
    return request


def test_it_remembers_a_valid_sort():
    assert browsing.chosen_sort(request_with("?sort=-price")) == "-price"
    assert browsing.chosen_sort(request_with(sort="-price")) == "-price"


def test_it_ignores_an_unknown_sort_and_keeps_the_remembered_one():
    request = request_with("?sort=colour;+DROP+TABLE", sort="price")
    assert browsing.chosen_sort(request) == "price"


def test_it_sets_the_cookie_only_when_the_sort_changes():
    unchanged, changed = HttpResponse(), HttpResponse()
    browsing.remember_sort(request_with(sort="name"), unchanged, "name")
    browsing.remember_sort(request_with(sort="name"), changed, "price")
    assert SORT not in unchanged.cookies
    assert changed.cookies[SORT].value == "price"
    assert changed.cookies[SORT]["httponly"] and changed.cookies[SORT]["samesite"] == "Lax"


def test_it_falls_back_to_the_default_sort_for_malformed_values():
    for junk in ('["price"]', "{sort: price}", "3", "", "PRICE"):
        assert browsing.remembered_sort(request_with(sort=junk)) == browsing.DEFAULT_SORT


def viewed_after(ids: list[int], **cookies: str) -> str:
    request = request_with(**cookies)
    for product_id in ids:
        response = HttpResponse()
        browsing.record_view(request, response, product_id)
        request.COOKIES[VIEWED] = response.cookies[VIEWED].value
    return request.COOKIES[VIEWED]


def test_it_keeps_the_most_recent_views_first_without_duplicates():
    assert viewed_after([1, 2, 3, 2]) == "2.3.1"


def test_it_keeps_only_the_last_eight_views():
    assert viewed_after(list(range(1, 13))) == "12.11.10.9.8.7.6.5"


def test_it_skips_malformed_recently_viewed_entries():
    junk = "4.5x..-1.0.4.5e1.\u0663.1234567890123.7"
    assert browsing.recently_viewed_ids(request_with(recently_viewed=junk)) == [4, 7]


def test_it_reads_no_more_of_a_long_cookie_than_it_could_have_written():
    long = ".".join(["0"] * 10_000 + ["5"])
    assert browsing.recently_viewed_ids(request_with(recently_viewed=long)) == []
    assert viewed_after([9], recently_viewed=long) == "9"
