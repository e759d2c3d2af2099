import re

from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client

from shop.register.models import SessionRecord
from tests.register.helpers import make_user

CHANGELIST = "/admin/register/sessionrecord/"


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


def staff_member(username: str, *codenames: str) -> Client:
    """A member of staff with just these permissions, signed in to the admin."""
    user = make_user(username)
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def object_tools(response) -> str:
    """The HTML of the buttons at the top of a change page, beside "History"."""
    assert response.status_code == 200
    match = re.search(r'<ul class="object-tools">(.*?)</ul>', response.content.decode(), re.S)
    assert match, "the page has no object tools"
    return match.group(1)


def columns(response) -> list[str]:
    """The changelist's column headings, the selection checkbox left out."""
    page = response.content.decode()
    return re.findall(r'<th scope="col" class="[^"]*column-(?!action-checkbox)([\w-]+)', page)
