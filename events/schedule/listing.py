"""The `/events/` listing and the filters it shares with the calendar feeds."""

import datetime as dt
from itertools import groupby

from django.core.paginator import Paginator
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from .forms import EventFilterForm
from .i18n import pages_in_current_language
from .models import Occurrence
from .recurrence import site_zone

PAGE_SIZE = 60


def filtered_occurrences(form):
    """Live occurrences in the form's range matching its filters, with what a listing shows."""
    first, after = form.date_range()
    zone = site_zone()
    occurrences = Occurrence.objects.live().between(
        dt.datetime.combine(first, dt.time.min, tzinfo=zone),
        dt.datetime.combine(after, dt.time.min, tzinfo=zone),
    )
    return apply_filters(occurrences, form.cleaned_data)


def apply_filters(occurrences, data):
    """The filters of `/events/` (and its feed) on any set of occurrences."""
    occurrences = occurrences.select_related("event", "space", "space__area").order_by(
        "start", "pk"
    )
    return occurrences.filter(filter_q(data))


def attach_event_urls(occurrences, request):
    """Give each date `.event_url`: its `display_event`'s URL, found once per event rather
    than once per date in the template."""
    urls = {}
    for occurrence in occurrences:
        event = occurrence.display_event
        if event.pk not in urls:
            urls[event.pk] = event.get_url(request)
        occurrence.event_url = urls[event.pk]


def listing_context(request, *, index_page):
    data = request.GET.copy()
    data.setdefault("view", "week")  # so the form shows the view the page shows
    form = EventFilterForm(data)
    if not form.is_valid():
        return {"filter_form": form, "filter_error": True, "days": []}
    occurrences = filtered_occurrences(form)
    page = Paginator(occurrences, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    events = pages_in_current_language({o.event for o in items})
    spaces = pages_in_current_language({o.space for o in items if o.space})
    for occurrence in items:
        occurrence.display_event = events[occurrence.event_id]
        occurrence.display_space = spaces.get(occurrence.space_id)
    attach_event_urls(items, request)
    days = [
        (day, list(group))
        for day, group in groupby(
            items, key=lambda o: timezone.localtime(o.start, site_zone()).date()
        )
    ]
    base = [(k, v) for k, v in query_pairs(request) if k not in ("date", "page")]
    return {
        "feed_url": feed_url(form.cleaned_data),
        "calendar_page_url": calendar_page_url(form.cleaned_data),
        "print_url": print_url(form.cleaned_data, month=form.date_range()[0]),
        "filter_form": form,
        "period": form.cleaned_data["view"],  # what the pager moves by: day, week or month
        "days": days,
        "page_obj": page,
        "range_first": form.date_range()[0],
        "range_last": form.date_range()[1] - dt.timedelta(days=1),
        "previous_query": step_query(base, form.step(-1)),
        "next_query": step_query(base, form.step(1)),
        "current_query": urlencode([(k, v) for k, v in query_pairs(request) if k != "page"]),
    }


def query_pairs(request):
    """The query string's (name, value) pairs that are set, a name given twice twice."""
    return [(k, v) for k, values in request.GET.lists() for v in values if v]


def step_query(base, day):
    return urlencode([*base, ("date", day.isoformat())]) if day is not None else ""


def filter_q(data, *, event="event__", space="space__"):
    """The filters of `/events/` as a Q on occurrences (the default) or on event pages
    (`event=""`). The place filters look at the date's own space: a moved date is listed
    where it now happens."""

    def any_of(name):
        values = data.get(name) or []
        return [values] if isinstance(values, str) else list(values)

    q = Q()
    if kinds := any_of("kind"):
        q &= Q(**{f"{event}kind__in": kinds})
    if audiences := any_of("audience"):
        q &= Q(**{f"{event}audience__in": audiences})
    if areas := any_of("area"):
        # An area includes the towns within it; slugs match across languages.
        q &= Q(**{f"{space}area__slug__in": areas}) | Q(**{f"{space}area__parent__slug__in": areas})
    if spaces := any_of("space"):
        # Translations keep the slug of the page they were made from.
        q &= Q(**{f"{space}slug__in": spaces})
    if events := any_of("event"):
        # One event's own dates (its translations share its slug).
        q &= Q(**{f"{event}slug__in": events})
    if organisations := any_of("organisation"):
        q &= Q(**{f"{space}organisation__in": organisations})
    return q


def filter_query(filters, **extra):
    """The query string of these filters (and `extra`), empty or starting with "?"."""
    query = {name: filters.get(name) for name in EventFilterForm.filter_fields}
    query.update(extra)
    query = urlencode({name: value for name, value in query.items() if value}, doseq=True)
    return f"?{query}" if query else ""


def feed_url(filters):
    """The calendar feed of what a page lists: `/events/feed.ics` with the same filters."""
    return reverse("events-feed") + filter_query(filters)


def calendar_page_url(filters):
    """The page that explains that feed and how to subscribe to it: `/events/calendar/`."""
    return reverse("events-calendar") + filter_query(filters)


def print_url(filters, *, month=None):
    """The printable schedule of the month of `month` (a date; today's month when None) with
    the same filters: `/events/print/`."""
    extra = {"month": month.strftime("%Y-%m")} if month else {}
    return reverse("events-print") + filter_query(filters, **extra)
