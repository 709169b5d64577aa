from wagtail import hooks

from .page_cache import narrow_to_page


@hooks.register("before_serve_page")
def cache_scopes_of_the_page(page, request, serve_args, serve_kwargs):
    """An event, space or awareness page is kept in the page cache by what it shows (see
    ibasho.page_cache), read before it renders."""
    narrow_to_page(request, page.specific)
