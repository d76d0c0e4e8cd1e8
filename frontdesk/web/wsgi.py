"""WSGI entry point (waitress, gunicorn, mod_wsgi). Set ``FRONTDESK_WORKSPACE`` first."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdesk.web.settings")

application = get_wsgi_application()
