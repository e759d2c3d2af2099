"""The storefront's catalog pages: home, product list, category, product detail."""

import posixpath

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.static import serve

from shop.catalog import browsing, search
from shop.catalog.models import Category, Product, ProductQuerySet
from shop.http import get_only

PRODUCTS_PER_PAGE = 12
FEATURED_ON_HOME = 8
RELATED_ON_DETAIL = 4
PRODUCT_IMAGES_DIR = "products/"


def nav_categories() -> list[Category]:
    return list(Category.objects.all())


def listed_products() -> ProductQuerySet:
    return Product.objects.active().select_related("category")


def product_page(request: HttpRequest, products, *, searching: bool = False) -> dict:
    """Sort (remembered in a cookie) and paginate; a bad ?page= gives a sensible page.

    Search results come best match first unless the shopper picks a sort on the page."""
    if searching:
        requested = request.GET.get("sort")
        sort = requested if requested in browsing.SORT_ORDERINGS else search.RELEVANCE
        labels = {search.RELEVANCE: "Best match"} | browsing.SORT_LABELS
    else:
        sort, labels = browsing.chosen_sort(request), browsing.SORT_LABELS
    ordering = search.by_relevance() if sort == search.RELEVANCE else browsing.SORT_ORDERINGS[sort]
    paginator = Paginator(products.order_by(*ordering), PRODUCTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return {
        "page": page,
        "products": page.object_list,
        "sort": sort,
        "sort_labels": labels,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
    }


@get_only
def home(request: HttpRequest) -> HttpResponse:
    categories = Category.objects.annotate(
        product_count=Count("products", filter=Q(products__active=True))
    )
    featured = listed_products().filter(featured=True).order_by("name")[:FEATURED_ON_HOME]
    return render(
        request,
        "catalog/home.html",
        {"categories": list(categories), "featured": list(featured)},
    )


@get_only
def product_list(request: HttpRequest) -> HttpResponse:
    raw_query = request.GET.get("q", "")
    query = search.clean_query(raw_query)
    terms = search.search_terms(query)
    products = listed_products()
    if query:
        products = search.search(products, terms) if terms else products.none()
    context = {
        "query": query,
        "query_has_no_words": bool(query) and not terms,
        "query_shortened": len(raw_query.strip()) > search.MAX_QUERY_LENGTH,
        "max_query_length": search.MAX_QUERY_LENGTH,
        "categories": nav_categories(),
        "current_category": None,
    }
    page = product_page(request, products, searching=bool(terms))
    return product_list_page(request, context | page)


@get_only
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    categories = nav_categories()
    # The navigation lists every category, so it also finds this one without another query.
    category = next((c for c in categories if c.slug == slug), None)
    if category is None:
        raise Http404("No such category.")
    products = listed_products().filter(category=category)
    context = {"query": "", "categories": categories, "current_category": category}
    return product_list_page(request, context | product_page(request, products))


def product_list_page(request: HttpRequest, context: dict) -> HttpResponse:
    response = render(request, "catalog/product_list.html", context)
    if context["sort"] in browsing.SORT_ORDERINGS:  # "best match" means nothing off a search
        browsing.remember_sort(request, response, context["sort"])
    return response


def product_page_context(
    request: HttpRequest, product: Product, form: forms.Form | None = None
) -> dict:
    """Everything the product page shows; the cart re-renders it with the add-to-cart form it
    refused (the page's template tag builds a fresh one otherwise)."""
    recent_ids = [i for i in browsing.recently_viewed_ids(request) if i != product.id]
    recent_by_id = listed_products().in_bulk(recent_ids) if recent_ids else {}
    related = (
        listed_products()
        .filter(category_id=product.category_id)
        .exclude(id=product.id)
        .order_by("-featured", "name")[:RELATED_ON_DETAIL]
    )
    return {
        "product": product,
        **({"form": form} if form else {}),
        "categories": nav_categories(),
        "current_category": product.category,
        "recently_viewed": [recent_by_id[i] for i in recent_ids if i in recent_by_id],
        "related": list(related),
    }


@get_only
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = get_object_or_404(listed_products(), slug=slug)
    context = product_page_context(request, product)
    response = render(request, "catalog/product_detail.html", context)
    browsing.record_view(request, response, product.id)
    return response


@get_only
def product_image(request: HttpRequest, path: str) -> FileResponse:
    """A product image from MEDIA_ROOT, served in production too (see shop/urls.py).

    Images may be SVG, which can carry scripts; the sandbox policy keeps any from running.
    """
    # serve() resolves "products/../x" inside MEDIA_ROOT; only products/ is public.
    if not posixpath.normpath(path).startswith(PRODUCT_IMAGES_DIR):
        raise Http404("No such image.")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "public, max-age=3600"
    return response
