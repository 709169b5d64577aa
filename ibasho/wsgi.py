"""WSGI entry point: `gunicorn ibasho.wsgi`. Stored pages are answered before Django's handler
(ibasho.page_cache.CachedPages); everything else goes to Django."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ibasho.settings.production")

django_application = get_wsgi_application()

from ibasho.page_cache import CachedPages  # noqa: E402  (needs the app registry ready)

application = CachedPages(django_application)

# Everything loaded so far lives as long as the process: the garbage collector need not walk
# it again on every full collection (nor touch memory a forked worker shares).
gc.freeze()
