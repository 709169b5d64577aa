"""A whole-page cache for anonymous visitors.

Wagtail spends most of a page view routing and finding the site; a person looking for a place
that is open today should not wait for that. Public pages are kept in the shared cache (Redis in
production) keyed by host and full path, which already carries the language and the filters.

Freshness, without breaking the no-cookie rule:
- every entry depends on a few *scopes*, each with a generation: "site" (everything: a page
  published, a snippet, the site settings), "dates" (what lists dates: home, listings, feeds),
  and one event's or one space's own scope ("event:<translation key>"). A write starts new
  generations for the scopes it touches, so the entries that show it are never served again
  and the others stay: a "maybe" on one date drops its event, its space, the listings, feeds
  and home, not an unrelated space or an awareness page. An event or space page depends on
  "site" and its own scopes; an awareness page on "site" alone; any other page on "site" and
  "dates". A page's scopes are read before it is rendered (`before_serve_page`, see
  ibasho/wagtail_hooks.py), so a write committed while it renders drops it;
- an entry never outlives the next moment a page could change by the clock alone: the next
  start or end of a date, the end of a live status, local midnight ("today" moves on);
- only anonymous GETs are served from it, and only responses that set no cookie, do not vary
  on cookies and are not marked private are stored, so a page with a CSRF token or anything
  personal is never shared.

Cheap for big responses (a calendar feed is hundreds of kilobytes): each process keeps the
entries it served recently in memory (`IBASHO_PAGE_CACHE_MEMORY_BYTES`), so a request costs one
small read of its scope generations from the shared cache. Beside each stored body is a small
*meta* record (generations, expiry, validators): a client that already has the entry gets its
304 from that alone, and the shared cache is asked for a body once per process and version.

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
from wagtail.models import Page

from events.pages.models import EventPage
from events.schedule.models import ClosedDays, Occurrence, ScheduleRule, Series
from events.schedule.recurrence import start_of_day
from events.signups.models import SignUp
from spaces.directory import LiveStatus
from spaces.pages import SpacePage

from . import front_cache
from .front_cache import error_name
from .models import ArticlePage, LearnIndexPage
from .tasks import ban_front_cache

GENERATION_KEY = "ibasho:pages:generation"  # the "site" scope's; others add ":<scope>"
SITE, DATES = "site", "dates"
# Paths that are never pages: the admin, sign-in, health, files.
SKIPPED_PREFIXES = ("/admin/", "/accounts/", "/en/accounts/", "/my/", "/en/my/", "/healthz")
SKIPPED_PREFIXES += ("/documents/",)
SKIPPED_PREFIXES += ("/static/", "/media/")
# What people search for is theirs: no entry, nor a key made from it, is ever written or read.
SKIPPED_PREFIXES += ("/search/", "/en/search/")
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
    """Entries this process served recently, by key, at most `limit` bytes of bodies (least
    recently used go first). Each entry says which scope generations it was made under; the
    caller checks them. Values are never changed: callers copy them."""

    def __init__(self):
        self.entries = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            self.entries.move_to_end(key)
            return entry[0]

    def put(self, key, value, *, size, limit):
        if size > limit // 4:
            return  # one page must not push out everything else
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self.entries[key] = (value, size)
            self.size += size
            while self.size > limit:
                _key, (_value, dropped) = self.entries.popitem(last=False)
                self.size -= dropped

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.size = 0


memory = MemoryCache()


def scope_key(scope):
    return GENERATION_KEY if scope == SITE else f"{GENERATION_KEY}:{scope}"


def generations(scopes):
    """{scope: its current generation}, in one read of the shared cache. A scope the cache has
    lost (evicted, restarted) starts a new random one, so old entries never come back."""
    keys = {scope_key(scope): scope for scope in scopes}
    # A copy: django-redis answers an outage with one shared empty dict.
    found = dict(cache.get_many(list(keys)))
    current, started = {}, {}
    for key, scope in keys.items():
        if found.get(key) is None:
            found[key] = started[key] = secrets.token_hex(8)
        current[scope] = found[key]
    if started:
        cache.set_many(started, timeout=None)
    return current


def bump(scopes):
    """New generations for these scopes: the entries made under the old ones are dropped, here
    and in the shared HTTP cache in front, if there is one (ibasho/front_cache.py)."""
    cache.set_many({scope_key(scope): secrets.token_hex(8) for scope in scopes}, timeout=None)
    if settings.IBASHO_FRONT_CACHE_URLS:
        ban_in_front_cache(scopes)


def ban_in_front_cache(scopes):
    """Queue the ban of these scopes in the caches in front (ibasho/front_cache.py). A broker
    that is down loses it, which their `s-maxage` bounds; the write, committed, goes on."""
    try:
        ban_front_cache.delay(sorted(scopes))
    except Exception as error:  # any broker failure
        front_cache.logger.warning("front cache: ban not queued (%s)", error_name(error))


def bump_generation():
    """Invalidate every cached page."""
    bump([SITE])


def invalidate(scopes):
    """Drop the cached pages of these scopes once the transaction commits (at once outside
    one). A page rendered from the old data before the commit was stored under the old
    generations, so it is dropped too; and nothing is written to the cache while a row lock
    is held. `scopes` may be a function, called after the commit (it may query)."""
    transaction.on_commit(lambda: bump(scopes() if callable(scopes) else scopes))


def invalidate_pages(**kwargs):
    """Signal receiver (publish, unpublish, move): every page may have changed (menus)."""
    invalidate([SITE])


def page_scopes(pks):
    """The scopes of the event and space pages with these pks: by translation key, so that
    every language of a page has the same scope."""
    keys = Page.objects.filter(pk__in={pk for pk in pks if pk}).values_list(
        "content_type__model", "translation_key"
    )
    return {f"{'event' if model == 'eventpage' else 'space'}:{key}" for model, key in keys}


def write_scopes(instance):
    """What a written row can change: a function giving its scopes after the commit, or None
    for "anything" (the site scope)."""
    # Read after the commit, outside any row lock the write holds.
    if isinstance(instance, Occurrence):
        pks = [instance.event_id, instance.space_id]
        return lambda: {DATES, *page_scopes([*pks, _space_of_event(instance.event_id)])}
    if isinstance(instance, SignUp):
        event_id, occurrence_id = instance.event_id, instance.occurrence_id
        return lambda: {DATES, *page_scopes([event_id, _space_of_date(occurrence_id)])}
    if isinstance(instance, LiveStatus):
        return lambda: {DATES, *page_scopes([instance.space_id])}
    if isinstance(instance, Series | ScheduleRule):
        event_id = instance.event_id if isinstance(instance, Series) else instance.page_id
        return lambda: {DATES, *page_scopes([event_id, _space_of_event(event_id)])}
    if isinstance(instance, ClosedDays):
        # The dates it cancels or gives back are written with their own scopes (a sync).
        return lambda: {DATES}
    return None


def _space_of_event(event_id):
    return EventPage.objects.filter(pk=event_id).values_list("space_id", flat=True).first()


def _space_of_date(occurrence_id):
    if occurrence_id is None:
        return None
    return Occurrence.objects.filter(pk=occurrence_id).values_list("space_id", flat=True).first()


def invalidate_on_write(sender, instance=None, **kwargs):
    """post_save / post_delete / m2m_changed receiver for every model."""
    meta = sender._meta
    if meta.app_label not in PUBLIC_DATA_APPS or meta.label_lower in NOT_PUBLIC_DATA:
        return
    scopes = write_scopes(instance) if instance is not None else None
    invalidate(scopes if scopes is not None else [SITE])


def invalidate_dates(sender, event, spaces=(), **kwargs):
    """occurrences_changed receiver: dates of one event were written in bulk or moved."""
    event_id, space_ids = event.pk, [event.space_id, *spaces]
    invalidate(lambda: {DATES, *page_scopes([event_id, *space_ids])})


def scopes_for_page(page):
    """What a served page shows, for its entry (see the module docstring); None: the default
    ("site" and "dates")."""
    if isinstance(page, EventPage):
        return {f"event:{page.translation_key}", *page_scopes([page.space_id])}
    if isinstance(page, SpacePage):
        return {f"space:{page.translation_key}"}
    if isinstance(page, ArticlePage | LearnIndexPage):
        return set()
    return None


def narrow_to_page(request, page):
    """before_serve_page: an event, space or awareness page depends on its own scopes rather
    than on every date. Read now, before it renders."""
    if not hasattr(request, "page_cache_generations"):
        return
    scopes = scopes_for_page(page)
    if scopes is not None:
        site = request.page_cache_generations[SITE]
        request.page_cache_generations = {SITE: site, **generations(scopes)}


def next_change(now):
    """The next moment a public page can change by the clock alone."""
    moments = [start_of_day(now) + dt.timedelta(days=1)]  # "today" moves on
    # The first date to start and the first to end, each the head of an index (an aggregate
    # over a filter reads every date).
    dates = {
        field: Occurrence.objects.filter(**{f"{field}__gt": now})
        .order_by(field)
        .values_list(field, flat=True)
        .first()
        for field in ("start", "end")
    }
    statuses = LiveStatus.objects.aggregate(
        start=Min("starts_at", filter=Q(starts_at__gt=now)),
        end=Min("ends_at", filter=Q(ends_at__gt=now)),
    )
    moments += [m for m in (*dates.values(), *statuses.values()) if m is not None]
    return min(moments)


def lookup(request):
    """(key, answer) for a cacheable request. `answer` is the stored page or a 304 for a client
    that has it, or None when the page must be rendered (and may then be stored under `key`).
    One read of the shared cache for the scopes, one more for a body this process lacks."""
    key = key_for(request)
    # (scope generations, expires, validators, response or None): this process's copy, or the
    # small record
    held = memory.get(key)
    if held is None:
        meta = cache.get(key + ":meta")
        if meta is not None:
            held = (*meta, None)
    now = timezone.now()
    if held is None or held[1] <= now or generations(held[0]) != held[0]:
        return key, None
    cached = answer(request, key, held)
    if cached is None:
        return key, None
    if cached.status_code == 200:
        # A new response object around the same bytes: the stored one is shared. (A 304 or
        # 412 is made afresh for each request.)
        cached = HttpResponse(cached.content, status=200, headers=dict(cached.items()))
    if cached.status_code in (200, 304):
        share(cached, held[0], held[1], now)
    return key, cached


def share(response, made_under, expires, now):
    """Let a cache in front (Varnish, nginx, a CDN) keep this response until the page cache's
    own expiry, and tag it with the scopes it depends on, so that the same writes purge it
    there (ibasho/front_cache.py). Browsers revalidate every time (`max-age=0`: a browser
    cannot be purged), which the ETag makes a cheap 304."""
    seconds = max(0, int((expires - now).total_seconds()))
    response["Cache-Control"] = f"max-age=0, s-maxage={seconds}"
    response[front_cache.SCOPES_HEADER] = " ".join(sorted(made_under))


def answer(request, key, held):
    """The stored response, a 304 when the client has it, or None."""
    made_under, expires, validators, response = held
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
        if entry is None or entry[0] != made_under:
            return None
        response = entry[1]
        remember(key, (made_under, expires, validators, response))
    return response


def not_modified(validators):
    """The 304 for a stored page, carrying its validators (as Django's own would)."""
    response = HttpResponseNotModified()
    for header, value in validators.items():
        response[header] = value
    return response


def store(key, made_under, now, response):
    """Keep a rendered response for others, if it may be shared and lives long enough.
    `made_under`: the scope generations read before it was rendered."""
    if not is_cacheable_response(response):
        return
    seconds = settings.IBASHO_PAGE_CACHE_SECONDS
    expires = min(now + dt.timedelta(seconds=seconds), next_change(now))
    timeout = (expires - now).total_seconds()
    if timeout < 1:
        return
    share(response, made_under, expires, now)
    validators = {h: response[h] for h in VALIDATOR_HEADERS if h in response}
    cache.set_many(
        {key: (made_under, response), key + ":meta": (made_under, expires, validators)},
        timeout=int(timeout) + 1,
    )
    remember(key, (made_under, expires, validators, response))


def remember(key, held):
    limit = settings.IBASHO_PAGE_CACHE_MEMORY_BYTES
    memory.put(key, held, size=len(held[3].content), limit=limit)


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
        key, cached = lookup(request)
        if cached is not None:
            return cached
        now = timezone.now()
        # Read before rendering; a page may narrow them (narrow_to_page).
        request.page_cache_generations = generations([SITE, DATES])
        response = self.get_response(request)
        store(key, request.page_cache_generations, now, response)
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
            return lookup(request)[1]
        except DisallowedHost:
            return None  # Django answers it with a 400
