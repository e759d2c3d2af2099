"""Session stores: thin subclasses of Django's engines, one module per engine.

Each module exports `SessionStore`, as Django's SESSION_ENGINE contract asks.
"""
