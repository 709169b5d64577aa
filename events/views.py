"""The `/events/` listing: occurrences in a date range, filtered, grouped by day."""

import datetime as dt
from itertools import groupby

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils import timezone
from django.utils.http import urlencode

from .forms import EventFilterForm
from .i18n import pages_in_current_language
from .models import Occurrence
from .recurrence import site_zone
from .schema_org import event_data, to_json_ld

PAGE_SIZE = 60


def filtered_occurrences(form):
    """Live occurrences in the form's range matching its filters, with what a listing shows."""
    data = form.cleaned_data
    first, after = form.date_range()
    zone = site_zone()
    occurrences = (
        Occurrence.objects.live()
        .between(
            dt.datetime.combine(first, dt.time.min, tzinfo=zone),
            dt.datetime.combine(after, dt.time.min, tzinfo=zone),
        )
        .select_related("event", "space", "space__area")
        .order_by("start", "pk")
    )
    if data.get("kind"):
        occurrences = occurrences.filter(event__kind=data["kind"])
    if data.get("audience"):
        occurrences = occurrences.filter(event__audience=data["audience"])
    if data.get("area"):
        # An area includes the towns within it; slugs match across languages.
        occurrences = occurrences.filter(
            Q(space__area__slug=data["area"]) | Q(space__area__parent__slug=data["area"])
        )
    if data.get("space"):
        # Translations keep the slug of the page they were made from.
        occurrences = occurrences.filter(space__slug=data["space"])
    return occurrences


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
    days = [
        (day, list(group))
        for day, group in groupby(
            items, key=lambda o: timezone.localtime(o.start, site_zone()).date()
        )
    ]
    base = {k: v for k, v in request.GET.items() if k not in ("date", "page") and v}
    return {
        "filter_form": form,
        "period": form.cleaned_data["view"],  # what the pager moves by: day, week or month
        "days": days,
        "page_obj": page,
        "range_first": form.date_range()[0],
        "range_last": form.date_range()[1] - dt.timedelta(days=1),
        "previous_query": urlencode({**base, "date": form.step(-1).isoformat()}),
        "next_query": urlencode({**base, "date": form.step(1).isoformat()}),
        "current_query": urlencode({k: v for k, v in request.GET.items() if k != "page" and v}),
    }


def event_context(request, *, event, limit=12):
    """An event page: its next dates (cancelled ones included, with their message)."""
    occurrences = list(
        Occurrence.objects.filter(event=event.source)
        .upcoming()
        .select_related("event", "space")
        .order_by("start")[:limit]
    )
    spaces = pages_in_current_language(
        {o.space for o in occurrences if o.space} | ({event.space} if event.space else set())
    )
    for occurrence in occurrences:
        occurrence.display_space = spaces.get(occurrence.space_id)
    return {
        "occurrences": occurrences,
        "display_space": spaces.get(event.space_id) if event.space_id else None,
        "json_ld": to_json_ld(event_data(event, occurrences, request)),
    }
