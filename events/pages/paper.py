"""The printable monthly schedule: one month of `/events/` (with its filters) laid out for an
A4 flyer, as a page to print and as a PDF made from the same HTML by WeasyPrint.

Paper stays on a notice board for weeks, so it says only what does not go stale: the dates,
times, places (the exact address only where `shows_address` allows it, through
`calendar_location`), whether to book, the centre's phone and a QR code to the online
schedule, which has the places left and any later change."""

import datetime as dt
import re

import segno
from django.contrib.staticfiles import finders
from django.utils import timezone
from django.utils.safestring import mark_safe

from ..schedule.forms import EventFilterForm
from ..schedule.i18n import pages_in_current_language
from ..schedule.listing import filter_query, filtered_occurrences
from ..schedule.places import PLACE_RELATIONS, calendar_location, place_of
from ..schedule.recurrence import site_zone

MONTH = re.compile(r"(\d{4})-(\d{2})")


class BadScheduleQuery(ValueError):
    """The month or a filter of a printable schedule is not one the site offers."""


def parse_month(value):
    """`2026-12` as the first day of that month; today's month when empty. Raises
    BadScheduleQuery for anything else, or a month out of the listing's reach."""
    if not value:
        return timezone.localdate().replace(day=1)
    match = MONTH.fullmatch(value)
    if not match:
        raise BadScheduleQuery("month")
    try:
        first = dt.date(int(match[1]), int(match[2]), 1)
    except ValueError as error:
        raise BadScheduleQuery("month") from error
    if not EventFilterForm.within_reach(first):
        raise BadScheduleQuery("month")
    return first


def schedule_form(query):
    """The filters of `/events/` for the month a query string names (`month=`), as a valid
    form; BadScheduleQuery otherwise. The listing's own `date` and `view` are not accepted."""
    if len(query.getlist("month")) > 1 or "date" in query or "view" in query:
        raise BadScheduleQuery("repeated")
    first = parse_month(query.get("month", ""))
    data = query.copy()
    data.pop("month", None)
    data.pop("discreet", None)
    data["date"], data["view"] = first.isoformat(), "month"
    form = EventFilterForm(data)
    if not form.is_valid():
        raise BadScheduleQuery("filter")
    return form


def qr_svg(url):
    """The QR code of `url` as inline SVG, drawn here (nothing fetched)."""
    svg = segno.make(url, error="m").svg_inline(scale=3, border=4, svgclass="paper__qr")
    # Its address is printed in words beside it.
    return mark_safe(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))  # noqa: S308


def month_context(request, *, index_page, query):
    """What the printable schedule shows; raises BadScheduleQuery for a bad query."""
    discreet = query.get("discreet", "")
    if discreet not in ("", "0", "1"):
        raise BadScheduleQuery("discreet")
    discreet = discreet == "1"
    form = schedule_form(query)
    first, after = form.date_range()
    occurrences = list(
        filtered_occurrences(form).select_related("event", *PLACE_RELATIONS).order_by("start")
    )
    events = pages_in_current_language({o.event for o in occurrences})
    spaces = pages_in_current_language({place_of(o) for o in occurrences if place_of(o)})
    days = {}
    for occurrence in occurrences:
        space = place_of(occurrence)
        event = events[occurrence.event_id]
        occurrence.display_event = event
        occurrence.paper_title = event.calendar_title if discreet else event.title
        occurrence.paper_place = calendar_location(
            spaces.get(space.pk) if space else None, event, discreet=discreet
        )
        day = timezone.localtime(occurrence.start, site_zone()).date()
        days.setdefault(day, []).append(occurrence)
    filters = form.cleaned_data
    online_path = index_page.url + filter_query(filters, date=first.isoformat(), view="month")
    online_url = request.build_absolute_uri(online_path)
    month = first.strftime("%Y-%m")
    print_query = filter_query(filters, month=month, discreet="1" if discreet else "")
    return {
        "page": index_page,
        "month": first,
        "what": "" if discreet else "・".join(form.chosen_labels()),
        "discreet": discreet,
        "days": sorted(days.items()),
        "online_url": online_url,
        "online_path": online_path,
        "qr_svg": qr_svg(online_url),
        "print_query": print_query,
        "last_day": after - dt.timedelta(days=1),
    }


def static_file(url):
    """The bytes of one of the site's own static files named by `url`, or None."""
    path = re.sub(r"^[a-z]+://[^/]*", "", url).split("?")[0]
    if not path.startswith("/static/"):
        return None
    found = finders.find(path.removeprefix("/static/"))
    if not found:
        return None
    with open(found, "rb") as file:
        return file.read()


def render_pdf(html, *, base_url):
    """The printable schedule's HTML as PDF bytes (A4, from its print CSS). WeasyPrint reads
    the site's own static files from disk and nothing else: no request leaves the machine,
    whatever a page links to."""
    import weasyprint  # Pango is loaded only when a PDF is asked for
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            body = static_file(url)
            if body is None:
                raise ValueError("only the site's own static files are read")
            return URLFetcherResponse(url, body=body, headers={"Content-Type": "text/css"})

    return weasyprint.HTML(
        string=html, base_url=base_url, url_fetcher=StaticOnly(), media_type="print"
    ).write_pdf()
