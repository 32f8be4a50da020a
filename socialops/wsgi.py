"""WSGI entry point (waitress in `socialops serve`, or any WSGI server)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialops.settings")
application = get_wsgi_application()
