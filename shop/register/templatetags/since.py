"""How long ago something happened, as people say it."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()

JUST_NOW = timedelta(minutes=1)


@register.filter
def ago(moment: datetime | None) -> str:
    """'just now' under a minute (timesince would say '0 minutes'), else '3 hours ago'.
    A moment slightly ahead of this instance's clock is also 'just now'."""
    if moment is None:
        return ""
    if timezone.now() - moment < JUST_NOW:
        return "just now"
    return f"{timesince(moment)} ago"
