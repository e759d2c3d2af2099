import pytest
import redis
from django.conf import settings

from shop.register.models import SessionRecord
from shop.register.rows import REGISTER_SESSION_KEY
from tests.factories import PASSWORD, make_user  # noqa: F401  (the register tests' users)

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Safari/537.36"
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def redis_commands(monkeypatch):
    """The Redis commands this process sends, counted at the real connection."""
    sent: list[str] = []
    send = redis.connection.Connection.send_packed_command

    def counting(connection, command, check_health=True):
        sent.append(command)
        return send(connection, command, check_health)

    monkeypatch.setattr(redis.connection.Connection, "send_packed_command", counting)
    return sent


def sign_in(client, username="ada"):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def record_of(client) -> SessionRecord:
    public_id = client.session[REGISTER_SESSION_KEY][0]
    return SessionRecord.objects.get(public_id=public_id)


def age_register_entry(client, seconds: int) -> None:
    """Pretend the row was last written `seconds` ago."""
    session = client.session
    session[REGISTER_SESSION_KEY][1] -= seconds
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
