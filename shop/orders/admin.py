from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import reverse

from shop.admin_buttons import ObjectButton, ObjectButtonsMixin
from shop.admin_display import EMPTY, moment, money, words
from shop.orders import delivery, fulfilment, payment
from shop.orders.addresses import country_name
from shop.orders.models import Order, OrderLine, Status


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ("product_name", "product", "price", "quantity", "amount")
    readonly_fields = fields
    extra = 0
    can_delete = False
    empty_value_display = EMPTY

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        # Lines are part of the order: whoever may see the order sees what was ordered.
        return request.user.has_perm("orders.view_order") or request.user.has_perm(
            "orders.change_order"
        )

    @admin.display(description="unit price")
    def price(self, line: OrderLine) -> str:
        return money(line.unit_price)

    @admin.display(description="line total")
    def amount(self, line: OrderLine) -> str:
        return money(line.line_total)


class DeliveryFilter(admin.SimpleListFilter):
    # Fixed choices with their names; the parameter a field filter had, so old links work.
    title = "delivery method"
    parameter_name = "delivery_method__exact"

    def lookups(self, request, model_admin):
        return [(code, method.name) for code, method in delivery.METHODS.items()]

    def queryset(self, request, queryset):
        if self.value() in delivery.METHODS:
            return queryset.filter(delivery_method=self.value())
        return queryset


@admin.register(Order)
class OrderAdmin(ObjectButtonsMixin, admin.ModelAdmin):
    """Orders are records of what was bought: staff read them, ship them or cancel them."""

    object_buttons = (
        ObjectButton("ship", "ship_view", "Mark shipped"),
        ObjectButton(
            "cancel", "cancel_view", "Cancel order and return its stock", destructive=True
        ),
    )

    empty_value_display = EMPTY
    list_display = (
        "number",
        "created_at",
        "customer",
        "email",
        "status",
        "order_total",
        "delivery_by",
    )
    list_filter = ("status", ("created_at", admin.DateFieldListFilter), DeliveryFilter)
    search_fields = ("full_name",)  # and exact matches: get_search_results
    search_help_text = "An order number, email, postcode or username (exact), or part of a name."
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    inlines = (OrderLineInline,)
    actions = ("ship_selected", "cancel_selected")
    fieldsets = (
        (None, {"fields": ("number", "status", "placed", "shipped", "cancelled")}),
        ("Customer", {"fields": ("user", "email", "full_name")}),
        (
            "Delivery",
            {
                "fields": (
                    "line1",
                    "line2",
                    "city",
                    "postcode",
                    "country_name",
                    "delivery",
                    "delivery_cost",
                    "delivery_by",
                )
            },
        ),  # fmt: skip
        ("Payment", {"fields": ("items_total", "order_total", "payment", "payment_state")}),
    )
    # Shown instead of the raw fields: words for codes, pounds for amounts, readable times.
    shown_fields = (
        "placed",
        "shipped",
        "cancelled",
        "country_name",
        "delivery",
        "delivery_cost",
        "items_total",
        "order_total",
        "payment",
        "payment_state",
    )

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Order._meta.fields] + ["number", "created_at", *self.shown_fields]

    def has_add_permission(self, request) -> bool:
        return False

    def shows_button(self, request, order: Order, button: ObjectButton) -> bool:
        return order.status == Status.PLACED and self.has_change_permission(request, order)

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
        # Nothing on the form is editable: shipping and cancelling are the buttons at the top.
        context.update(show_save=False, show_save_and_continue=False)
        return super().render_change_form(request, context, *args, **kwargs)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="customer")
    def customer(self, order: Order) -> str:
        return order.user.username if order.user else f"{order.full_name} (guest)"

    @admin.display(description="total", ordering="total")
    def order_total(self, order: Order) -> str:
        return money(order.total)

    @admin.display(description="items")
    def items_total(self, order: Order) -> str:
        return money(order.subtotal)

    @admin.display(description="delivery price")
    def delivery_cost(self, order: Order) -> str:
        return money(order.delivery_price)

    @admin.display(description="placed")
    def placed(self, order: Order) -> str:
        return moment(order.created_at)

    @admin.display(description="shipped")
    def shipped(self, order: Order) -> str:
        return moment(order.shipped_at)

    @admin.display(description="cancelled")
    def cancelled(self, order: Order) -> str:
        return moment(order.cancelled_at)

    @admin.display(description="country")
    def country_name(self, order: Order) -> str:
        return country_name(order.country)

    @admin.display(description="delivery method")
    def delivery(self, order: Order) -> str:
        method = delivery.METHODS.get(order.delivery_method)
        return method.name if method else words(order.delivery_method)

    @admin.display(description="payment method")
    def payment(self, order: Order) -> str:
        method = payment.METHODS.get(order.payment_method)
        return method.label if method else words(order.payment_method)

    @admin.display(description="payment status")
    def payment_state(self, order: Order) -> str:
        return words(order.payment_status)

    def ship_view(self, request: HttpRequest, object_id: str) -> HttpResponseRedirect:
        return self.change_one(request, object_id, fulfilment.ship, "shipped")

    def cancel_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """GET asks (what cancelling does to this order), POST cancels."""
        if request.method == "POST":
            return self.change_one(request, object_id, fulfilment.cancel, "cancelled")
        order = self.order_to_change(request, object_id)
        if order.status != Status.PLACED:
            refusal = f"Order {order.number} is {order.status}: it cannot be cancelled."
            self.message_user(request, refusal, messages.WARNING)
            return self.back_to(order)
        lines = list(order.lines.select_related("product"))
        return self.confirmation(
            request,
            order,
            "admin/orders/order/cancel_confirmation.html",
            title=f"Cancel order {order.number}?",
            lines=[(line, money(line.line_total)) for line in lines],
            total=money(order.total),
            payment=f"{self.payment(order)}, {self.payment_state(order).lower()}",
            yes="Yes, cancel the order",
            no="No, keep it",
        )

    def change_one(self, request, object_id, change, done: str) -> HttpResponseRedirect:
        order = self.order_to_change(request, object_id)
        self.apply(request, [order], change, done)
        return self.back_to(order)

    def order_to_change(self, request: HttpRequest, object_id: str) -> Order:
        if not self.has_change_permission(request):
            raise PermissionDenied
        return self.object_or_404(request, object_id, "No such order.")

    def back_to(self, order: Order) -> HttpResponseRedirect:
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
