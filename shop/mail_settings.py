"""Where mail goes: the one EMAIL_URL setting, turned into Django's EMAIL_* settings."""

from typing import Any
from urllib.parse import urlparse

import dj_email_url
from django.core.exceptions import ImproperlyConfigured

EXAMPLES = "console:, file:///dir or smtp://user:pass@host:port"
# Seconds: a mail server that stops answering must not hold a worker for ever.
TIMEOUT = 10


def email_settings(url: str) -> dict[str, Any]:
    """EMAIL_BACKEND, EMAIL_HOST, EMAIL_FILE_PATH and the rest, from dj-email-url.
    Errors never repeat the URL: it may hold the mail server's password."""
    parsed = urlparse(url)
    if parsed.scheme not in dj_email_url.SCHEMES:
        raise ImproperlyConfigured(f"EMAIL_URL has an unknown scheme; use {EXAMPLES}.")
    try:
        conf = dj_email_url.parse(url)
    except ValueError as error:  # a port or timeout that is not a number
        raise ImproperlyConfigured(f"EMAIL_URL is not valid ({error}); use {EXAMPLES}.") from None
    if parsed.scheme == "file":
        if parsed.path in ("", "/"):
            raise ImproperlyConfigured("EMAIL_URL=file:///dir needs the directory to write to.")
        # dj-email-url drops the leading slash, which would make file:///dir a relative path.
        conf["EMAIL_FILE_PATH"] = parsed.path
    conf["EMAIL_TIMEOUT"] = conf["EMAIL_TIMEOUT"] or TIMEOUT
    return conf
