"""Pages across languages. Dates and statuses hang on the page in the site's main language; a
page in another language shows them, and a listing shows each page in the reader's language."""

from django.conf import settings
from django.utils.translation import get_language
from wagtail.models import Locale

_locale_ids = {}  # language code -> Locale pk; only locales found (one is never renumbered)


def locale_id(language):
    """The pk of the Locale of a language, or None; asked of the database once per process."""
    if language not in _locale_ids:
        pk = Locale.objects.filter(language_code=language).values_list("pk", flat=True).first()
        if pk is None:
            return None
        _locale_ids[language] = pk
    return _locale_ids[language]


def forget_locales(**kwargs):
    """Signal receiver: a locale was added or removed."""
    _locale_ids.clear()


def _in_language(pages, language, *, live):
    pages = [p for p in pages if p is not None]
    if not pages:
        return {}
    locale = locale_id(language)
    if locale is None:
        return {p.pk: p for p in pages}
    missing = {p.translation_key for p in pages if p.locale_id != locale}
    found = {}
    if missing:
        model = type(pages[0])
        candidates = model.objects.filter(translation_key__in=missing, locale_id=locale)
        if live and hasattr(candidates, "live"):
            candidates = candidates.live()
        found = {page.translation_key: page for page in candidates}
    return {p.pk: p if p.locale_id == locale else found.get(p.translation_key, p) for p in pages}


def pages_in_current_language(pages):
    """{pk: the same page (or translatable snippet) in the reader's language, or itself}, in at
    most two queries."""
    return _in_language(pages, get_language() or settings.LANGUAGE_CODE, live=True)


def source_pages(pages):
    """{pk: the same page in the site's main language, or itself}, in at most two queries."""
    return _in_language(pages, settings.LANGUAGE_CODE, live=False)


def source_page(page):
    """The same page in the site's main language (or itself when there is none), looked up
    once per page object: an English page asks for it from its schedule and its sign-up parts."""
    if page.locale.language_code == settings.LANGUAGE_CODE:
        return page
    if not hasattr(page, "_ibasho_source_page"):
        locale = Locale.objects.filter(language_code=settings.LANGUAGE_CODE).first()
        page._ibasho_source_page = (
            page.get_translation_or_none(locale) if locale else None
        ) or page
    return page._ibasho_source_page


def pages_in_language(pages, language):
    """{pk: the same live page in `language`, or itself}: for open data's English names."""
    return _in_language(pages, language, live=True)
