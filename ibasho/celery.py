"""The Celery app, set up as the Celery–Django guide describes."""

import logging
import logging.config
import os

from celery import Celery
from celery.signals import setup_logging

# Production by default, so a worker started without the variable fails loudly rather than
# quietly using the development database; `make run` sets the development settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ibasho.settings.production")

app = Celery("ibasho")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_the_sites_logging(loglevel=None, **kwargs):
    """The worker and beat log through the site's handlers and filters (no private link in a
    log, one line a minute for an outage) instead of Celery's own, which would bypass them;
    `--loglevel` still sets how much is said."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)
