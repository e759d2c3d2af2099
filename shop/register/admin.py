"""The admin's "Active sessions": list, inspect and end sessions on every engine.

Built to stay fast with a million register rows (see shop/register/summary.py): filters
have fixed choices and search matches exact values on indexed columns.
"""

import json

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from cart import session_cart
from shop.admin_buttons import ObjectButton, ObjectButtonsMixin
from shop.admin_display import EMPTY, moment, money
from shop.catalog.models import Product
from shop.client_ip import is_ip_address
from shop.orders import checkout
from shop.register.devices import describe
from shop.register.ending import end_all_sessions, end_sessions
from shop.register.models import SessionRecord
from shop.register.redaction import redact
from shop.register.summary import EstimatedCountPaginator, active_summary, forget_summary
from shop.sessions.config import SESSION_BACKENDS, engines_in_use, store_class


def stored_data(record: SessionRecord) -> dict | None:
    """What the server holds for this session; None where the server cannot read it."""
    if not record.key_digest or record.engine not in engines_in_use():
        return None
    return store_class(record.engine).read_stored(record.key_digest)


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


class CheckoutFilter(admin.SimpleListFilter):
    title = "in checkout"
    parameter_name = "checkout"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), *[(step, f"At {step}") for step in checkout.STEPS]]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(checkout_step="")
        if self.value() in checkout.STEPS:
            return queryset.filter(checkout_step=self.value())
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


