import re

from django.conf import settings

from accounts.models import SessionRecord

CHANGELIST = "/admin/accounts/sessionrecord/"


def detail_url(record: SessionRecord) -> str:
    return f"{CHANGELIST}{record.pk}/change/"


def end_url(record: SessionRecord) -> str:
    return f"{CHANGELIST}{record.pk}/end/"


def end_user_url(record: SessionRecord) -> str:
    return f"{CHANGELIST}{record.pk}/end-user/"


def listed(response) -> set[int]:
    """Primary keys of the rows the changelist shows."""
    assert response.status_code == 200
    return {record.pk for record in response.context["cl"].result_list}


def signed_in(client) -> bool:
    """Whether the client's next request is a signed-in one."""
    return client.get("/").wsgi_request.user.is_authenticated


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def csrf_token_from(response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert match, "the page has no CSRF token"
    return match.group(1)


def server_side() -> bool:
    return settings.SESSION_BACKEND != "cookie"
