from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_it_shows_the_shops_own_404_page(plain_client):
    response = plain_client.get("/products/nothing-here/")

    assert response.status_code == 404
    assert "We couldn’t find that page" in response.content.decode()
    assert "Larder" in response.content.decode()


def test_it_renders_the_500_page_without_any_context():
    body = render_to_string("500.html")
    assert "Something went wrong" in body


def test_it_renders_the_other_error_pages_without_a_request():
    for name, text in [
        ("400.html", "wasn’t right"),
        ("403.html", "can’t open this page"),
        ("403_csrf.html", "form had expired"),
        ("404.html", "find that page"),
    ]:
        assert text in render_to_string(name), name


def test_it_renders_the_error_pages_for_an_anonymous_request(db):
    request = RequestFactory().get("/")
    request.session = SessionStore()
    for name in ("400.html", "403.html", "403_csrf.html"):
        assert "Larder" in render_to_string(name, request=request)
