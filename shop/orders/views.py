from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cart import session_cart
from cart.services import CartView, current_entries
from cart.telling import reconciled
from shop import rate_limits
from shop.http import error_response, form_view, get_only, post_only
from shop.orders import checkout, placing
from shop.orders.delivery import METHODS
from shop.orders.forms import AddressForm, DeliveryForm, PlaceOrderForm, SavedAddressForm
from shop.orders.models import Order, SavedAddress
from shop.orders.payment import PAYMENT
from shop.orders.quotes import Quote, quote
from shop.sessions import room

STEP_MESSAGES = {
    "address": "Tell us where to deliver your order first.",
    "delivery": "Choose a delivery option first.",
}
TOO_LARGE_FOR_COOKIE = (
    "This address does not fit in the session cookie beside your cart. Shorten it, or "
    "remove a line from your cart."
)


RATE_LIMITED = "Too many orders from your address. Please wait a while, then try again."


def place_rate(group: str, request: HttpRequest) -> str:
    """Read per request, so an overridden setting applies at once."""
    return settings.ORDER_PLACE_RATE


STEP_LABELS = (("address", "Address"), ("delivery", "Delivery"), ("review", "Review"))


def step_url(step: str) -> str:
    return reverse(f"orders:{step}")


def blocked(request: HttpRequest, step: str) -> HttpResponse | None:
    """Where to go instead of `step`: the cart when it is empty, else the first step not done."""
    if not current_entries(request.session, request.user):
        messages.info(request, "Your cart is empty: add something before checking out.")
        return redirect("cart:detail")
    progress = checkout.read(request.session)
    if not progress.reached(step):
        messages.info(request, STEP_MESSAGES[progress.next_step])
        return redirect(step_url(progress.next_step))
    if step != "address" and not order_email(request, progress):
        messages.info(request, "Enter your email address first.")  # signed out since
        return redirect(step_url("address"))
    return None


def account_email(request: HttpRequest) -> str:
    return request.user.email if request.user.is_authenticated else ""


def order_email(request: HttpRequest, progress: checkout.Progress) -> str:
    return progress.address["email"] or account_email(request)


@get_only
def start(request: HttpRequest) -> HttpResponse:
    """The first step not done yet (no message: nothing was skipped)."""
    if not current_entries(request.session, request.user):
        return blocked(request, "address")
    return redirect(step_url(checkout.read(request.session).next_step))


@form_view
def address(request: HttpRequest) -> HttpResponse:
    if elsewhere := blocked(request, "address"):
        return elsewhere
    needs_email = not account_email(request)
    if request.method == "GET":
        initial = checkout.read(request.session).address
        return render_address(request, AddressForm(initial=initial, needs_email=needs_email))
    if "saved_address" in request.POST and not needs_email:
        chosen = SavedAddressForm(request.POST, user=request.user)
        if chosen.is_valid() and keep_address(request, chosen):
            return redirect(step_url("delivery"))
        form = AddressForm(needs_email=needs_email)
        return render_address(request, form, chosen=chosen, status=400)
    form = AddressForm(request.POST, needs_email=needs_email)
    if form.is_valid() and keep_address(request, form):
        return redirect(step_url("delivery"))
    return render_address(request, form, status=400)


def render_address(request, form: AddressForm, chosen=None, status: int = 200) -> HttpResponse:
    context = {"form": form, "chosen": chosen, "saved": saved_addresses(request)}
    return render_step(request, "address", context, status)


def render_step(request: HttpRequest, step: str, context: dict, status: int) -> HttpResponse:
    """A checkout page: its step among the others, and the order so far beside it."""
    progress = checkout.read(request.session)
    cart = reconciled(request) if step != "review" else CartView([])  # review prices its own
    lines, subtotal = cart.lines, cart.total
    delivery = METHODS.get(progress.delivery or "")
    context |= {
        "step": step,
        "steps": STEP_LABELS,
        "reachable": [name for name in checkout.STEPS if progress.reached(name)],
        "lines": lines,
        "subtotal": subtotal,
        "delivery": delivery,
        "total": subtotal + delivery.price if delivery else None,
    }
    return render(request, f"orders/{step}.html", context, status=status)


def keep_address(request: HttpRequest, form) -> bool:
    """Store the address in the session, unless the session cannot hold it."""
    session = request.session
    write = partial(checkout.save_address, session, form.address())
    if room.write_if_room(session, write, keys=[checkout.CHECKOUT_KEY]):
        return True
    form.add_error(None, TOO_LARGE_FOR_COOKIE)
    return False


def saved_addresses(request: HttpRequest) -> list[SavedAddress]:
    if not account_email(request):
        return []  # the full form, which asks for an email too
    return list(SavedAddress.objects.filter(user=request.user)[:5])


