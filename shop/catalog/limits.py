"""The most units one cart line can hold whatever the settings: a stored cart is read up to
it (cart/session_cart.py), and ORDER_MAX_PER_LINE may not exceed it. Free of Django, so the
settings can read it."""

MAX_QUANTITY_PER_LINE = 99
