"""The admin's "Active sessions": list, inspect and end sessions on every engine.

Built to stay fast with a million register rows: the list counts by the planner's
estimate, filters have fixed choices, search matches exact values on indexed columns,
and the summary is one aggregate query over a sample of the register, cached for a few seconds.
"""

import ipaddress
import json
from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from accounts.devices import describe
from accounts.models import SessionRecord, User
from accounts.register import end_sessions
from cart import session_cart
from shop.catalog.models import Product
from shop.session_backends import SESSION_BACKENDS, SESSION_ENGINES

ESTIMATE_FROM_ROWS = 10_000
SUMMARY_CACHE_KEY = "admin:active-sessions-summary"
SUMMARY_SECONDS = 30
SUMMARY_SAMPLE_ROWS = 20_000
REDACTED = "[redacted]"
CREDENTIAL_WORDS = ("hash", "token", "secret", "password", "key")
SHOWN_AUTH_KEYS = {"_auth_user_id", "_auth_user_backend"}


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        # COUNT(*) reads every matching row (seconds at 1M); the planner's guess costs nothing.
        estimate = planner_estimate(self.object_list)
        return estimate if estimate >= ESTIMATE_FROM_ROWS else super().count


def planner_estimate(queryset: QuerySet) -> int:
    """PostgreSQL's estimate of the rows this queryset returns; 0 on other databases."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return 0
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. user__in=[]: nothing can match, and count() knows it
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def active_summary() -> dict:
    """Counts and cart value of all active sessions, in one query at most every 30 s."""
    return cache.get_or_set(SUMMARY_CACHE_KEY, compute_summary, SUMMARY_SECONDS)


def compute_summary() -> dict:
    rows = register_size_estimate()
    if rows < ESTIMATE_FROM_ROWS:
        return exact_summary()
    return sampled_summary(percent=min(100.0, 100.0 * SUMMARY_SAMPLE_ROWS / rows))


def exact_summary() -> dict:
    with_cart = Q(cart_lines__gt=0)
    totals = SessionRecord.objects.active().aggregate(
        sessions=Count("pk"),
        signed_in=Count("pk", filter=Q(user__isnull=False)),
        carts=Count("pk", filter=with_cart),
        cart_value=Sum("cart_value", filter=with_cart, default=Decimal("0.00")),
    )
    return {**totals, "guests": totals["sessions"] - totals["signed_in"], "estimated": False}


def register_size_estimate() -> int:
    """Rows in the register as of PostgreSQL's last ANALYZE; 0 on other databases."""
    connection = connections[SessionRecord.objects.db]
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
            [SessionRecord._meta.db_table],
        )
        return max(0, int(cursor.fetchone()[0]))  # -1: never analysed


def sampled_summary(percent: float) -> dict:
    """The summary from a random `percent` of the register's pages, scaled up: at a million
    rows an exact count reads them all (over 200 ms), a 2% sample some 700 pages (about 10 ms)."""
    connection = connections[SessionRecord.objects.db]
    table = connection.ops.quote_name(SessionRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE user_id IS NOT NULL),"
            " COUNT(*) FILTER (WHERE cart_lines > 0),"
            " COALESCE(SUM(cart_value) FILTER (WHERE cart_lines > 0), 0)"
            f" FROM {table} TABLESAMPLE SYSTEM (%s)"
            " WHERE ended_at IS NULL AND expires_at > %s",
            [percent, timezone.now()],
        )
        sessions, signed_in, carts, cart_value = cursor.fetchone()
    scale = 100.0 / percent
    totals = {
        "sessions": rounded(sessions * scale),
        "signed_in": rounded(signed_in * scale),
        "carts": rounded(carts * scale),
        "cart_value": Decimal(rounded(float(cart_value) * scale)),
    }
    return {**totals, "guests": totals["sessions"] - totals["signed_in"], "estimated": True}


def rounded(value: float) -> int:
    """To three significant figures: a sample knows no more than that."""
    return int(float(f"{value:.3g}"))


