"""A whole-page cache for anonymous visitors.

Wagtail spends most of a page view routing and finding the site; a person looking for a place
that is open today should not wait for that. Public pages are kept in the shared cache (Redis in
production) keyed by host and full path, which already carries the language and the filters.

Freshness, without breaking the no-cookie rule:
- every entry belongs to a *generation*; any write that can change a public page (publish, a
  date, a live status, a snippet, the site settings) starts a new generation, so old entries
  are never served again;
- an entry never outlives the next moment a page could change by the clock alone: the next
  start or end of a date, the end of a live status, local midnight ("today" moves on);
- only anonymous GETs are served from it, and only responses that set no cookie, do not vary
  on cookies and are not marked private are stored, so a page with a CSRF token or anything
  personal is never shared.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.cache import cc_delim_re

from events.models import Occurrence
from spaces.models import LiveStatus

GENERATION_KEY = "ibasho:pages:generation"
# Paths that are never pages: the admin, sign-in, health, files.
SKIPPED_PREFIXES = ("/admin/", "/accounts/", "/en/accounts/", "/my/", "/en/my/", "/healthz")
SKIPPED_PREFIXES += ("/documents/",)
SKIPPED_PREFIXES += ("/static/", "/media/")
MAX_PATH_LENGTH = 1024  # longer query strings are served, just not stored
# Apps whose rows can show on a public page: a write to any of them invalidates cached pages.
PUBLIC_DATA_APPS = {"ibasho", "spaces", "events", "peers", "wagtailcore", "wagtailimages"}
PUBLIC_DATA_APPS |= {"wagtaildocs", "taggit"}
# Never shown on a public page: image sizes made on first use, a sign-up's private links and
# absence notices (written by visitors, who must not be able to empty the cache at will), and
# the outbox of e-mail waiting to be sent.
NOT_PUBLIC_DATA = {"wagtailimages.rendition", "events.managetoken", "events.absence"}
NOT_PUBLIC_DATA |= {"events.outboxmessage"}


def bump_generation():
    """Invalidate every cached page. Safe to call often; a new random token, so a cache that
    lost the key can never bring old entries back to life."""
    token = secrets.token_hex(8)
    cache.set(GENERATION_KEY, token, timeout=None)
    return token


def invalidate_pages(**kwargs):
    """Signal receiver: drop cached pages once the transaction commits (at once outside one).
    A page rendered from the old data before the commit was stored under the old generation,
    so it is dropped too; and nothing is written to the cache while a row lock is held."""
    transaction.on_commit(bump_generation)


def invalidate_on_write(sender, **kwargs):
    """post_save / post_delete / m2m_changed receiver for every model."""
    meta = sender._meta
    if meta.app_label in PUBLIC_DATA_APPS and meta.label_lower not in NOT_PUBLIC_DATA:
        invalidate_pages()


def next_change(now):
    """The next moment a public page can change by the clock alone."""
    local = timezone.localtime(now)
    midnight = (local + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    moments = [midnight]
    dates = Occurrence.objects.aggregate(
        start=Min("start", filter=Q(start__gt=now)), end=Min("end", filter=Q(end__gt=now))
    )
    statuses = LiveStatus.objects.aggregate(
        start=Min("starts_at", filter=Q(starts_at__gt=now)),
        end=Min("ends_at", filter=Q(ends_at__gt=now)),
    )
    moments += [m for m in (*dates.values(), *statuses.values()) if m is not None]
    return min(moments)


class PageCacheMiddleware:
    """Serve and store anonymous GETs of public pages; see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.IBASHO_PAGE_CACHE_SECONDS
        if not seconds or not self.is_cacheable_request(request):
            return self.get_response(request)
        key = self.key_for(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY) or bump_generation()
        now = timezone.now()
        entry = found.get(key)
        if entry is not None and entry[0] == generation and entry[1] > now:
            return entry[2]
        response = self.get_response(request)
        if self.is_cacheable_response(response):
            expires = min(now + dt.timedelta(seconds=seconds), next_change(now))
            timeout = (expires - now).total_seconds()
            if timeout >= 1:
                cache.set(key, (generation, expires, response), timeout=int(timeout) + 1)
        return response

    @staticmethod
    def is_cacheable_request(request):
        return (
            request.method == "GET"
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
            and not request.path.startswith(SKIPPED_PREFIXES)
            and len(request.get_full_path()) <= MAX_PATH_LENGTH
        )

    @staticmethod
    def is_cacheable_response(response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", ""))}
        control = response.get("Cache-Control", "").lower()
        return "cookie" not in vary and not any(
            word in control for word in ("private", "no-store", "no-cache")
        )

    @staticmethod
    def key_for(request):
        raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        return "ibasho:page:" + hashlib.sha256(raw.encode()).hexdigest()