@admin.register(SessionRecord)
class SessionRecordAdmin(ObjectButtonsMixin, admin.ModelAdmin):
    """Read-only view of the session register; ending a session is the one operation."""

    object_buttons = (
        ObjectButton("end", "end_view", "End this session", destructive=True),
        ObjectButton(
            "end-user", "end_user_view", "End all sessions of this user", destructive=True
        ),
    )

    empty_value_display = EMPTY
    # What a laptop's width holds; the rest (times, engine, user agent) is on the row's page.
    list_display = ("user_label", "device_and_browser", "ip", "last_seen", "cart", "checkout_at")
    list_filter = (SignedInFilter, CartFilter, CheckoutFilter, EngineFilter)
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
        ("Times", {"fields": ("started", "seen", "expires")}),
        ("Cart", {"fields": ("cart_lines", "cart_total", "cart_contents", "checkout_at")}),
        ("Session data", {"fields": ("session_contents",)}),
    )
    readonly_fields = (
        "user_label",
        "public_id",
        "ip",
        "device",
        "browser",
        "started",
        "seen",
        "expires",
        "cart_total",
        "cart_contents",
        "checkout_at",
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

    def shows_button(self, request, record: SessionRecord, button: ObjectButton) -> bool:
        if not self.has_end_session_permission(request):
            return False
        return button.slug != "end-user" or record.user_id is not None

    def get_list_display(self, request):
        # While sessions move between engines, which one a row is on is worth a column.
        if len(engines_in_use()) > 1:
            return (*self.list_display, "engine")
        return self.list_display

    def get_search_results(self, request, queryset, search_term):
        """Exact matches on indexed columns only; a term that is not an IP address never
        reaches ip_address, which PostgreSQL's inet type would refuse with an error."""
        term = search_term.strip()
        if not term:
            return queryset, False
        users = get_user_model().objects.filter(Q(username__iexact=term) | Q(email__iexact=term))
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
    def started(self, record: SessionRecord) -> str:
        return moment(record.created_at)

    @admin.display(description="last seen")
    def seen(self, record: SessionRecord) -> str:
        return moment(record.last_seen)

    @admin.display(description="expires")
    def expires(self, record: SessionRecord) -> str:
        return moment(record.expires_at)

    @admin.display(description="device")
    def device_and_browser(self, record: SessionRecord) -> str:
        return " · ".join(part for part in describe(record.user_agent) if part)

    @admin.display(description="cart")
    def cart(self, record: SessionRecord) -> str:
        if not record.cart_lines:
            return EMPTY
        lines = "line" if record.cart_lines == 1 else "lines"
        return f"{record.cart_lines} {lines}, {money(record.cart_value)}"

    @admin.display(description="cart value")
    def cart_total(self, record: SessionRecord) -> str:
        return money(record.cart_value)

    @admin.display(description="device")
    def device(self, record: SessionRecord) -> str:
        return describe(record.user_agent)[0]

    @admin.display(description="browser")
    def browser(self, record: SessionRecord) -> str:
        return describe(record.user_agent)[1]

    @admin.display(description="checkout")
    def checkout_at(self, record: SessionRecord) -> str:
        return f"at {record.checkout_step}" if record.checkout_step else EMPTY

    @admin.display(description="cart contents")
    def cart_contents(self, record: SessionRecord) -> str:
        data = self.stored(record)
        if data is None:
            return "The cart's lines live with the session, which the server cannot read."
        entries = session_cart.read(data)
        if not entries:
            return "Empty."
        names = dict(Product.objects.filter(pk__in=entries).values_list("pk", "name"))
        lines = [
            (
                names.get(pid, f"Product #{pid} (gone)"),
                e.quantity,
                money(e.added_price),
                money(e.quantity * e.added_price),
            )
            for pid, e in entries.items()
        ]
        return render_to_string("admin/register/sessionrecord/cart_contents.html", {"lines": lines})

    @admin.display(description="stored data")
    def session_contents(self, record: SessionRecord) -> str:
        data = self.stored(record)
        if data is None:
            if not store_class(record.engine).server_side:
                return (
                    "Kept in the visitor's browser as a signed cookie: the server cannot read it."
                )
            if record.engine in engines_in_use():
                return "The session store cannot be reached right now."
            return f"Kept by the {record.engine} engine, which is not the one running now."
        if not data:
            return "Nothing stored: the session has ended or expired in its store."
        text = json.dumps(redact(data), indent=2, sort_keys=True, default=str)
        return format_html('<pre tabindex="0">{}</pre>', text)  # scrolls: keyboard reachable

    def stored(self, record: SessionRecord) -> dict | None:
        if not hasattr(record, "_stored_data"):
            record._stored_data = stored_data(record)  # read once for both fields
        return record._stored_data

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if hasattr(response, "context_data"):  # not a redirect after an action
            response.context_data["summary"] = active_summary()
        return response

    def end_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """GET asks (which session, whose), POST ends it."""
        record = self.record_to_end(request, object_id)
        if request.method == "POST":
            return self.ended(request, end_sessions(SessionRecord.objects.filter(pk=record.pk)))
        return self.confirm_ending(request, record, [record], "End this session?")

    def end_user_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """GET asks (every session of the user), POST ends them all."""
        record = self.record_to_end(request, object_id)
        if record.user_id is None:
            raise Http404("A guest's session has no user.")
        if request.method == "POST":
            return self.ended(request, end_all_sessions(record.user))
        sessions = self.get_queryset(request).filter(user_id=record.user_id).order_by("-last_seen")
        title = f"End all sessions of {record.user.username}?"
        return self.confirm_ending(request, record, list(sessions), title)

    def confirm_ending(self, request, record, sessions: list[SessionRecord], title: str):
        return self.confirmation(
            request,
            record,
            "admin/register/sessionrecord/end_confirmation.html",
            title=title,
            sessions=[self.described(session) for session in sessions],
            yes="Yes, end " + ("it" if len(sessions) == 1 else "all of them"),
            no="No, keep " + ("it" if len(sessions) == 1 else "them"),
        )

    def described(self, record: SessionRecord) -> dict:
        return {
            "user": self.user_label(record),
            "device": self.device_and_browser(record),
            "ip": record.ip_address or EMPTY,
            "last_seen": moment(record.last_seen),
            "cart": self.cart(record),
        }

    def record_to_end(self, request: HttpRequest, object_id: str) -> SessionRecord:
        if not self.has_end_session_permission(request):
            raise PermissionDenied
        return self.object_or_404(request, object_id, "No such active session.")

    def ended(self, request: HttpRequest, count: int) -> HttpResponseRedirect:
        self.report_ended(request, count)
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        )

    def report_ended(self, request: HttpRequest, count: int) -> None:
        forget_summary()
        if count:
            self.message_user(request, ended_message(count), messages.SUCCESS)
        else:
            self.message_user(
                request, "No session was ended: they had ended already.", messages.WARNING
            )

    @admin.action(permissions=["end_session"], description="End selected sessions")
    def end_selected(self, request, queryset):
        self.report_ended(request, end_sessions(queryset))

    @admin.action(permissions=["end_session"], description="End all sessions of the selected users")
    def end_selected_users(self, request, queryset):
        user_ids = queryset.filter(user__isnull=False).values("user_id")
        users = get_user_model().objects.filter(pk__in=user_ids)
        self.report_ended(request, sum(end_all_sessions(user) for user in users))
