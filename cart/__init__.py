"""The cart, kept in the session on every engine.

`session_cart.py` owns the cart's session keys; `services.py` its rules (plain arguments in,
notices out), mirrored to the signed-in user's `SavedCart` so a cart follows them to other
devices; `telling.py` turns notices into messages; `templatetags/cart_tags.py` offers the
add-to-cart form to any page.
"""
