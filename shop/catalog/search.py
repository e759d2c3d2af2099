"""Catalog search, best match first.

On PostgreSQL it is full-text search: names weigh most, then the category, then the
description; words are stemmed ("teas" finds "tea") and each word of the query also
matches as the start of a word ("tea" finds "teapot"), never inside one ("steamer").
Elsewhere (SQLite in development and tests) a ranking of the same shape in plain SQL:
a whole word in the name first, then a word starting so, then the category, then the
description. Either way it is one filter and one annotation: the page's queries stay the
count and the page of products.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
RELEVANCE = "relevance"
# Letters and digits only: anything else could be syntax to a tsquery or a regex.
WORD = re.compile(r"[^\W_]+")
CONFIG = "english"


def clean_query(raw: str) -> str:
    # Databases refuse NUL in text (PostgreSQL errors), and no product name holds one.
    return raw.replace("\x00", "").strip()[:MAX_QUERY_LENGTH].strip()


def search_terms(query: str) -> list[str]:
    return WORD.findall(query.lower())[:MAX_TERMS]


def search(products: QuerySet, terms: list[str]) -> QuerySet:
    """The products matching every term, annotated with `relevance` (higher is better)."""
    if connection.vendor == "postgresql":
        return full_text_search(products, terms)
    return word_search(products, terms)


def full_text_search(products: QuerySet, terms: list[str]) -> QuerySet:
    vector = (
        SearchVector("name", weight="A", config=CONFIG)
        + SearchVector("category__name", weight="B", config=CONFIG)
        + SearchVector("description", weight="C", config=CONFIG)
    )
    as_typed = SearchQuery(" ".join(terms), search_type="plain", config=CONFIG)
    as_prefixes = SearchQuery(
        " & ".join(f"{term}:*" for term in terms), search_type="raw", config=CONFIG
    )
    # Whole words count twice, so "tea" ranks Sencha Green Tea above Glass Teapot.
    relevance = SearchRank(vector, as_typed) * 2 + SearchRank(vector, as_prefixes)
    return (
        products.annotate(search_document=vector)
        .filter(search_document=as_prefixes)
        .annotate(relevance=relevance)
    )


# Points for where a term is found; the best place per field counts, summed over terms.
NAME_WORD, NAME_PREFIX, CATEGORY_PREFIX, DESCRIPTION_WORD, DESCRIPTION_PREFIX = 16, 8, 4, 2, 1


def word_search(products: QuerySet, terms: list[str]) -> QuerySet:
    relevance = Value(0.0, output_field=FloatField())
    for term in terms:
        word, prefix = word_patterns(term)
        products = products.filter(
            Q(name__iregex=prefix)
            | Q(category__name__iregex=prefix)
            | Q(description__iregex=prefix)
        )
        relevance = relevance + points(
            When(name__iregex=word, then=NAME_WORD), When(name__iregex=prefix, then=NAME_PREFIX)
        )
        relevance = relevance + points(When(category__name__iregex=prefix, then=CATEGORY_PREFIX))
        relevance = relevance + points(
            When(description__iregex=word, then=DESCRIPTION_WORD),
            When(description__iregex=prefix, then=DESCRIPTION_PREFIX),
        )
    return products.annotate(relevance=relevance)


def points(*whens: When) -> Case:
    return Case(*whens, default=0.0, output_field=FloatField())


def word_patterns(term: str) -> tuple[str, str]:
    """A regex for the term as a whole word (a plural too) and one for a word starting so."""
    stem = term[:-1] if len(term) > 3 and term.endswith("s") and not term.endswith("ss") else term
    escaped = re.escape(stem)
    return rf"\b{escaped}(s|es)?\b", rf"\b{escaped}"


def by_relevance() -> tuple:
    return (F("relevance").desc(), "name", "id")
