"""Session data as staff may see it: credential-like values masked at any depth."""

REDACTED = "[redacted]"
CREDENTIAL_WORDS = ("hash", "token", "secret", "password", "key")
SHOWN_AUTH_KEYS = {"_auth_user_id", "_auth_user_backend"}


def redact(value):
    """The value with credential-like keys masked, at any depth."""
    if isinstance(value, dict):
        return {key: REDACTED if is_secret(key) else redact(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def is_secret(key) -> bool:
    name = str(key).lower()
    return name not in SHOWN_AUTH_KEYS and any(word in name for word in CREDENTIAL_WORDS)