def is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


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


def stored_data(record: SessionRecord) -> dict | None:
    """What the server holds for this session; None where the server cannot read it."""
    if not record.session_key or record.engine != settings.SESSION_BACKEND:
        return None
    engine = import_module(SESSION_ENGINES[record.engine])
    return engine.SessionStore(record.session_key).load()


def ended_message(count: int) -> str:
    return f"Ended {count} session{'' if count == 1 else 's'}."


class SignedInFilter(admin.SimpleListFilter):
    title = "who"
    parameter_name = "who"

    def lookups(self, request, model_admin):
        return [("signed-in", "Signed in"), ("guest", "Guests")]

    def queryset(self, request, queryset):
        if self.value() in ("signed-in", "guest"):
            return queryset.filter(user__isnull=self.value() == "guest")
        return queryset


class CartFilter(admin.SimpleListFilter):
    title = "has a cart"
    parameter_name = "cart"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(cart_lines__gt=0)
        if self.value() == "no":
            return queryset.filter(cart_lines=0)
        return queryset


class EngineFilter(admin.SimpleListFilter):
    # Fixed choices: a field filter would run SELECT DISTINCT over the whole table.
    title = "engine"
    parameter_name = "engine"

    def lookups(self, request, model_admin):
        return [(engine, engine) for engine in SESSION_BACKENDS]

    def queryset(self, request, queryset):
        if self.value() in SESSION_BACKENDS:
            return queryset.filter(engine=self.value())
        return queryset


