"""`/events/feed.ics`, the calendar feed of what `/events/` lists, served beside the listing
page it belongs to (its name and address), and `/events/calendar/`, the page that explains it."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import set_response_etag
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_safe
from wagtail.models import Site

from ..calendars import feeds, ical
from ..schedule.forms import EventFilterForm
from ..schedule.i18n import pages_in_current_language
from ..schedule.listing import filter_query
from ..schedule.models import Occurrence
from ..schedule.places import PLACE_RELATIONS, place_of
from . import paper
from .models import EventIndexPage

BAD_FEED = gettext_lazy(
    "This calendar address has a filter we don't understand. Please copy the address again "
    "from the dates page."
)


def chosen_names(form):
    """What the filters choose, as one phrase ("ひだまり・北のへや"), or "" for none."""
    separator = pgettext("between the names of a feed's filters", ", ")
    return separator.join(form.chosen_labels())


def feed_name(request, form, *, index_page, discreet):
    """What a calendar app calls the feed, in the reader's language: what its filters choose
    ("ひだまりの日程", "家族会の日程"), the dates page and the site for the whole schedule, and
    a neutral name for a discreet feed, which a family's shared calendar shows to everyone."""
    if discreet:
        return str(_("Gatherings"))
    if what := chosen_names(form):
        return _("%(what)s dates") % {"what": what}
    site = Site.find_for_request(request)
    return " | ".join(filter(None, [index_page.title, site.site_name if site else ""]))


def events_index(request):
    """The dates page in the reader's language (or the main one), or 404 before there is one."""
    index_page = (
        EventIndexPage.objects.live().filter(locale__language_code=translation.get_language())
        or EventIndexPage.objects.live()
    ).first()
    if index_page is None:
        raise Http404
    return index_page


@require_safe
def date_calendar(request, occurrence_id):
    """`/events/dates/<id>.ics`: one date to add to a calendar from an event page, before (or
    without) signing up. A date that is not public gets the same 404 as one that never was."""
    occurrence = (
        Occurrence.objects.live()
        .filter(pk=occurrence_id)
        .select_related("event", *PLACE_RELATIONS)
        .first()
    )
    if occurrence is None:
        raise Http404
    space = place_of(occurrence)
    event = pages_in_current_language([occurrence.event])[occurrence.event_id]
    if space is not None:
        space = pages_in_current_language([space])[space.pk]
    body = feeds.one_date(
        occurrence, event=event, space=space, url=request.build_absolute_uri(event.url)
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ibasho.ics"'
    set_response_etag(response)
    return response


@require_safe
def calendar_page(request):
    """`/events/calendar/`: what the feed with the same filters holds, its subscribe and
    download buttons and its address, and how to add it in the common calendar apps, step by
    step. `discreet=1` shows the discreet feed's."""
    index_page = events_index(request)
    form = EventFilterForm(request.GET)
    discreet = request.GET.get("discreet", "")
    if not form.is_valid() or discreet not in ("", "0", "1"):
        context = {"page": index_page, "filter_error": True}
        return TemplateResponse(request, "events/calendar_page.html", context, status=400)
    discreet = discreet == "1"
    filters = form.cleaned_data
    feed_path = reverse("events-feed") + filter_query(filters, discreet="1" if discreet else "")
    context = {
        "page": index_page,
        "name": feed_name(request, form, index_page=index_page, discreet=discreet),
        "what": chosen_names(form),
        "discreet": discreet,
        "feed_path": feed_path,
        "feed_address": request.build_absolute_uri(feed_path),
        "subscribe_address": "webcal://" + request.get_host() + feed_path,
        "listing_url": index_page.url + filter_query(filters),
        "other_version_url": request.path + filter_query(filters, discreet="" if discreet else "1"),
        "months_ahead": round(settings.IBASHO_SCHEDULE_HORIZON_DAYS / 30.4),
        "history_days": feeds.HISTORY.days,
        "cancelled_shown_days": feeds.CANCELLED_SHOWN_DAYS,
    }
    return TemplateResponse(request, "events/calendar_page.html", context)


@require_safe  # GET and HEAD; TRACE and the rest get 405
def feed(request):
    """`/events/feed.ics`: the dates `/events/` lists for the same filters, from 30 days ago to
    the end of the stored schedule; `discreet=1` for calendars a family shares."""
    index_page = events_index(request)
    form = EventFilterForm(request.GET)
    discreet = request.GET.get("discreet", "")
    if not form.is_valid() or discreet not in ("", "0", "1"):
        return HttpResponse(BAD_FEED, status=400, content_type="text/plain; charset=utf-8")
    discreet = discreet == "1"
    data = feeds.load(form.cleaned_data)
    # get_url(request): Wagtail finds the site's root paths once per request, not once per page
    # (each a read of the shared cache).
    entries, last_change = feeds.components(
        data,
        discreet=discreet,
        url_for=lambda page: request.build_absolute_uri(page.get_url(request)),
    )
    body = ical.build_feed(
        entries,
        name=feed_name(request, form, index_page=index_page, discreet=discreet),
        url="" if discreet else request.build_absolute_uri(index_page.url),
        stamp=last_change,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="ibasho.ics"'
    # Computed once here, so a copy from the page cache answers If-None-Match without hashing
    # the body again.
    set_response_etag(response)
    # What a feed holds also moves on at midnight (see events.feeds), so it is "modified" then.
    modified = max(filter(None, [last_change, data.today]))
    response["Last-Modified"] = http_date(modified.timestamp())
    return response


def paper_response(request, render):
    """The printable schedule of `?month=` (and the filters of `/events/`), or a kind 400."""
    index_page = events_index(request)
    try:
        context = paper.month_context(request, index_page=index_page, query=request.GET)
    except paper.BadScheduleQuery:
        context = {"page": index_page, "filter_error": True}
        return TemplateResponse(request, "events/print_schedule.html", context, status=400)
    return render(context)


@require_safe
def print_schedule(request):
    """`/events/print/?month=2026-12`: a month of dates laid out for an A4 flyer."""
    return paper_response(
        request, lambda context: TemplateResponse(request, "events/print_schedule.html", context)
    )


@require_safe
def print_schedule_pdf(request):
    """`/events/print.pdf?month=2026-12`: the same page as a PDF, made here by WeasyPrint."""

    def render(context):
        html = render_to_string("events/print_schedule.html", {**context, "pdf": True}, request)
        body = paper.render_pdf(html, base_url=request.build_absolute_uri("/"))
        response = HttpResponse(body, content_type="application/pdf")
        name = f"ibasho-{context['month']:%Y-%m}.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        set_response_etag(response)
        return response

    return paper_response(request, render)
