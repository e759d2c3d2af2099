import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
application = get_wsgi_application()

if settings.SESSION_BACKEND == "memory":
    from shop.sessions import memory

    memory.start_serving()  # one process per instance, and a hand-over at a graceful stop
