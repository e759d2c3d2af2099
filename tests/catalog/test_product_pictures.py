"""The drawn product pictures, and how pages show them."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.text import slugify

from shop.catalog.images import FALLBACK_KIND, kind_of, product_svg
from shop.catalog.seed_data import CATEGORIES
from tests.catalog.factories import create_product

SVG = "{http://www.w3.org/2000/svg}svg"
SEEDED = [(item.name, category.colours) for category in CATEGORIES for item in category.products]


def draw(name: str, colours=("#c9a46a", "#7a5a2e")) -> bytes:
    return product_svg(name=name, slug=slugify(name), colours=colours)


def test_every_demo_picture_is_well_formed_svg_of_a_known_kind():
    for name, colours in SEEDED:
        root = ET.fromstring(draw(name, colours))
        assert root.tag == SVG and root.get("viewBox") == "0 0 600 450", name
        assert root.findtext("{http://www.w3.org/2000/svg}title") == name
    kinds = {kind_of(name) for name, _ in SEEDED}
    assert len(kinds) >= 20, "jars, teapots, pans, cloths, mugs, baskets… not one tile"


def test_two_products_of_the_same_kind_look_different():
    assert kind_of("Raspberry Jam") == kind_of("Damson Jam") == "jar"
    assert kind_of("Linen Napkins, Set of 4") == kind_of("Wool Throw") == "cloth"
    assert draw("Raspberry Jam") != draw("Damson Jam")
    assert draw("Linen Napkins, Set of 4") != draw("Wool Throw")


def test_the_same_product_always_gets_the_same_bytes():
    assert draw("Glass Teapot with Infuser") == draw("Glass Teapot with Infuser")


def test_a_name_with_markup_stays_text():
    root = ET.fromstring(draw('Jam <script>"&'))
    assert root.findtext("{http://www.w3.org/2000/svg}title") == 'Jam <script>"&'
    assert kind_of("Something New") == kind_of("Place Setting") == FALLBACK_KIND, "not 'tin'"


def test_seeding_twice_writes_the_same_bytes(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_catalog", stdout=None)
    first = {p.name: p.read_bytes() for p in (tmp_path / "products").iterdir()}
    for path in (tmp_path / "products").iterdir():
        path.unlink()

    call_command("seed_catalog", stdout=None)

    assert {p.name: p.read_bytes() for p in (tmp_path / "products").iterdir()} == first


def images(body: str) -> list[str]:
    return re.findall(r"<img [^>]*>", body)


def attribute(tag: str, name: str) -> str | None:
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found.group(1) if found else None


def assert_responsive(tag: str) -> None:
    assert attribute(tag, "srcset") and attribute(tag, "sizes"), tag
    assert attribute(tag, "width") == "600" and attribute(tag, "height") == "450", tag


@pytest.fixture
def pictured(db):
    return [
        create_product(name=f"Jar {n}", image=f"products/jar-{n}.svg", featured=True)
        for n in range(4)
    ]


def test_a_list_loads_its_first_picture_at_once_and_the_rest_lazily(plain_client, pictured):
    tags = images(plain_client.get(reverse("catalog:products")).content.decode())

    assert len(tags) == 4
    for tag in tags:
        assert_responsive(tag)
        assert attribute(tag, "alt") == "", "the name is beside the picture in the card"
    assert attribute(tags[0], "loading") == "eager"
    assert attribute(tags[0], "fetchpriority") == "high"
    assert {attribute(tag, "loading") for tag in tags[1:]} == {"lazy"}


def test_the_home_hero_shows_real_products(plain_client, pictured):
    body = plain_client.get(reverse("catalog:home")).content.decode()

    hero = body[body.index('class="hero-products"') : body.index("</ul>")]
    for product in pictured[:3]:
        assert f'href="{product.get_absolute_url()}"' in hero
        assert product.name in hero and "£6.25" in hero
    hero_images = images(hero)
    assert len(hero_images) == 3
    for tag in hero_images:
        assert_responsive(tag)
        assert attribute(tag, "loading") == "eager" and attribute(tag, "alt") == ""
    assert 'aria-hidden="true"' not in hero


def test_the_product_page_names_its_picture(plain_client, pictured):
    body = plain_client.get(pictured[0].get_absolute_url()).content.decode()

    main = images(body)[0]
    assert_responsive(main)
    assert attribute(main, "alt") == "Jar 0"
    assert attribute(main, "loading") == "eager"
