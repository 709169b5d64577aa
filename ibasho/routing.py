"""Finding the page for a path in two queries: every page along the path by its slug at once,
then the last one's own row. Wagtail's `Page.route` asks twice per level (the child by slug,
then its specific row), after a locale lookup and the home page's own row, so a space's page
took six queries before any of its content was read (issue 20).

The answer is the one Wagtail would give, and it is handed to Wagtail where it looks for it
(`request._wagtail_route_for_request`, see `Page.route_for_request`), so `wagtail.views.serve`,
its hooks (view restrictions) and every page's `serve` run as before:
- intermediate pages need not be live, the last one must;
- a page whose class routes on its own (a RoutablePageMixin page such as EventPage) gets the
  rest of the path, as Wagtail's walk would hand it over;
- the home page is the site's root page in the reader's language (`localized`: only a live
  translation), kept per site generation (ibasho/chrome.py): a page published or moved starts
  a new one."""

from django.db.models import Q
from django.http import Http404
from django.utils.translation import get_language
from wagtail import views as wagtail_views
from wagtail.models import Page
from wagtail.url_routing import RouteResult

from ibasho.chrome import remembered


def home_of(request, site):
    """The page the site's paths start from, in the reader's language: a base Page that
    knows only its place in the tree and its type."""

    def read():
        home = site.root_page.localized
        return home.pk, home.path, home.depth, home.content_type_id

    pk, path, depth, content_type_id = remembered(request, f"home:{site.pk}:{get_language()}", read)
    return Page(pk=pk, path=path, depth=depth, content_type_id=content_type_id)


def own_row(page):
    """The page as its own class, with its locale (every page reads it) in the same query."""
    model = page.specific_class
    if model is None:  # a type removed from the code: Wagtail serves the base page
        return Page.objects.get(pk=page.pk)
    return model._default_manager.select_related("locale").get(pk=page.pk)


def routes_itself(page):
    """Whether the page's class has a `route` of its own (sub-URLs)."""
    model = page.specific_class
    return model is not None and model.route is not Page.route


def route(request, site, components):
    """Wagtail's RouteResult for `components` (the path's slugs), or Http404."""
    home = home_of(request, site)
    if not components or routes_itself(home):
        return own_row(home).route(request, components)
    levels = Q()
    for depth, slug in enumerate(components, start=home.depth + 1):
        levels |= Q(depth=depth, slug=slug)
    found = Page.objects.filter(levels, path__startswith=home.path)
    children = {(page.path[: -Page.steplen], page.slug): page for page in found}
    parent = home
    for index, slug in enumerate(components):
        page = children.get((parent.path, slug))
        if page is None:
            raise Http404
        if routes_itself(page):
            return own_row(page).route(request, components[index + 1 :])
        parent = page
    if not parent.live:
        raise Http404
    return RouteResult(own_row(parent))


class RouteMiddleware:
    """Routes a request for a Wagtail page before Wagtail's `serve` runs (`route` above)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        site = getattr(request, "_wagtail_site", None)
        if view_func is not wagtail_views.serve or not site:
            return None
        path = view_kwargs.get("path", view_args[0] if view_args else "")
        components = [component for component in path.split("/") if component]
        try:
            request._wagtail_route_for_request = route(request, site, components)
        except Http404:
            request._wagtail_route_for_request = None
        return None
