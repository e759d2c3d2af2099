from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Upper


class User(AbstractUser):
    """The shop's user; custom from the first migration so it can grow without pain."""

    # The auth middleware loads this row on every signed-in request anyway, so checking these
    # two ends a session on any engine, signed cookies included, at no extra cost.
    # {public id: epoch second after which that session could not be used anyway}
    ended_sessions = models.JSONField(default=dict, blank=True)
    # Every session signed in before this moment has ended.
    sessions_valid_after = models.DateTimeField(null=True, blank=True)
    # Raised by each order placed: a session's cart of an earlier generation was emptied by
    # it, on whichever device it is (cart.session_cart.GENERATION_KEY).
    cart_generation = models.PositiveIntegerField(default=0)

    class Meta(AbstractUser.Meta):
        # The admin's exact, case-blind search by username or email, at any number of users.
        indexes = [
            models.Index(Upper("username"), name="user_username_upper"),
            models.Index(Upper("email"), name="user_email_upper"),
        ]
