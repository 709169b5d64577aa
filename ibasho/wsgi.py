"""WSGI entry point: `gunicorn ibasho.wsgi`. Stored pages are answered before Django's handler
(ibasho.page_cache.CachedPages); everything else goes to Django."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ibasho.settings.production")

django_application = get_wsgi_application()

from ibasho.page_cache import CachedPages  # noqa: E402  (needs the app registry ready)

application = CachedPages(django_application)
