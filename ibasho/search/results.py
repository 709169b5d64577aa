"""What `/search/` finds and shows of each page: its kind, its area, its next date and whether
it is open today. Every page type that declares search fields is searched; the kinds below are
the ones named on screen (a peer profile page joins them when it exists: one line in KINDS)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from events.pages.models import EventPage
from events.schedule.i18n import locale_id, source_pages
from events.schedule.models import Occurrence
from events.schedule.recurrence import site_zone, start_of_day
from spaces.pages import SpacePage, attach_openings

from ..models import ArticlePage

# At most this many results, best first; a person refines the words rather than paging.
RESULT_LIMIT = 30


@dataclass(frozen=True)
class Kind:
    code: str
    label: str


SPACE = Kind("space", _("Space"))
EVENT = Kind("event", _("Event"))
ARTICLE = Kind("article", _("Article"))
PAGE = Kind("page", _("Page"))
# The page models named on screen; any other searchable page is a "page". A peer profile page
# goes here as Kind("peer", _("Peer supporter")), with its area and next date in `describe`.
KINDS = {SpacePage: SPACE, EventPage: EVENT, ArticlePage: ARTICLE}
# What each kind's result shows beside its title, read with the page.
RELATED = {SpacePage: ("area", "area__parent"), EventPage: ("space", "space__area")}


@dataclass
class Result:
    page: Page
    kind: Kind
    area: object = None  # an Area, in the page's language
    next_start: dt.datetime | None = None  # events: the next date (ongoing ones included)
    is_today: bool = False  # events: a date today

    @property
    def opening(self):
        """Spaces: `spaces.openings.Opening` (open now, today, next)."""
        return getattr(self.page, "opening", None)


def search_pages(query, *, language, limit=RESULT_LIMIT):
    """Live public pages of one language matching the query, best first, as Results. A fixed
    number of queries: the search, one per page type found, and the dates and openings."""
    locale = locale_id(language)
    if locale is None:
        return []
    found = list(
        Page.objects.live().public().filter(locale_id=locale).search(query, operator="and")[:limit]
    )
    return describe(found)


def describe(found):
    pages = specific_pages(found)
    spaces = [p for p in pages if isinstance(p, SpacePage)]
    attach_openings(spaces)
    events = [p for p in pages if isinstance(p, EventPage)]
    next_starts = next_dates(events)
    today = start_of_day(timezone.now()).date()
    results = []
    for page in pages:
        result = Result(page=page, kind=KINDS.get(type(page), PAGE))
        if isinstance(page, SpacePage):
            result.area = page.area
        elif isinstance(page, EventPage):
            result.area = page.space.area if page.space_id else None
            result.next_start = next_starts.get(page.pk)
            result.is_today = bool(
                result.next_start
                and timezone.localtime(result.next_start, site_zone()).date() <= today
            )
        results.append(result)
    return results


def specific_pages(found):
    """The found pages as their own types, in the same order: one query per type."""
    by_type = {}
    for page in found:
        by_type.setdefault(page.specific_class or Page, []).append(page.pk)
    specific = {}
    for model, pks in by_type.items():
        pages = model.objects.filter(pk__in=pks)
        if related := RELATED.get(model):
            pages = pages.select_related(*related)
        specific.update((p.pk, p) for p in pages)
    return [specific[p.pk] for p in found if p.pk in specific]


def next_dates(events):
    """{event page pk: the start of its next scheduled date, if any}. The dates hang on the
    page in the site's main language."""
    if not events:
        return {}
    sources = source_pages(events)
    firsts = dict(
        Occurrence.objects.live()
        .scheduled()
        .upcoming()
        .filter(event_id__in={s.pk for s in sources.values()})
        .order_by()
        .values("event_id")
        .annotate(first=Min("start"))
        .values_list("event_id", "first")
    )
    return {pk: firsts.get(source.pk) for pk, source in sources.items()}
