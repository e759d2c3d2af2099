"""Changes to the cart, each mirrored to the signed-in user's saved cart. Concurrent changes
on one session all count because shop.sessions.middleware runs them one at a time."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest

from cart import session_cart
from cart.models import SavedCart
from cart.session_cart import Entries, Entry
from shop.catalog.limits import MAX_QUANTITY_PER_LINE
from shop.catalog.models import Product
from shop.sessions import room

TOO_LARGE_FOR_COOKIE = (
    "Your cart is full: this shop keeps your session in a browser cookie, which holds "
    "at most 4 KB. Remove a line or sign in on a server-side session to add more."
)
EMPTIED_ELSEWHERE = "Your cart is empty: you placed an order from another device."


class CartError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


# Which lines a change touched; None means the whole cart (it was cleared).
Touched = set[int] | None


def add_item(*, request: HttpRequest, product: Product, quantity: int) -> None:
    def change(entries: Entries) -> None:
        in_cart = entries[product.id].quantity if product.id in entries else 0
        check_stock(product, in_cart + quantity, in_cart=in_cart)
        entries[product.id] = Entry(in_cart + quantity, product.price)

    change_cart(request, change, touched={product.id})


def set_quantity(*, request: HttpRequest, product: Product, quantity: int) -> None:
    """Set a line's quantity; 0 removes it."""
    if quantity == 0:
        return remove_item(request=request, product_id=product.id)

    def change(entries: Entries) -> None:
        require_line(entries, product.id)
        check_stock(product, quantity)
        # The shopper chose the quantity on the cart page, which shows today's price.
        entries[product.id] = Entry(quantity, product.price)

    change_cart(request, change, touched={product.id})


def remove_item(*, request: HttpRequest, product_id: int) -> None:
    def change(entries: Entries) -> None:
        require_line(entries, product_id)
        del entries[product_id]

    change_cart(request, change, touched={product_id})


def clear_cart(*, request: HttpRequest) -> None:
    change_cart(request, lambda entries: entries.clear(), touched=None)


def check_stock(product: Product, quantity: int, in_cart: int = 0) -> None:
    if not product.is_available:
        raise CartError(f"{product.name} is not available at the moment.")
    if quantity > product.max_quantity:
        left = product.max_quantity - in_cart
        have = f" You already have {in_cart} in your cart." if in_cart else ""
        if product.limited_per_order:
            have += f" One order can take at most {product.max_quantity}."
        if left <= 0:
            raise CartError(f"You cannot add more {product.name}.{have}")
        raise CartError(f"You can add at most {left} more {product.name}.{have}")


def require_line(entries: Entries, product_id: int) -> Entry:
    if product_id not in entries:
        raise CartError("That product is not in your cart.", status=404)
    return entries[product_id]


def change_cart(request: HttpRequest, change: Callable[[Entries], None], touched: Touched) -> None:
    """Apply `change` to the session's cart, refusing what the session cannot store."""
    session = request.session
    entries = current_entries(request)
    before = dict(entries)
    change(entries)
    if not fits(session, entries, request.user) and grew(before, entries):
        session_cart.write(session, before)
        raise CartError(TOO_LARGE_FOR_COOKIE)
    if request.user.is_authenticated:
        mirror_to_saved_cart(request.user, entries, touched)


def current_entries(request: HttpRequest) -> Entries:
    """The session's cart, unless an order placed on another device has emptied it since."""
    session = request.session
    entries = session_cart.read(session)
    if entries and request.user.is_authenticated:
        if session_cart.generation(session) < request.user.cart_generation:
            session_cart.write(session, {})
            messages.info(request, EMPTIED_ELSEWHERE, fail_silently=True)
            return {}
    return entries


def grew(before: Entries, after: Entries) -> bool:
    """Whether a change makes the cart take more room (making it smaller is never refused)."""
    stored = session_cart.serialize_entries
    return len(repr(stored(after))) > len(repr(stored(before)))


def fits(session: SessionBase, entries: Entries, user) -> bool:
    """Write the entries and say whether the session can still be stored, with room left
    for what later steps declared they need (the checkout: shop.sessions.room)."""
    session_cart.write(session, entries)
    if user.is_authenticated:
        session_cart.stamp_generation(session, user.cart_generation)
    return session.has_room(reserve=room.room_kept(session))


