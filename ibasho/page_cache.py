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

Cheap for big responses (a calendar feed is hundreds of kilobytes): each process keeps the
entries it served recently in memory (`IBASHO_PAGE_CACHE_MEMORY_BYTES`), so a request costs one
small read of the generation from the shared cache. Beside each stored body is a small *meta*
record (generation, expiry, validators): a client that already has the entry gets its 304 from
that alone, and the shared cache is asked for a body once per process and generation.

Where it runs: PageCacheMiddleware is the outermost middleware, so a stored response already
carries every header the site adds (security headers, ETag, Content-Length). The WSGI
application gunicorn runs (`CachedPages`, in ibasho/wsgi.py) answers a stored page or its 304
before Django's handler, middleware and URL routing run at all; a miss goes on to Django, where
the middleware renders and stores it. Tests through Django's test client meet the middleware,
which answers the same way.

When Redis does not answer, the cache backend (django-redis, see ibasho.settings.base) makes
every read a miss and drops every write: pages are rendered afresh.
"""

import datetime as dt
import hashlib
import secrets
import threading
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import transaction
from django.db.models import Min, Q
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import cc_delim_re, get_conditional_response
from django.utils.http import parse_http_date_safe

from events.schedule.models import Occurrence
from events.schedule.recurrence import start_of_day
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
# Request headers that may turn a stored page into a 304 (or a 412).
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)
# What a 304 carries over from the stored response (RFC 9110 §15.4.5).
VALIDATOR_HEADERS = ("ETag", "Last-Modified", "Cache-Control", "Expires", "Vary")


class MemoryCache:
    """Entries this process served recently, by key and generation, at most `limit` bytes of
    bodies (least recently used go first). Values are never changed: callers copy them."""

    def __init__(self):
        self.entries = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key, generation):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry[0] != generation:
                return None
            self.entries.move_to_end(key)
            return entry[1]

    def put(self, key, generation, value, *, size, limit):
        if size > limit // 4:
            return  # one page must not push out everything else
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= old[2]
            self.entries[key] = (generation, value, size)
            self.size += size
            while self.size > limit:
                _key, (_generation, _value, dropped) = self.entries.popitem(last=False)
                self.size -= dropped

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.size = 0


memory = MemoryCache()


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
    moments = [start_of_day(now) + dt.timedelta(days=1)]  # "today" moves on
    dates = Occurrence.objects.aggregate(
        start=Min("start", filter=Q(start__gt=now)), end=Min("end", filter=Q(end__gt=now))
    )
    statuses = LiveStatus.objects.aggregate(
        start=Min("starts_at", filter=Q(starts_at__gt=now)),
        end=Min("ends_at", filter=Q(ends_at__gt=now)),
    )
    moments += [m for m in (*dates.values(), *statuses.values()) if m is not None]
    return min(moments)


def lookup(request):
    """(key, generation, answer) for a cacheable request. `answer` is the stored page or a 304
    for a client that has it, or None when the page must be rendered (and may then be stored
    under `key` and `generation`)."""
    key = key_for(request)
    generation = cache.get(GENERATION_KEY) or bump_generation()
    # (expires, validators, response or None): this process's copy, or the small record
    held = memory.get(key, generation)
    if held is None:
        meta = cache.get(key + ":meta")
        if meta is not None and meta[0] == generation:
            held = (meta[1], meta[2], None)
    if held is None or held[0] <= timezone.now():
        return key, generation, None
    return key, generation, answer(request, key, generation, held)


def answer(request, key, generation, held):
    """The stored response, a 304 when the client has it, or None."""
    expires, validators, response = held
    meta = request.META
    # What a calendar app sends: the very ETag it was given. (RFC 9110 §13.2.2: with
    # If-None-Match, If-Modified-Since is not looked at.)
    if (
        meta.get("HTTP_IF_NONE_MATCH", "") == validators.get("ETag")
        and "HTTP_IF_MATCH" not in meta
        and "HTTP_IF_UNMODIFIED_SINCE" not in meta
    ):
        return not_modified(validators)
    if any(header in meta for header in CONDITIONAL_HEADERS):
        stored = HttpResponse(headers=validators)
        conditional = get_conditional_response(
            request,
            etag=validators.get("ETag"),
            last_modified=parse_http_date_safe(validators.get("Last-Modified", "")),
            response=stored,
        )
        if conditional is not stored:
            return conditional  # 304 Not Modified (or 412 for a failed If-Match)
    if response is None:
        entry = cache.get(key)
        if entry is None or entry[0] != generation:
            return None
        response = entry[1]
        remember(key, generation, (expires, validators, response))
    return response


def not_modified(validators):
    """The 304 for a stored page, carrying its validators (as Django's own would)."""
    response = HttpResponseNotModified()
    for header, value in validators.items():
        response[header] = value
    return response


def store(key, generation, now, response):
    """Keep a rendered response for others, if it may be shared and lives long enough."""
    if not is_cacheable_response(response):
        return
    seconds = settings.IBASHO_PAGE_CACHE_SECONDS
    expires = min(now + dt.timedelta(seconds=seconds), next_change(now))
    timeout = (expires - now).total_seconds()
    if timeout < 1:
        return
    validators = {h: response[h] for h in VALIDATOR_HEADERS if h in response}
    cache.set_many(
        {key: (generation, response), key + ":meta": (generation, expires, validators)},
        timeout=int(timeout) + 1,
    )
    remember(key, generation, (expires, validators, response))


def remember(key, generation, held):
    limit = settings.IBASHO_PAGE_CACHE_MEMORY_BYTES
    memory.put(key, generation, held, size=len(held[2].content), limit=limit)


def is_cacheable_request(request):
    return (
        request.method == "GET"
        and settings.IBASHO_PAGE_CACHE_SECONDS > 0
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path.startswith(SKIPPED_PREFIXES)
        and len(request.get_full_path()) <= MAX_PATH_LENGTH
    )


def is_cacheable_response(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", ""))}
    control = response.get("Cache-Control", "").lower()
    return "cookie" not in vary and not any(
        word in control for word in ("private", "no-store", "no-cache")
    )


def key_for(request):
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "ibasho:page:" + hashlib.sha256(raw.encode()).hexdigest()


class PageCacheMiddleware:
    """Serve and store anonymous GETs of public pages; see the module docstring. It is the
    outermost middleware, so a stored response carries every header the others add (security
    headers, ETag, Content-Length) and can be replayed as it is, here or by `CachedPages`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        key, generation, cached = lookup(request)
        if cached is not None:
            # A new response object around the same bytes: the stored one is shared.
            return HttpResponse(
                cached.content, status=cached.status_code, headers=dict(cached.items())
            )
        now = timezone.now()
        response = self.get_response(request)
        store(key, generation, now, response)
        return response


class CachedPages:
    """WSGI wrapper (see ibasho/wsgi.py): a stored page or a 304 is answered before Django's
    handler runs at all, so no middleware, signal or URL routing is paid for a cache hit.
    Everything else (and every miss) goes to Django, whose PageCacheMiddleware stores it."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and settings.IBASHO_PAGE_CACHE_SECONDS:
            cached = self.find(environ)
            if cached is not None:
                start_response(f"{cached.status_code} {cached.reason_phrase}", [*cached.items()])
                # The bytes, not the response: its close() would announce a finished request.
                return [cached.content]
        return self.application(environ, start_response)

    @staticmethod
    def find(environ):
        request = WSGIRequest(environ)
        try:
            if not is_cacheable_request(request):
                return None
            return lookup(request)[2]
        except DisallowedHost:
            return None  # Django answers it with a 400
