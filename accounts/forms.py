"""The account forms: Django's own, bound to the shop's user and told what the shop needs."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import BaseUserManager
from django.core.validators import MaxLengthValidator

from accounts.models import User


class SignUpForm(UserCreationForm):
    """Username, email and a password typed twice; the email must be new in any case."""

    email = forms.EmailField(
        label="Email",
        max_length=254,
        help_text="For order updates; each account needs its own address.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = BaseUserManager.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email already exists. Sign in instead?", code="unique"
            )
        return email


class UsernameLengthChecked:
    """AuthenticationForm sets the username's max_length after the field is built, so it is
    never checked: a longer name went on to the sign-in throttle, whose table holds 255
    characters (a 500 on PostgreSQL). Checked here, it is an error beside the field."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class AdminSignInForm(UsernameLengthChecked, AdminAuthenticationForm):
    """The admin's sign-in form, its username checked as the shop's is."""


class SignInForm(UsernameLengthChecked, AuthenticationForm):
    """Django's sign-in form with a choice of how long the session lasts."""

    remember_me = forms.BooleanField(
        label="Remember me",
        required=False,
        help_text="Stay signed in after the browser closes. Leave it off on a shared computer.",
    )