def mirror_to_saved_cart(user, entries: Entries, touched: Touched) -> None:
    """Apply the same change to the saved cart, keeping lines this device has not seen."""
    # No savepoint inside the request's transaction (db engines): it would cost two round trips.
    with transaction.atomic(savepoint=False):
        saved, _ = SavedCart.objects.select_for_update().get_or_create(user=user)
        lines = session_cart.parse_entries(saved.lines)
        for product_id in list(lines) if touched is None else touched:
            lines.pop(product_id, None)
        lines.update({pid: entries[pid] for pid in touched or () if pid in entries})
        saved.lines = session_cart.serialize_entries(lines)
        saved.save(update_fields=["lines", "updated_at"])


def empty_everywhere(*, user) -> None:
    """An order took this user's cart: empty the saved copy, and move the generation on so
    every device's session cart of an earlier one is emptied at its next request."""
    SavedCart.objects.filter(user=user).update(lines={})
    get_user_model().objects.filter(pk=user.pk).update(cart_generation=F("cart_generation") + 1)
    user.refresh_from_db(fields=["cart_generation"])


def merge_saved_cart(*, request: HttpRequest, user) -> None:
    """At sign-in: add the user's saved cart to this session's cart, never losing a line."""
    saved, _ = SavedCart.objects.get_or_create(user=user)
    saved_entries = session_cart.parse_entries(saved.lines)
    session = request.session
    entries = current_entries(request)  # not a cart an order elsewhere has emptied
    added = left_out = 0
    for product_id, line in saved_entries.items():
        mine = entries.get(product_id)
        had = mine.quantity if mine else 0
        merged = Entry(
            min(had + line.quantity, MAX_QUANTITY_PER_LINE),
            mine.added_price if mine else line.added_price,
        )
        if fits(session, {**entries, product_id: merged}, user):
            entries[product_id] = merged
            added += merged.quantity - had
        else:
            left_out += 1
    session_cart.write(session, entries)
    session_cart.stamp_generation(session, user.cart_generation)
    saved.lines = session_cart.serialize_entries({**saved_entries, **entries})
    saved.save(update_fields=["lines", "updated_at"])
    tell_what_merged(request, added, left_out)


def tell_what_merged(request: HttpRequest, added: int, left_out: int) -> None:
    if added:
        noun = "item" if added == 1 else "items"
        messages.info(request, f"We added {added} {noun} from your saved cart.", fail_silently=True)
    if left_out:
        messages.warning(
            request,
            f"{left_out} saved line(s) did not fit in this session's cookie; they stay saved.",
            fail_silently=True,
        )


@dataclass
class CartLine:
    product: Product
    quantity: int
    added_price: Decimal

    @property
    def unit_price(self) -> Decimal:
        return self.product.price

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def price_changed(self) -> bool:
        return self.added_price != self.unit_price

    @property
    def price_went_up(self) -> bool:
        return self.unit_price > self.added_price


@dataclass
class CartView:
    lines: list[CartLine]

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def total(self) -> Decimal:
        return sum((line.line_total for line in self.lines), Decimal("0.00"))


def view_cart(request: HttpRequest) -> CartView:
    """The cart against today's catalog: unavailable lines removed, quantities capped to
    stock, each change told to the shopper; price changes are shown, not applied silently."""
    entries = current_entries(request)
    products = Product.objects.in_bulk(entries.keys())
    lines, notices = [], []
    for product_id, entry in entries.items():
        product = products.get(product_id)
        if product is None or not product.is_available:
            notices.append(unavailable_notice(product))
            continue
        quantity = min(entry.quantity, product.max_quantity)
        if quantity < entry.quantity:
            notices.append(lowered_notice(product, quantity))
        lines.append(CartLine(product, quantity, entry.added_price))
    if notices:
        keep = {line.product.id: Entry(line.quantity, line.added_price) for line in lines}
        change_cart(request, lambda current: replace(current, keep), touched=set(entries))
        for notice in notices:
            messages.warning(request, notice, fail_silently=True)
    return CartView(lines)


def lowered_notice(product: Product, quantity: int) -> str:
    if product.limited_per_order:
        return f"One order can take at most {quantity} of {product.name}: we lowered your quantity."
    return f"Only {quantity} of {product.name} left: we lowered your quantity."


def unavailable_notice(product: Product | None) -> str:
    if product is not None and product.active:
        return f"{product.name} has sold out and was removed from your cart."
    name = product.name if product else "A product"
    return f"{name} is no longer available and was removed from your cart."


def replace(current: Entries, entries: Entries) -> None:
    current.clear()
    current.update(entries)
