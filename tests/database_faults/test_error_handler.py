"""The handler Django calls for an uncaught exception (handler500): a database that cannot be
reached is a 503 that says so, a bug keeps the 500 page. The real outages are in
test_postgres_faults.py."""

import json

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from shop.views import DATABASE_UNAVAILABLE, server_error


def handled(error: Exception, **headers: str):
    """What the handler answers while `error` is being handled, as Django calls it."""
    request = RequestFactory().get("/", headers=headers)
    try:
        raise error
    except Exception:
        return server_error(request)


@pytest.mark.parametrize(
    "error",
    [OperationalError("connection refused"), InterfaceError("connection already closed")],
)
def test_an_unreachable_database_is_a_503_page_that_says_so(error):
    response = handled(error, Accept="text/html")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert DATABASE_UNAVAILABLE in page
    assert "Temporarily unavailable" in page


def test_a_json_client_is_told_in_json():
    response = handled(OperationalError("connection refused"), Accept="application/json")
    assert response.status_code == 503
    assert json.loads(response.content) == {"error": DATABASE_UNAVAILABLE}


def test_a_bug_the_database_reports_keeps_the_500_page(db):
    from django.db import connection

    with pytest.raises(Exception) as raised:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")
    response = handled(raised.value)
    assert response.status_code == 500


def test_a_bug_keeps_the_500_page():
    response = handled(ValueError("a bug"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
