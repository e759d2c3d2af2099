"""What the security tests expect on every page, shared by the in-process and server tests."""

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def directives(policy: str) -> set[str]:
    """A policy's directives, in any order (django-csp writes them in set order)."""
    return {part.strip() for part in policy.split(";")}
