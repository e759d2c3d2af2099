from django import forms

from shop.catalog.limits import MAX_QUANTITY_PER_LINE


def quantity_field(min_value: int) -> forms.IntegerField:
    """A whole number of items; the services check it against the product's stock."""
    return forms.IntegerField(
        min_value=min_value,
        max_value=MAX_QUANTITY_PER_LINE,
        initial=1,
        error_messages={
            "required": "Enter a quantity.",
            "invalid": "Enter a whole number.",
            "min_value": "Enter a quantity of at least %(limit_value)s.",
            "max_value": "At most %(limit_value)s of one product fit in a cart.",
        },
        widget=forms.NumberInput(attrs={"min": min_value, "max": MAX_QUANTITY_PER_LINE}),
    )


class AddToCartForm(forms.Form):
    """The product page's form; a missing quantity means one."""

    quantity = quantity_field(min_value=1)

    def __init__(self, data=None, *, product, **kwargs):
        if data is not None and "quantity" not in data:
            data = data.copy()
            data["quantity"] = "1"
        super().__init__(data, **kwargs)
        self.product = product
        self.fields["quantity"].widget.attrs["max"] = max(product.max_quantity, 1)


class UpdateQuantityForm(forms.Form):
    """The cart page's per-line form, where 0 removes the line."""

    quantity = quantity_field(min_value=0)
