"""ASGI entry point, for servers that want it (server-sent events later)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialops.settings")
application = get_asgi_application()