@form_view
def delivery(request: HttpRequest) -> HttpResponse:
    if elsewhere := blocked(request, "delivery"):
        return elsewhere
    progress = checkout.read(request.session)
    form = DeliveryForm(initial={"method": progress.delivery or "standard"})
    if request.method == "POST":
        form = DeliveryForm(request.POST)
        if form.is_valid():
            checkout.save_delivery(request.session, form.cleaned_data["method"])
            return redirect(step_url("review"))
    context = {"form": form, "address": progress.address}
    return render_step(request, "delivery", context, status=400 if form.is_bound else 200)


@get_only
def review(request: HttpRequest) -> HttpResponse:
    if elsewhere := blocked(request, "review"):
        return elsewhere
    progress = checkout.read(request.session)
    current = quote(reconciled(request), progress)
    if not current.lines:
        return redirect("cart:detail")  # all sold out: reconciling said so
    return render_review(request, current, PlaceOrderForm(quote=current, token=progress.token))


def render_review(request, current: Quote, form: PlaceOrderForm, status: int = 200):
    context = {
        "quote": current,
        "form": form,
        "payment": PAYMENT,
        "email": current.address["email"] or account_email(request),
    }
    return render_step(request, "review", context, status)


@post_only
def place(request: HttpRequest) -> HttpResponse:
    progress = checkout.read(request.session)
    if earlier := placed_before(request, progress):
        if earlier.checkout_token != progress.token:  # an old page sent again: just show it
            return HttpResponseRedirect(earlier.get_absolute_url(), status=303)
        return finished(request, earlier)
    # Only a real attempt counts (a cart, a valid review): see shop/rate_limits.py.
    if rate_limits.reached(request, "place-order", place_rate):
        return error_response(request, RATE_LIMITED, 429)
    if elsewhere := blocked(request, "review"):
        return elsewhere
    current = quote(reconciled(request), progress)
    if not current.lines:
        return review_again(request, progress, "Nothing in your cart can be ordered now.")
    if current.over_limit:  # the page says why, where the button was
        form = PlaceOrderForm(quote=current, token=progress.token)
        return render_review(request, current, form, status=409)
    form = PlaceOrderForm(request.POST, quote=current, token=progress.token)
    if conflict := form.conflict():
        return review_again(request, progress, conflict)
    if not form.is_valid():
        return render_review(request, current, form, status=400)
    rate_limits.count(request, "place-order", place_rate)
    email = order_email(request, progress)
    try:
        order = placing.place_order(
            quote=current, token=progress.token, user=request.user, email=email
        )
    except placing.AlreadyPlaced as already:
        order = already.order
    except placing.NotPlaced as refusal:
        return review_again(request, progress, refusal.message)
    messages.success(request, f"Thank you! Your order {order.number} is placed.")
    return finished(request, order)


def placed_before(request: HttpRequest, progress: checkout.Progress) -> Order | None:
    """The order this page's checkout already became (a second or third click), if this
    visitor may see it."""
    token = request.POST.get("token", "")
    if not checkout.valid_token(token):
        return None
    order = Order.objects.filter(checkout_token=token).first()
    if order is None:
        return None
    own_checkout = token == progress.token and order.user_id in (None, request.user.pk)
    return order if own_checkout or may_see(request, order) else None


def finished(request: HttpRequest, order: Order) -> HttpResponseRedirect:
    """End the checkout in this session and show the order."""
    checkout.finish(request.session, order.number)
    session_cart.write(request.session, {})
    return HttpResponseRedirect(order.get_absolute_url(), status=303)


def review_again(request: HttpRequest, progress: checkout.Progress, message: str):
    """409: the order cannot be placed as shown; show it as it stands now (perhaps with
    nothing left to order), and why."""
    messages.warning(request, message)
    current = quote(reconciled(request), progress)
    form = PlaceOrderForm(quote=current, token=progress.token)
    return render_review(request, current, form, status=409)


def may_see(request: HttpRequest, order: Order) -> bool:
    """Its owner, or the session it was placed in (a guest's only way back to it)."""
    if request.user.is_authenticated and order.user_id == request.user.pk:
        return True
    return checkout.placed_here(request.session, order.number)


@get_only
def order_list(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        orders = Order.objects.filter(user=request.user)
    else:
        orders = Order.objects.filter(number__in=checkout.read_orders(request.session))
    orders = orders.annotate(items=Sum("lines__quantity")).order_by("-created_at")
    page = Paginator(orders, 20).get_page(request.GET.get("page"))
    return render(request, "orders/list.html", {"page": page, "orders": page.object_list})


@get_only
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = get_object_or_404(Order.objects.prefetch_related("lines"), number=number)
    if not may_see(request, order):
        raise Http404("No such order.")
    context = {
        "order": order,
        "delivery": METHODS.get(order.delivery_method),
        "payment_note": PAYMENT.describe(order),
    }
    return render(request, "orders/detail.html", context)
