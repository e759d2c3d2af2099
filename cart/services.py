"""Changes to the cart, each mirrored to the signed-in user's saved cart. Concurrent changes
on one session all count because shop.sessions.middleware runs them one at a time.

Services take the session and the user and return what the shopper should be told
(`Notice`s); the views tell them (cart.telling). Nothing here knows of requests or messages."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import F

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
NOTHING_TO_UNDO = "There is nothing to undo: your cart has changed since."


class CartError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


# Which lines a change touched; None means the whole cart (it was cleared).
Touched = set[int] | None


@dataclass(frozen=True)
class Notice:
    """Something the shopper should be told about their cart, which they did not ask for."""

    text: str
    warning: bool = False


Notices = list[Notice]


def add_item(*, session: SessionBase, user, product: Product, quantity: int) -> Notices:
    def change(entries: Entries) -> None:
        in_cart = entries[product.id].quantity if product.id in entries else 0
        check_stock(product, in_cart + quantity, in_cart=in_cart)
        entries[product.id] = Entry(in_cart + quantity, product.price)

    return change_cart(session, user, change, touched={product.id})


def set_quantity(*, session: SessionBase, user, product: Product, quantity: int) -> Notices:
    """Set a line's quantity; 0 removes it."""
    if quantity == 0:
        return remove_item(session=session, user=user, product_id=product.id)

    def change(entries: Entries) -> None:
        require_line(entries, product.id)
        check_stock(product, quantity)
        # The shopper chose the quantity on the cart page, which shows today's price.
        entries[product.id] = Entry(quantity, product.price)

    return change_cart(session, user, change, touched={product.id})


def remove_item(*, session: SessionBase, user, product_id: int) -> Notices:
    """Remove a line, remembering it so that the shopper can put it back (undo_removal)."""
    removed: Entries = {}

    def change(entries: Entries) -> None:
        removed[product_id] = require_line(entries, product_id)
        del entries[product_id]

    notices = change_cart(session, user, change, touched={product_id})
    remember_removed(session, product_id, removed[product_id])
    return notices


def remember_removed(session: SessionBase, product_id: int, entry: Entry) -> None:
    """Keep the removed line for an undo, unless a cookie session has no room left for it."""
    room.write_if_room(
        session,
        lambda: session_cart.remember_removed(session, product_id, entry),
        keys=[session_cart.UNDO_KEY],
        reserve=room.room_kept(session),
    )


def line_in_cart(*, session: SessionBase, user, product_id: int) -> Entry | None:
    return current_entries(session, user).get(product_id)


@dataclass(frozen=True)
class Restored:
    product: Product
    quantity: int
    notices: Notices


def undo_removal(*, session: SessionBase, user, product_id: int) -> Restored:
    """Put back the line the last change removed, as it was, within today's stock."""
    removed = session_cart.removed_line(session)
    if removed is None or removed[0] != product_id:
        raise CartError(NOTHING_TO_UNDO, status=409)
    session_cart.forget_removed(session)  # one try: a refused undo is not offered again
    entry = removed[1]
    product = Product.objects.filter(pk=product_id).first()
    if product is None or not product.is_available:
        raise CartError(cannot_put_back(product), status=409)
    quantity = min(entry.quantity, product.max_quantity)

    def change(entries: Entries) -> None:
        if product_id in entries:
            raise CartError(f"{product.name} is already in your cart.", status=409)
        entries[product_id] = Entry(quantity, entry.added_price)  # as it was, price included

    notices = change_cart(session, user, change, touched={product_id})
    if quantity < entry.quantity:
        notices.append(Notice(lowered_notice(product, quantity), warning=True))
    return Restored(product, quantity, notices)


def cannot_put_back(product: Product | None) -> str:
    if product is not None and product.active:
        return f"{product.name} has sold out since: it cannot be put back in your cart."
    name = product.name if product else "That product"
    return f"{name} is no longer available: it cannot be put back in your cart."


def clear_cart(*, session: SessionBase, user) -> Notices:
    return change_cart(session, user, lambda entries: entries.clear(), touched=None)


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


def change_cart(
    session: SessionBase, user, change: Callable[[Entries], None], touched: Touched
) -> Notices:
    """Apply `change` to the session's cart, refusing what the session cannot store."""
    notices = emptied_elsewhere_notices(session, user)
    entries = current_entries(session, user)
    before = dict(entries)
    change(entries)
    if not grew(before, entries):  # a cart made smaller is always kept
        store(session, entries, user)
    elif not stored_if_room(session, entries, user):
        raise CartError(TOO_LARGE_FOR_COOKIE)
    if user.is_authenticated:
        mirror_to_saved_cart(user, entries, touched)
    return notices


