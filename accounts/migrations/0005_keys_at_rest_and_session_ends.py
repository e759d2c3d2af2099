"""Keys at rest become digests, and a user's ended sessions a dict with expiry.

Rewrites django_session rows (db and redis_db) and register rows to hold the digest of each
session key instead of the key, and deletes redis_db's cache entries named by raw keys.
Sessions in `redis` alone move to their digest on their next request
(shop.sessions.cache.SessionStore._adopt_legacy_entry).
"""

import hashlib
import time

from django.conf import settings
from django.db import migrations, models

RAW_KEY_LENGTH = 32  # Django's session keys; digests are 40 hex characters
BATCH = 2000
LEGACY_CACHED_DB_PREFIX = "django.contrib.sessions.cached_db"
REMEMBER_AT_MOST = 30 * 86400 + 900


def digest(session_key: str) -> str:
    # Frozen copy of shop.sessions.base.digest: a migration must not change with the code.
    return hashlib.blake2b(session_key.encode(), digest_size=20).hexdigest()


def hash_session_rows(apps, schema_editor):
    Session = apps.get_model("sessions", "Session")
    raw_keys = Session.objects.using(schema_editor.connection.alias).extra(
        where=["LENGTH(session_key) = %s"], params=[RAW_KEY_LENGTH]
    )
    while keys := list(raw_keys.values_list("session_key", flat=True)[:BATCH]):
        for key in keys:
            Session.objects.filter(session_key=key).update(session_key=digest(key))
        forget_cached_copies(keys)


def forget_cached_copies(keys: list[str]) -> None:
    """redis_db's copies named by the raw key would still act as their session: delete them."""
    if "sessions" not in settings.CACHES or settings.SESSION_BACKEND != "redis_db":
        return
    from django.core.cache import caches

    try:
        caches["sessions"].delete_many([LEGACY_CACHED_DB_PREFIX + key for key in keys])
    except Exception as error:  # Redis away: the copies expire by their TTL
        print(f"\n  Could not delete old cached sessions from Redis ({error}).")


def hash_register_keys(apps, schema_editor):
    SessionRecord = apps.get_model("accounts", "SessionRecord")
    rows = SessionRecord.objects.exclude(key_digest="").extra(
        where=["LENGTH(key_digest) = %s"], params=[RAW_KEY_LENGTH]
    )
    while batch := list(rows.values_list("pk", "key_digest")[:BATCH]):
        for pk, key in batch:
            SessionRecord.objects.filter(pk=pk).update(key_digest=digest(key))


def ended_ids_to_dict(apps, schema_editor):
    """Sessions ended before, now as ended_sessions. Sign-outs used to mark only the row,
    which left a signed cookie's copies usable: they are remembered as ended too."""
    User = apps.get_model("accounts", "User")
    SessionRecord = apps.get_model("accounts", "SessionRecord")
    until = int(time.time()) + REMEMBER_AT_MOST
    ended_rows = SessionRecord.objects.filter(ended_at__isnull=False, user__isnull=False)
    signed_out: dict[int, list[str]] = {}
    for user_id, public_id in ended_rows.values_list("user_id", "public_id"):
        signed_out.setdefault(user_id, []).append(public_id)
    users = User.objects.exclude(ended_session_ids=[]) | User.objects.filter(pk__in=signed_out)
    for user in users.distinct().only("ended_session_ids"):
        ended = [*user.ended_session_ids, *signed_out.get(user.pk, [])]
        user.ended_sessions = {public_id: until for public_id in ended}
        user.save(update_fields=["ended_sessions"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_admin_search_indexes"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("sessionrecord", "session_key", "key_digest"),
        migrations.RunPython(hash_register_keys, migrations.RunPython.noop),
        migrations.RunPython(hash_session_rows, migrations.RunPython.noop),
        migrations.AddField(
            model_name="user",
            name="ended_sessions",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="user",
            name="sessions_valid_after",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(ended_ids_to_dict, migrations.RunPython.noop),
        migrations.RemoveField("user", "ended_session_ids"),
    ]
