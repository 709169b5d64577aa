"""WSGI entry point: `gunicorn ibasho.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ibasho.settings.production")

application = get_wsgi_application()
