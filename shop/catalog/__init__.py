"""The catalog (app label `catalog`): categories, products and the storefront's pages;
`browsing.py` owns the browsing cookies (sort, recently viewed), which need no session;
`seed_catalog` makes the demo catalog with generated images.
"""