class SessionRecordAdmin(admin.ModelAdmin):
    """Read-only view of the session register; ending a session is the one operation."""

    list_display = (
        "user_label",
        "ip",
        "device",
        "browser",
        "started",
        "last_seen",
        "expires",
        "engine",
        "cart_lines",
        "cart_value",
    )
    list_filter = (SignedInFilter, CartFilter, EngineFilter)
    search_fields = ("=user__username", "=user__email", "=ip_address")
    search_help_text = "An exact username, email or IP address."
    ordering = ("-last_seen",)
    sortable_by = ("last_seen",)  # the one column the list is indexed for
    show_full_result_count = False
    list_per_page = 50  # rendering rows is most of the page's time at any table size
    show_facets = admin.ShowFacets.NEVER  # facets count every filter choice over the table
    paginator = EstimatedCountPaginator
    actions = ("end_selected", "end_selected_users")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "user_label",
                    "public_id",
                    "engine",
                    "ip",
                    "device",
                    "browser",
                    "user_agent",
                )
            },
        ),
        ("Times", {"fields": ("started", "last_seen", "expires")}),
        ("Cart", {"fields": ("cart_lines", "cart_value", "cart_contents")}),
        ("Session data", {"fields": ("session_contents",)}),
    )
    readonly_fields = (
        "user_label",
        "public_id",
        "ip",
        "device",
        "browser",
        "started",
        "expires",
        "cart_contents",
        "session_contents",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).active().select_related("user")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_end_session_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.end_session")

    def get_search_results(self, request, queryset, search_term):
        """Exact matches on indexed columns only; a term that is not an IP address never
        reaches ip_address, which PostgreSQL's inet type would refuse with an error."""
        term = search_term.strip()
        if not term:
            return queryset, False
        users = User.objects.filter(Q(username__iexact=term) | Q(email__iexact=term))
        match = Q(user__in=list(users.values_list("pk", flat=True)[:100]))
        if is_ip_address(term):
            match |= Q(ip_address=term)
        return queryset.filter(match), False

    @admin.display(description="user")
    def user_label(self, record: SessionRecord) -> str:
        return record.user.username if record.user else "guest"

    @admin.display(description="IP")
    def ip(self, record: SessionRecord) -> str | None:
        return record.ip_address

    @admin.display(description="started")
    def started(self, record: SessionRecord):
        return record.created_at

    @admin.display(description="expires")
    def expires(self, record: SessionRecord):
        return record.expires_at

    @admin.display(description="device")
    def device(self, record: SessionRecord) -> str:
        return describe(record.user_agent)[0]

    @admin.display(description="browser")
    def browser(self, record: SessionRecord) -> str:
        return describe(record.user_agent)[1]

    @admin.display(description="cart contents")
    def cart_contents(self, record: SessionRecord) -> str:
        data = self.stored(record)
        if data is None:
            return "The cart's lines live with the session, which the server cannot read."
        entries = session_cart.read(data)
        if not entries:
            return "Empty."
        names = dict(Product.objects.filter(pk__in=entries).values_list("pk", "name"))
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    names.get(pid, f"Product #{pid} (gone)"),
                    e.quantity,
                    e.added_price,
                    e.quantity * e.added_price,
                )
                for pid, e in entries.items()
            ),
        )
        return format_html(
            "<table><thead><tr><th>product</th><th>quantity</th><th>unit price when added</th>"
            "<th>line total</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="stored data")
    def session_contents(self, record: SessionRecord) -> str:
        data = self.stored(record)
        if data is None:
            if record.engine == "cookie":
                return (
                    "Kept in the visitor's browser as a signed cookie: the server cannot read it."
                )
            return f"Kept by the {record.engine} engine, which is not the one running now."
        if not data:
            return "Nothing stored: the session has ended or expired in its store."
        text = json.dumps(redact(data), indent=2, sort_keys=True, default=str)
        return format_html("<pre>{}</pre>", text)

    def stored(self, record: SessionRecord) -> dict | None:
        if not hasattr(record, "_stored_data"):
            record._stored_data = stored_data(record)  # read once for both fields
        return record._stored_data

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_end_sessions"] = self.has_end_session_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if hasattr(response, "context_data"):  # not a redirect after an action
            response.context_data["summary"] = active_summary()
        return response

    def get_urls(self):
        wrap = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/end/",
                wrap(require_POST(self.end_view)),
                name=f"{name}_end",
            ),
            path(
                "<path:object_id>/end-user/",
                wrap(require_POST(self.end_user_view)),
                name=f"{name}_end_user",
            ),
            *super().get_urls(),
        ]

    def end_view(self, request: HttpRequest, object_id: str) -> HttpResponseRedirect:
        record = self.record_to_end(request, object_id)
        return self.ended(request, end_sessions(SessionRecord.objects.filter(pk=record.pk)))

    def end_user_view(self, request: HttpRequest, object_id: str) -> HttpResponseRedirect:
        record = self.record_to_end(request, object_id)
        if record.user_id is None:
            raise Http404("A guest's session has no user.")
        return self.ended(request, end_sessions(self.sessions_of_users([record.user_id])))

    def record_to_end(self, request: HttpRequest, object_id: str) -> SessionRecord:
        if not self.has_end_session_permission(request):
            raise PermissionDenied
        record = self.get_object(request, unquote(object_id))
        if record is None:
            raise Http404("No such active session.")
        return record

    def ended(self, request: HttpRequest, count: int) -> HttpResponseRedirect:
        self.report_ended(request, count)
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        )

    def report_ended(self, request: HttpRequest, count: int) -> None:
        cache.delete(SUMMARY_CACHE_KEY)  # staff expect the numbers to move right away
        if count:
            self.message_user(request, ended_message(count), messages.SUCCESS)
        else:
            self.message_user(
                request, "No session was ended: they had ended already.", messages.WARNING
            )

    def sessions_of_users(self, user_ids) -> QuerySet:
        return SessionRecord.objects.active().filter(user_id__in=user_ids)

    @admin.action(permissions=["end_session"], description="End selected sessions")
    def end_selected(self, request, queryset):
        self.report_ended(request, end_sessions(queryset))

    @admin.action(permissions=["end_session"], description="End all sessions of the selected users")
    def end_selected_users(self, request, queryset):
        user_ids = queryset.filter(user__isnull=False).values("user_id")
        self.report_ended(request, end_sessions(self.sessions_of_users(user_ids)))
