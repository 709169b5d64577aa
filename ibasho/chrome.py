"""What every page shows around its content: the site that answers, the header's menu and the
centre's name and contacts. Read from the database once per *site generation* of the page
cache (ibasho/page_cache.py) and kept in the shared cache beside the pages, so a page that
misses the page cache does not ask for them again: a page published or moved, a site or the
centre's settings saved start a new "site" generation, and with it a fresh read."""

import secrets

from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.utils.translation import get_language
from wagtail.models import Site

TIMEOUT = 24 * 60 * 60  # a generation left behind is dropped within a day
# The page cache's "site" scope (ibasho.page_cache.GENERATION_KEY, which builds on the models
# that read this module, hence the name written twice).
SITE_GENERATION_KEY = "ibasho:pages:generation"


def site_generation(request):
    """The page cache's "site" generation, read once per request (a lost one starts anew, as
    in ibasho.page_cache.generations)."""
    held = getattr(request, "page_cache_generations", None)
    if held and "site" in held:
        return held["site"]
    if not hasattr(request, "_ibasho_site_generation"):
        generation = cache.get(SITE_GENERATION_KEY)
        if generation is None:
            cache.add(SITE_GENERATION_KEY, secrets.token_hex(8), timeout=None)
            generation = cache.get(SITE_GENERATION_KEY)
        request._ibasho_site_generation = generation
    return request._ibasho_site_generation


def remembered(request, name, read):
    """`read()`, kept in the shared cache under this site generation."""
    key = f"ibasho:chrome:{site_generation(request)}:{name}"
    value = cache.get(key)
    if value is None:
        value = read()
        cache.set(key, value, TIMEOUT)
    return value


class SiteMiddleware:
    """Finds the Wagtail site of a request (with its root page) from the shared cache, where
    Wagtail asks the database on every request; sets it where Wagtail looks for it
    (`request._wagtail_site`, see `Site.find_for_request`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The health checks answer without the site: /healthz/live must not need the database,
        # and /healthz reports the database's state itself.
        if request.path_info.startswith("/healthz"):
            return self.get_response(request)
        if not hasattr(request, "_wagtail_site"):
            try:
                name = f"site:{request.get_host()}:{request.get_port()}"
            except DisallowedHost:  # refused further in, as before
                return self.get_response(request)
            site = remembered(request, name, lambda: find_site(request) or False)
            if site:
                request._wagtail_site = site
        return self.get_response(request)


def find_site(request):
    site = Site._find_for_request(request)
    if site is not None:
        site.root_page  # noqa: B018 (kept with the site: every page view routes from it)
    return site


def centre_settings(request, model):
    """The centre's settings for the request's site with its contacts, as
    `BaseSiteSetting.for_request` gives them."""
    site = Site.find_for_request(request)

    def read():
        centre = model.for_site(site)
        centre._all_contacts  # noqa: B018 (read now, kept with it)
        return centre

    return remembered(request, f"centre:{site.pk if site else 0}", read)


def navigation(request, read):
    """The header's menu in the reader's language: `read()` gives it."""
    site = Site.find_for_request(request)
    return remembered(request, f"nav:{site.pk if site else 0}:{get_language()}", read)
