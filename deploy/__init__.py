"""Running many instances: nginx and gunicorn configuration, the page nginx shows when no
instance answers, and `fleet.py`, which runs the whole layout on one machine."""
