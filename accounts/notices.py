"""Mail that tells people what happened to their account."""

import logging
import smtplib

from django.core.mail import send_mail
from django.template.loader import render_to_string

logger = logging.getLogger("accounts.notices")


def password_changed(user) -> None:
    """Tell the owner their password changed, so a change they did not make stands out.
    A mail server that is down costs the notice, never the change."""
    if not user.email:
        return
    body = render_to_string("accounts/password_changed_email.txt", {"user": user})
    try:
        send_mail("Your Larder & Loom password was changed", body, None, [user.email])
    except (OSError, smtplib.SMTPException) as error:
        logger.warning("Could not send the password-changed notice: %s", error)
