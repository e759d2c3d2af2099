"""Mail that tells people what happened to their account."""

from shop.mail import send_afterwards


def password_changed(user) -> None:
    """Tell the owner their password changed, so a change they did not make stands out.
    A mail server that is down costs the notice, never the change."""
    if not user.email:
        return
    send_afterwards(
        "Your Larder & Loom password was changed",
        "accounts/password_changed_email.txt",
        {"user": user},
        user.email,
    )
