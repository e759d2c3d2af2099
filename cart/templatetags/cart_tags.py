"""The cart's template tags: the add-to-cart form for any page (the catalog shows it without
importing the cart), and what the cart adds to its own messages in base.html."""

from django import forms, template
from django.contrib.messages.storage.base import Message

from cart import session_cart
from cart.forms import AddToCartForm
from cart.telling import ADDED_TAG, UNDO_TAG
from shop.catalog.models import Product

register = template.Library()


@register.inclusion_tag("cart/_add_to_cart.html", takes_context=True)
def add_to_cart_form(context, product: Product, form: forms.Form | None = None) -> dict:
    """The form for `product`, or the one the cart refused, with its errors beside the field."""
    form = form or AddToCartForm(product=product)
    if form.errors.get("quantity"):
        # Tie the error shown beside the field to the input, for screen readers.
        attrs = form.fields["quantity"].widget.attrs
        attrs.update({"aria-invalid": "true", "aria-describedby": "quantity-errors"})
    return {"product": product, "form": form, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("cart/_message_actions.html", takes_context=True)
def cart_message_actions(context, message: Message) -> dict:
    """After "Added": links to the cart and the checkout; after "Removed": an Undo button,
    while the session still remembers the removed line (no later change has ended it)."""
    tags = (message.extra_tags or "").split()
    request = context.get("request")
    undo = None
    if UNDO_TAG in tags and request is not None:
        undo = removed_product(request.session)
    return {"added": ADDED_TAG in tags, "undo": undo, "csrf_token": context.get("csrf_token")}


def removed_product(session) -> Product | None:
    removed = session_cart.removed_line(session)
    return Product.objects.filter(pk=removed[0]).only("id", "name").first() if removed else None
