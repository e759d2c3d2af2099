"""Mail sent after something has happened: a mail server that is down costs the mail,
never what happened (an order placed, a password changed)."""

import logging

from django.core.mail import send_mail
from django.template.loader import render_to_string

logger = logging.getLogger("shop.mail")


def send_afterwards(subject: str, template: str, context: dict, to: str) -> bool:
    """Send a mail rendered from `template`; False, and a warning in the log, if it failed."""
    body = render_to_string(template, context)
    try:
        send_mail(subject, body, None, [to])
    except Exception as error:  # noqa: BLE001  what happened is committed: nothing may undo it
        logger.warning("Could not send %r to its recipient: %s", subject, error)
        return False
    return True
