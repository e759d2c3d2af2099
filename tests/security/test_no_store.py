"""Pages that show one person's data carry `Cache-Control: no-store`, on every engine."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, get_resolver, reverse

from shop.no_store import NO_STORE_NAMESPACES

pytestmark = pytest.mark.django_db

GUEST_PAGES = [
    "/cart/",
    "/cart/summary/",
    "/state/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]
SIGNED_IN_PAGES = ["/accounts/sessions/", "/accounts/password/"]


def never_stored(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def sign_in(client) -> None:
    # No password: hashing one costs most of a second and proves nothing here.
    client.force_login(get_user_model().objects.create_user("ada", "ada@example.com"))


def addresses_without_arguments(namespace: str) -> list[str]:
    """Every URL in a namespace that takes no arguments, so pages added later are checked too."""
    resolver = get_resolver().namespace_dict[namespace][1]
    addresses = set()
    for name in resolver.reverse_dict:
        if isinstance(name, str):
            try:
                addresses.add(reverse(f"{namespace}:{name}"))
            except NoReverseMatch:
                pass  # needs an id: not a page anyone lands on without one
    return sorted(addresses)


@pytest.mark.parametrize("path", GUEST_PAGES)
def test_a_guests_personal_page_is_never_stored(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert never_stored(response)


@pytest.mark.parametrize("path", GUEST_PAGES + SIGNED_IN_PAGES)
def test_a_signed_in_users_personal_page_is_never_stored(client, path):
    sign_in(client)
    response = client.get(path)
    assert response.status_code == 200
    assert never_stored(response)


def test_the_sign_in_redirect_from_a_personal_page_is_never_stored(client):
    response = client.get("/accounts/sessions/")
    assert response.status_code == 302
    assert never_stored(response)


def test_every_address_in_the_personal_namespaces_is_never_stored(client):
    sign_in(client)
    namespaces = NO_STORE_NAMESPACES & get_resolver().namespace_dict.keys()
    assert {"accounts", "cart"} <= namespaces  # and checkout, orders once they exist
    for namespace in sorted(namespaces):
        for path in addresses_without_arguments(namespace):
            assert never_stored(client.get(path)), path


def test_a_cart_change_answered_in_json_is_never_stored(client, make_product):
    product = make_product()
    response = client.post(f"/cart/add/{product.id}/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert never_stored(response)


def test_catalog_pages_are_left_to_the_caches(client):
    assert not never_stored(client.get("/products/"))


@pytest.mark.parametrize("page", ["/", "/products/"])
def test_a_catalog_page_is_never_stored_for_someone_signed_in(client, page):
    assert not never_stored(client.get(page))  # a guest's catalog may be cached
    sign_in(client)
    assert never_stored(client.get(page))  # it names them now: the back button must not show it
