"""The shared HTTP cache in front of the web machines (Varnish; deploy/varnish/default.vcl).

Anonymous public pages say how long a shared cache may keep them (`s-maxage`, up to the page
cache's own expiry: the next change by the clock) and which page-cache scopes they were made
under, in a `Surrogate-Key` header ("site dates event:<translation key>…"; see
ibasho/page_cache.py). Whenever the page cache starts new generations for some scopes, the same
scopes are banned in every front cache of `IBASHO_FRONT_CACHE_URLS`: one `BAN` request naming
them, which the VCL turns into a ban on that header. So a cancelled date drops its event's
pages, its space's, the listings, the feeds and the home page, in both languages and with every
query string, and nothing else, exactly as in the page cache.

Why a tag header rather than URLs: a change's pages cannot be listed by URL (filters, sub-URLs,
feeds with any query), and a ban on `obj.http.Surrogate-Key` needs only stock Varnish (xkey is a
vmod Debian does not ship with it). Bans are sent by a Celery task after the commit, retried a
few times; if a front cache stays unreachable the pages it holds expire by their `s-maxage`,
which is never longer than `IBASHO_PAGE_CACHE_SECONDS`.
"""

import logging
from urllib.request import Request, urlopen

from django.conf import settings
from wagtail.contrib.frontend_cache.backends import HTTPBackend
from wagtail.contrib.frontend_cache.utils import get_backends

# The response header that tags a page with its scopes (Fastly's name; Varnish bans on it).
SCOPES_HEADER = "Surrogate-Key"
# The request header of a BAN: the scopes whose pages to drop, separated by spaces.
BAN_HEADER = "X-Ibasho-Ban"

logger = logging.getLogger(__name__)


class VarnishBackend(HTTPBackend):
    """Wagtail's HTTP backend (PURGE of one URL), which can also ban every page tagged with
    one of some scopes."""

    def ban(self, scopes):
        """Raise OSError (URLError, HTTPError, a timeout) when the cache did not confirm."""
        request = Request(  # noqa: S310 - the scheme is the configured location's
            f"{self.cache_scheme}://{self.cache_netloc}/",
            method="BAN",
            headers={BAN_HEADER: " ".join(sorted(scopes))},
        )
        with urlopen(request, timeout=settings.IBASHO_FRONT_CACHE_TIMEOUT):  # noqa: S310
            pass


def front_caches(locations=None):
    """{location: backend} for the configured front caches (or those of `locations`)."""
    locations = settings.IBASHO_FRONT_CACHE_URLS if locations is None else locations
    return get_backends(
        {
            location: {"BACKEND": "ibasho.front_cache.VarnishBackend", "LOCATION": location}
            for location in locations
        }
    )


def ban(scopes, locations=None):
    """Ban the pages of these scopes in each front cache: {location: error} for those that
    failed."""
    failed = {}
    for location, backend in front_caches(locations).items():
        try:
            backend.ban(scopes)
        except OSError as error:  # URLError, HTTPError, a timeout
            failed[location] = error
    return failed


def error_name(error):
    reason = getattr(error, "code", None) or getattr(error, "reason", None)
    return f"{type(error).__name__} {reason}" if reason else type(error).__name__