def current_entries(session: SessionBase, user) -> Entries:
    """The session's cart, unless an order placed on another device has emptied it since
    (a read: the emptied lines go at the cart's next change or reconciliation)."""
    return {} if emptied_elsewhere(session, user) else session_cart.read(session)


def emptied_elsewhere(session: SessionBase, user) -> bool:
    """Whether this session still holds lines an order on another device has taken."""
    if not session_cart.read(session) or not getattr(user, "is_authenticated", False):
        return False  # checked first: the user is loaded only where there is a cart
    return session_cart.generation(session) < user.cart_generation


def emptied_elsewhere_notices(session: SessionBase, user) -> Notices:
    return [Notice(EMPTIED_ELSEWHERE)] if emptied_elsewhere(session, user) else []


def grew(before: Entries, after: Entries) -> bool:
    """Whether a change makes the cart take more room (making it smaller is never refused)."""
    stored = session_cart.serialize_entries
    return len(repr(stored(after))) > len(repr(stored(before)))


def store(session: SessionBase, entries: Entries, user) -> None:
    session_cart.write(session, entries)
    if user.is_authenticated:
        session_cart.stamp_generation(session, user.cart_generation)


def stored_if_room(session: SessionBase, entries: Entries, user) -> bool:
    """Store the entries if the session can still be stored with room left for what later
    steps declared they need (the checkout: shop.sessions.room); else change nothing."""
    return room.write_if_room(
        session,
        lambda: store(session, entries, user),
        keys=session_cart.KEYS,
        reserve=room.room_kept(session),
    )


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


def merge_saved_cart(*, session: SessionBase, user) -> Notices:
    """At sign-in: add the user's saved cart to this session's cart, never losing a line."""
    saved, _ = SavedCart.objects.get_or_create(user=user)
    saved_entries = session_cart.parse_entries(saved.lines)
    if session_cart.is_a_guests(session):  # put together before sign-in: no order took it
        notices, entries = [], session_cart.read(session)
    else:  # this user's cart from before: not one an order elsewhere has emptied
        notices, entries = emptied_elsewhere_notices(session, user), current_entries(session, user)
    added = left_out = 0
    for product_id, line in saved_entries.items():
        mine = entries.get(product_id)
        had = mine.quantity if mine else 0
        merged = Entry(
            min(had + line.quantity, MAX_QUANTITY_PER_LINE),
            mine.added_price if mine else line.added_price,
        )
        if stored_if_room(session, {**entries, product_id: merged}, user):
            entries[product_id] = merged
            added += merged.quantity - had
        else:
            left_out += 1
    store(session, entries, user)
    saved.lines = session_cart.serialize_entries({**saved_entries, **entries})
    saved.save(update_fields=["lines", "updated_at"])
    return notices + merged_notices(added, left_out)


def merged_notices(added: int, left_out: int) -> Notices:
    notices = []
    if added:
        noun = "item" if added == 1 else "items"
        notices.append(Notice(f"We added {added} {noun} from your saved cart."))
    if left_out:
        text = f"{left_out} saved line(s) did not fit in this session's cookie; they stay saved."
        notices.append(Notice(text, warning=True))
    return notices


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


def reconciled_cart(*, session: SessionBase, user) -> tuple[CartView, Notices]:
    """The cart against today's catalog: unavailable lines removed, quantities capped to
    stock, each change told to the shopper; price changes are shown, not applied silently.

    Reconciling writes (the cart page, its summary and checkout's steps, never other pages):
    a line removed once is told once, and checkout quotes the cart the shopper last saw."""
    notices = emptied_elsewhere_notices(session, user)
    if notices:
        session_cart.write(session, {})  # the order took them; its saved copy is empty already
    entries = current_entries(session, user)
    products = Product.objects.in_bulk(entries.keys())
    lines, changes = [], []
    for product_id, entry in entries.items():
        product = products.get(product_id)
        if product is None or not product.is_available:
            changes.append(Notice(unavailable_notice(product), warning=True))
            continue
        quantity = min(entry.quantity, product.max_quantity)
        if quantity < entry.quantity:
            changes.append(Notice(lowered_notice(product, quantity), warning=True))
        lines.append(CartLine(product, quantity, entry.added_price))
    if changes:
        keep = {line.product.id: Entry(line.quantity, line.added_price) for line in lines}
        change_cart(session, user, lambda current: replace(current, keep), touched=set(entries))
    return CartView(lines), notices + changes


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
