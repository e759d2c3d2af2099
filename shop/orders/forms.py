from django import forms
from django.core.exceptions import ValidationError

from shop.orders.addresses import ADDRESS_FIELDS, COUNTRIES, clean_postcode
from shop.orders.checkout import FIELD_LENGTHS
from shop.orders.delivery import METHODS
from shop.orders.models import SavedAddress


def text_field(label: str, name: str, required: bool = True, **attrs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=FIELD_LENGTHS[name],
        required=required,
        error_messages={"required": f"Enter your {label.lower()}."},
        widget=forms.TextInput(attrs=attrs),
    )


class AddressForm(forms.Form):
    full_name = text_field("Full name", "full_name", autocomplete="name")
    line1 = text_field("Address line 1", "line1", autocomplete="address-line1")
    line2 = text_field("Address line 2", "line2", required=False, autocomplete="address-line2")
    city = text_field("Town or city", "city", autocomplete="address-level2")
    postcode = text_field("Postcode", "postcode", autocomplete="postal-code")
    country = forms.ChoiceField(
        choices=list(COUNTRIES.items()),
        initial="GB",
        error_messages={
            "required": "Choose the country to deliver to.",
            "invalid_choice": "Choose a country we deliver to.",
        },
    )
    email = forms.EmailField(
        label="Email",
        max_length=FIELD_LENGTHS["email"],
        help_text="For your order confirmation and delivery updates.",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter a valid email address.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, needs_email: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_email:
            del self.fields["email"]  # a signed-in shopper's account has one

    def clean(self):
        data = super().clean()
        if data.get("postcode") and data.get("country"):
            try:
                data["postcode"] = clean_postcode(data["postcode"], data["country"])
            except ValidationError as error:
                self.add_error("postcode", error)
        for name, value in list(data.items()):
            if isinstance(value, str) and not value.isprintable():
                self.add_error(name, "Use letters, numbers and punctuation only.")
        return data

    def address(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in (*ADDRESS_FIELDS, "email")}


class SavedAddressForm(forms.Form):
    """A signed-in shopper picks one of the addresses their orders went to."""

    saved_address = forms.ModelChoiceField(
        queryset=SavedAddress.objects.none(),
        error_messages={"invalid_choice": "That address is not in your address book."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["saved_address"].queryset = SavedAddress.objects.filter(user=user)

    def address(self) -> dict[str, str]:
        saved = self.cleaned_data["saved_address"]
        return {name: getattr(saved, name) for name in ADDRESS_FIELDS} | {"email": ""}


class DeliveryForm(forms.Form):
    method = forms.ChoiceField(
        label="Delivery",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how your order should travel.",
            "invalid_choice": "Choose standard or express delivery.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [(code, m.label) for code, m in METHODS.items()]


class PlaceOrderForm(forms.Form):
    """The review page's button: it sends back which checkout and which order it showed."""

    token = forms.CharField(widget=forms.HiddenInput)
    shown = forms.CharField(widget=forms.HiddenInput)
    accept_changes = forms.BooleanField(
        label="I accept the new prices shown above",
        required=False,
    )

    def __init__(self, *args, quote, token: str, **kwargs):
        kwargs.setdefault("initial", {"token": token, "shown": quote.fingerprint})
        super().__init__(*args, **kwargs)
        self.quote, self.token = quote, token
        if not quote.price_changes:
            del self.fields["accept_changes"]

    # 409: the shopper did nothing wrong, the order changed under them; 400: a field to fix.
    def conflict(self) -> str | None:
        """Why this page cannot place the order as it stands now, if it cannot."""
        if self.data.get("token") != self.token:
            return "This page belongs to an earlier checkout. Check your order and place it again."
        if not self.quote.was_shown_as(self.data.get("shown", "")):
            return (
                "Your order changed since you reviewed it (prices, stock, or your cart). "
                "Check it below and place it again."
            )
        return None

    def clean_accept_changes(self):
        if not self.cleaned_data["accept_changes"]:
            raise ValidationError("Tick this box to accept the new prices, or change your cart.")
        return True
