from urllib.parse import quote

import segno
from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.models import Page

from events.schedule.i18n import source_page
from ibasho import chrome
from ibasho.models import HomePage

register = template.Library()


def _language_home(code):
    return "/" if code == settings.LANGUAGE_CODE else f"/{code}/"


@register.inclusion_tag("includes/language_switch.html", takes_context=True)
def language_switch(context):
    """Links to this same page in the other languages (plain links, so no cookie is set).
    A page not yet translated links to that language's home page."""
    request = context["request"]
    page = context.get("page")
    links = []
    for code, name in settings.LANGUAGES:
        if code == get_language():
            continue
        if isinstance(page, Page) and code == settings.LANGUAGE_CODE:
            # The page in the main language: the lookup the page's own parts made already.
            source = source_page(page)
            translation = source if source.pk != page.pk and source.live else None
            url = translation.get_url(request) if translation else _language_home(code)
        elif isinstance(page, Page):
            translation = page.get_translations().live().filter(locale__language_code=code).first()
            url = translation.get_url(request) if translation else _language_home(code)
        else:
            url = translate_url(request.get_full_path(), code)
        links.append({"code": code, "name": name, "url": url})
    return {"links": links}


@register.simple_tag(takes_context=True)
def centre_name(context):
    """The centre's name in the page's language, or the product name until one is set."""
    centre = context["settings"]["ibasho"]["CentreSettings"]
    return centre.display_name or settings.IBASHO_DEFAULT_CENTRE_NAME


@register.simple_tag(takes_context=True)
def site_navigation(context):
    """The home page of the current language and the sections under it, for the header."""
    request = context["request"]

    def read():
        home = HomePage.objects.live().filter(locale__language_code=get_language()).first()
        if home is None:
            return {"home_url": _language_home(get_language()), "items": []}
        sections = home.get_children().live().in_menu()
        items = [{"title": s.title, "url": s.get_url(request), "path": s.path} for s in sections]
        return {"home_url": home.get_url(request), "items": items}

    nav = chrome.navigation(request, read)
    current = context.get("page")
    items = [
        {**item, "current": current is not None and current.path.startswith(item["path"])}
        for item in nav["items"]
    ]
    return {"home_url": nav["home_url"], "items": items}


@register.inclusion_tag("includes/share.html", takes_context=True)
def share_links(context, page):
    """Ways to pass a page on that load nothing from another site: its address to copy, a QR
    code drawn here as inline SVG, and plain e-mail and LINE links (followed only when
    clicked)."""
    request = context["request"]
    # The address the reader is using (a host Django accepted; the page cache keys by host).
    url = request.build_absolute_uri(page.get_url(request))
    qr = segno.make(url, error="m").svg_inline(scale=4, border=4, svgclass="share__qr")
    # Decorative for a screen reader, which has the address in text just above.
    qr = qr.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    text = f"{page.title}\n{url}"
    return {
        "url": url,
        "qr_svg": mark_safe(qr),  # noqa: S308 (segno's own SVG of our own URL, nothing typed)
        "mailto": f"mailto:?subject={quote(page.title)}&body={quote(url)}",
        "line": f"https://line.me/R/share?text={quote(text)}",
    }


@register.inclusion_tag("includes/signed_in.html", takes_context=True)
def signed_in_bar(context):
    """The "logged in as … · log out" bar for a signed-in person. Only a request with a
    session cookie is looked at: reading `request.user` otherwise would mark the session as
    used and add `Vary: Cookie`, and an anonymous page could no longer be cached."""
    request = context.get("request")
    if request is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return {"person": None}
    user = request.user
    if not user.is_authenticated:
        return {"person": None}
    # The display name where there is one (a peer supporter's nickname), else the address.
    return {"person": user.display_name or user.email, "request": request}
