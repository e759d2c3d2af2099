"""Delivery addresses: the countries the shop delivers to and how a postcode looks there."""

import re

from django.core.exceptions import ValidationError

ADDRESS_FIELDS = ("full_name", "line1", "line2", "city", "postcode", "country")

COUNTRIES = {
    "GB": "United Kingdom",
    "IE": "Ireland",
    "FR": "France",
    "DE": "Germany",
    "NL": "Netherlands",
    "BE": "Belgium",
}

POSTCODE_PATTERNS = {
    "GB": r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}",
    "IE": r"[A-Z][0-9][0-9W] ?[A-Z0-9]{4}",
    "NL": r"[0-9]{4} ?[A-Z]{2}",
}
FOUR_OR_FIVE_DIGITS = r"[0-9]{4,5}"


def country_name(code: str) -> str:
    return COUNTRIES.get(code, code)


def address_lines(fields: dict[str, str]) -> list[str]:
    """An address as it is written on a parcel, blank lines left out."""
    place = f"{fields['city']} {fields['postcode']}"
    lines = [fields["full_name"], fields["line1"], fields["line2"], place]
    return [line for line in lines if line] + [country_name(fields["country"])]


def clean_postcode(postcode: str, country: str) -> str:
    """The postcode in capitals, if it has the shape of one in `country`."""
    postcode = " ".join(postcode.upper().split())
    pattern = POSTCODE_PATTERNS.get(country, FOUR_OR_FIVE_DIGITS)
    if not re.fullmatch(pattern, postcode):
        raise ValidationError(f"Enter a postcode as written in {country_name(country)}.")
    return postcode
