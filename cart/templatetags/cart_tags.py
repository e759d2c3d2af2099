"""The add-to-cart form for any page: the catalog shows it without importing the cart."""

from django import forms, template

from cart.forms import AddToCartForm
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
