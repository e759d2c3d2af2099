"""The register's rows: one per live session on any engine, so sessions can be listed and
ended even where the engine keeps nothing the server can search (signed cookies, Redis)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def new_public_id() -> str:
    return secrets.token_urlsafe(12)


class SessionRecordQuerySet(models.QuerySet):
    def active(self) -> "SessionRecordQuerySet":
        return self.filter(ended_at__isnull=True, expires_at__gt=timezone.now())


class SessionRecord(models.Model):
    """The session register: one row per live session on any engine, so sessions can be
    listed and ended even where the engine cannot (signed cookies, Redis)."""

    public_id = models.CharField(max_length=24, unique=True, default=new_public_id, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="session_records",
    )
    engine = models.CharField(max_length=10)
    # The digest the store keeps the session under (never the key itself: see
    # shop.sessions.base.digest); empty for a signed cookie. Never shown.
    key_digest = models.CharField(max_length=40, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    cart_lines = models.PositiveIntegerField(default=0)
    cart_value = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # The checkout step the session is at (shop.orders.checkout.STEPS); empty when not in one.
    checkout_step = models.CharField(max_length=10, blank=True, default="")

    objects = SessionRecordQuerySet.as_manager()

    class Meta:
        # The table it had when the register lived in accounts: moving the app moved no row.
        db_table = "accounts_sessionrecord"
        verbose_name = "active session"
        verbose_name_plural = "active sessions"
        permissions = [("end_session", "Can end other people's sessions")]
        indexes = [
            models.Index(fields=["-last_seen"], name="session_last_seen"),
            models.Index(fields=["expires_at"], name="session_expires"),
            models.Index(fields=["user", "-last_seen"], name="session_user_seen"),
            models.Index(fields=["ip_address"], name="session_ip"),
            # The admin's engine filter, newest first, without a scan for a rare engine.
            models.Index(fields=["engine", "-last_seen"], name="session_engine_seen"),
            # The admin's "in checkout" filter: few sessions are, at any table size.
            models.Index(
                fields=["-last_seen"], condition=~Q(checkout_step=""), name="session_in_checkout"
            ),
            # Ended rows are few; processes poll them for ended cookie-engine guests.
            models.Index(
                fields=["ended_at"], condition=Q(ended_at__isnull=False), name="session_ended"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or 'guest'} on {self.engine} ({self.public_id})"
