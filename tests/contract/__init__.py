"""Django's own session tests, run against the shop's session stores."""
