import pytest


@pytest.fixture
def picture(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "products").mkdir()
    (tmp_path / "products" / "jam.svg").write_text("<svg></svg>")
    (tmp_path / "secret.txt").write_text("not for the public")


def test_it_serves_a_product_picture_in_a_sandbox(plain_client, picture):
    response = plain_client.get("/media/products/jam.svg")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"<svg></svg>"
    assert response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"]


def test_it_serves_nothing_outside_the_products_folder(plain_client, picture):
    assert plain_client.get("/media/secret.txt").status_code == 404
    assert plain_client.get("/media/products/../secret.txt").status_code == 404
    assert plain_client.get("/media/products/%2e%2e/secret.txt").status_code == 404


def test_it_says_404_for_a_missing_picture(plain_client, picture):
    assert plain_client.get("/media/products/nope.svg").status_code == 404
