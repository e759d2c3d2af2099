from django.contrib.sessions.backends.signed_cookies import SessionStore

from shop.catalog import browsing


def test_it_remembers_a_valid_sort():
    session = SessionStore()
    assert browsing.choose_sort(session, "-price") == "-price"
    assert browsing.choose_sort(session, None) == "-price"


def test_it_ignores_an_unknown_sort_and_keeps_the_remembered_one():
    session = SessionStore()
    browsing.choose_sort(session, "price")
    assert browsing.choose_sort(session, "colour; DROP TABLE") == "price"
    assert session[browsing.SORT_SESSION_KEY] == "price"


def test_it_does_not_rewrite_the_session_when_the_sort_is_unchanged():
    session = SessionStore()
    browsing.choose_sort(session, "name")
    session.modified = False
    browsing.choose_sort(session, "name")
    assert not session.modified


def test_it_falls_back_to_the_default_sort_for_malformed_values():
    for junk in (["price"], {"sort": "price"}, 3, None, "", "PRICE"):
        session = SessionStore()
        session[browsing.SORT_SESSION_KEY] = junk
        assert browsing.remembered_sort(session) == browsing.DEFAULT_SORT


def test_it_keeps_the_most_recent_views_first_without_duplicates():
    session = SessionStore()
    for product_id in (1, 2, 3, 2):
        browsing.record_view(session, product_id)
    assert browsing.recently_viewed_ids(session) == [2, 3, 1]


def test_it_keeps_only_the_last_eight_views():
    session = SessionStore()
    for product_id in range(1, 13):
        browsing.record_view(session, product_id)
    assert browsing.recently_viewed_ids(session) == [12, 11, 10, 9, 8, 7, 6, 5]
    assert len(session[browsing.RECENTLY_VIEWED_SESSION_KEY]) == browsing.RECENTLY_VIEWED_LIMIT


def test_it_skips_malformed_recently_viewed_entries():
    session = SessionStore()
    session[browsing.RECENTLY_VIEWED_SESSION_KEY] = [4, "5", None, True, -1, 0, 4.5, {"id": 6}, 7]
    assert browsing.recently_viewed_ids(session) == [4, 7]


def test_it_treats_a_recently_viewed_value_that_is_not_a_list_as_empty():
    for junk in ("1,2,3", {"1": 2}, 17, None):
        session = SessionStore()
        session[browsing.RECENTLY_VIEWED_SESSION_KEY] = junk
        assert browsing.recently_viewed_ids(session) == []
        browsing.record_view(session, 9)
        assert browsing.recently_viewed_ids(session) == [9]
