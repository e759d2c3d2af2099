from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import reverse

from shop.admin_buttons import ObjectButtonsMixin
from shop.orders import fulfilment
from shop.orders.models import Order, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ("product_name", "product", "unit_price", "quantity", "line_total")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        # Lines are part of the order: whoever may see the order sees what was ordered.
        return request.user.has_perm("orders.view_order") or request.user.has_perm(
            "orders.change_order"
        )


@admin.register(Order)
class OrderAdmin(ObjectButtonsMixin, admin.ModelAdmin):
    """Orders are records of what was bought: staff read them, ship them or cancel them."""

    object_buttons = (("ship", "ship_view"), ("cancel", "cancel_view"))

    list_display = ("number", "created_at", "customer", "email", "status", "total", "delivery_by")
    list_filter = ("status", ("created_at", admin.DateFieldListFilter), "delivery_method")
    search_fields = ("full_name",)  # and exact matches: get_search_results
    search_help_text = "An order number, email, postcode or username (exact), or part of a name."
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    inlines = (OrderLineInline,)
    actions = ("ship_selected", "cancel_selected")
    fieldsets = (
        (None, {"fields": ("number", "status", "created_at", "shipped_at", "cancelled_at")}),
        ("Customer", {"fields": ("user", "email", "full_name")}),
        (
            "Delivery",
            {
                "fields": (
                    "line1",
                    "line2",
                    "city",
                    "postcode",
                    "country",
                    "delivery_method",
                    "delivery_price",
                    "delivery_by",
                )
            },
        ),  # fmt: skip
        ("Payment", {"fields": ("subtotal", "total", "payment_method", "payment_status")}),
    )

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Order._meta.fields] + ["number", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def get_search_results(self, request, queryset, search_term):
        """The whole term (spaces and all, as a postcode has) as an exact number, email,
        postcode or username, or as part of a name."""
        term = " ".join(search_term.strip().strip('"').split())
        if not term:
            return queryset, False
        match = (
            Q(number=term.upper())
            | Q(email__iexact=term)
            | Q(postcode=term.upper())
            | Q(user__username__iexact=term)
            | Q(full_name__icontains=term)
        )
        return queryset.filter(match), False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":  # nothing here is edited: shipping and cancelling are
            return HttpResponseNotAllowed(["GET"])  # their own POSTs, each under a row lock
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, *args, **kwargs):
        # Nothing on the form is editable: shipping and cancelling are the buttons below it.
        context.update(show_save=False, show_save_and_continue=False)
        return super().render_change_form(request, context, *args, **kwargs)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="customer")
    def customer(self, order: Order) -> str:
        return order.user.username if order.user else f"{order.full_name} (guest)"

    def ship_view(self, request: HttpRequest, object_id: str) -> HttpResponseRedirect:
        return self.change_one(request, object_id, fulfilment.ship, "shipped")

    def cancel_view(self, request: HttpRequest, object_id: str) -> HttpResponseRedirect:
        return self.change_one(request, object_id, fulfilment.cancel, "cancelled")

    def change_one(self, request, object_id, change, done: str) -> HttpResponseRedirect:
        if not self.has_change_permission(request):
            raise PermissionDenied
        order = self.object_or_404(request, object_id, "No such order.")
        self.apply(request, [order], change, done)
        return HttpResponseRedirect(reverse("admin:orders_order_change", args=[order.pk]))

    def apply(self, request, orders, change, done: str) -> None:
        changed = 0
        for order in orders:
            try:
                change(order.pk)
                changed += 1
            except fulfilment.CannotChange as refusal:
                self.message_user(request, str(refusal), messages.WARNING)
        if changed:
            noun = "order" if changed == 1 else "orders"
            self.message_user(request, f"{changed} {noun} {done}.", messages.SUCCESS)

    @admin.action(permissions=["change"], description="Mark selected orders shipped")
    def ship_selected(self, request, queryset):
        self.apply(request, queryset, fulfilment.ship, "shipped")

    @admin.action(
        permissions=["change"], description="Cancel selected orders (their stock goes back)"
    )
    def cancel_selected(self, request, queryset):
        self.apply(request, queryset, fulfilment.cancel, "cancelled")
