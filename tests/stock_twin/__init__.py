"""The stock twin's session stores: Django's own, keyed by the raw key, with no lock, given
only what the shop's code asks of any store (ShopStoreMixin), so the same code runs on them.
Benchmarks and round-trip tests compare the shop against them."""
