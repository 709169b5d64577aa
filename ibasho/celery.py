"""The Celery app, set up as the Celery–Django guide describes."""

import os

from celery import Celery

# Production by default, so a worker started without the variable fails loudly rather than
# quietly using the development database; `make run` sets the development settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ibasho.settings.production")

app = Celery("ibasho")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
