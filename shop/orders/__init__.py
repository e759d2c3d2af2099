"""Checkout and orders (app label `orders`): `checkout.py` owns the workflow's session keys,
`quotes.py` prices the cart, `placing.py` is the one transaction that places an order,
`payment.py` and `fulfilment.py` the interfaces around it, `admin.py` the orders admin.
"""
