from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cart import services
from cart.forms import AddToCartForm, UpdateQuantityForm
from cart.services import CartError
from cart.telling import ADDED_TAG, UNDO_TAG, reconciled, tell
from shop.catalog.models import Product
from shop.catalog.views import product_page_context
from shop.http import error_response, form_view, get_only, post_only, redirect_back, wants_json

NO_LINE_CHOSEN = "Choose a line of your cart: this form did not say which."


def cart_url() -> str:
    return reverse("cart:detail")


def shopper(request: HttpRequest) -> dict:
    """Whose cart a request changes: the services' plain arguments."""
    return {"session": request.session, "user": request.user}


@form_view
def cart_detail(request: HttpRequest) -> HttpResponse:
    """The cart page; its quantity forms post here, so a refused quantity is shown beside
    its field at /cart/ itself (with its 400), not at the update's address."""
    if request.method != "POST":
        return render_cart(request)
    product_id = posted_product_id(request)
    if product_id is None:
        return error_response(request, NO_LINE_CHOSEN, 400)
    return change_quantity(request, product_id)


def posted_product_id(request: HttpRequest) -> int | None:
    """The `product` field of the cart page's forms (a product id), or None."""
    value = request.POST.get("product", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


@get_only
def empty_confirmation(request: HttpRequest) -> HttpResponse:
    """Asks before emptying, listing what would go; its form posts to the clear address."""
    cart = reconciled(request)
    if not cart.lines:
        return redirect(cart_url())
    return render(request, "cart/empty.html", {"cart": cart})


@get_only
def cart_summary(request: HttpRequest) -> JsonResponse:
    return JsonResponse(summary(reconciled(request)))


@post_only
def add(request: HttpRequest, product_id: int) -> HttpResponse:
    product = get_object_or_404(Product.objects.active(), pk=product_id)
    form = AddToCartForm(request.POST, product=product)
    if form.is_valid():
        quantity = form.cleaned_data["quantity"]
        try:
            tell(request, services.add_item(**shopper(request), product=product, quantity=quantity))
        except CartError as error:
            form.add_error("quantity", error.message)
        else:
            added = f"Added {quantity} × {product.name} to your cart."
            return done(request, added, extra_tags=ADDED_TAG)
    if wants_json(request):
        return form_errors_json(form)
    context = product_page_context(request, product, form)
    return render(request, "catalog/product_detail.html", context, status=400)


@post_only
def update(request: HttpRequest, product_id: int) -> HttpResponse:
    return change_quantity(request, product_id)


def change_quantity(request: HttpRequest, product_id: int) -> HttpResponse:
    product = get_object_or_404(Product, pk=product_id)
    form = UpdateQuantityForm(request.POST)
    if form.is_valid():
        quantity = form.cleaned_data["quantity"]
        if quantity == 0:
            return remove_line(request, product.id, product)
        try:
            notices = services.set_quantity(**shopper(request), product=product, quantity=quantity)
        except CartError as error:
            if error.status != 400:
                return error_response(request, error.message, error.status)
            form.add_error("quantity", error.message)
        else:
            tell(request, notices)
            return done(request, f"{product.name}: quantity set to {quantity}.")
    if wants_json(request):
        return form_errors_json(form)
    return render_cart(request, invalid_forms={product.id: form}, status=400)


@post_only
def remove(request: HttpRequest, product_id: int) -> HttpResponse:
    return remove_line(request, product_id)


def remove_line(request: HttpRequest, product_id: int, product: Product | None = None):
    """Remove a line and name it in the message, which offers to undo it."""
    line = services.line_in_cart(**shopper(request), product_id=product_id)
    try:
        tell(request, services.remove_item(**shopper(request), product_id=product_id))
    except CartError as error:
        return error_response(request, error.message, error.status)
    product = product or Product.objects.filter(pk=product_id).first()
    what = f"{line.quantity} × {product.name}" if product else "the line"
    return done(request, f"Removed {what} from your cart.", extra_tags=UNDO_TAG)


@post_only
def undo(request: HttpRequest) -> HttpResponse:
    """The Undo button of a removal's message: the line back as it was, stock permitting."""
    product_id = posted_product_id(request)
    if product_id is None:
        return error_response(request, NO_LINE_CHOSEN, 400)
    try:
        restored = services.undo_removal(**shopper(request), product_id=product_id)
    except CartError as error:
        if wants_json(request):
            return JsonResponse({"error": error.message}, status=error.status)
        messages.error(request, error.message)
        return redirect(cart_url())
    tell(request, restored.notices)
    return done(request, f"Put back {restored.quantity} × {restored.product.name} in your cart.")


@post_only
def clear(request: HttpRequest) -> HttpResponse:
    tell(request, services.clear_cart(**shopper(request)))
    return done(request, "Your cart is empty.")


def done(request: HttpRequest, message: str, extra_tags: str = "") -> HttpResponse:
    """After a change: the new summary as JSON, or a message and a redirect back."""
    if wants_json(request):
        return JsonResponse(summary(reconciled(request)))
    messages.success(request, message, extra_tags=extra_tags)
    return redirect_back(request, fallback=cart_url())


def form_errors_json(form) -> JsonResponse:
    errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
    first = next(iter(errors.values()))[0]
    return JsonResponse({"error": first, "errors": errors}, status=400)


def render_cart(
    request: HttpRequest, invalid_forms: dict | None = None, status: int = 200
) -> HttpResponse:
    cart = reconciled(request)
    invalid_forms = invalid_forms or {}
    rows = [
        (line, invalid_forms.get(line.product.id) or quantity_form(line)) for line in cart.lines
    ]
    return render(request, "cart/cart.html", {"cart": cart, "rows": rows}, status=status)


def quantity_form(line: services.CartLine) -> UpdateQuantityForm:
    return UpdateQuantityForm(initial={"quantity": line.quantity})


def summary(cart: services.CartView) -> dict:
    """The contract's JSON: prices as strings with two decimals."""
    return {
        "count": cart.count,
        "total": f"{cart.total:.2f}",
        "lines": [
            {
                "product_id": line.product.id,
                "name": line.product.name,
                "quantity": line.quantity,
                "unit_price": f"{line.unit_price:.2f}",
                "line_total": f"{line.line_total:.2f}",
            }
            for line in cart.lines
        ],
    }
