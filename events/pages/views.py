"""`/events/feed.ics`: the calendar feed of what `/events/` lists, served beside the listing
page it belongs to (its name and address)."""

from django.http import Http404, HttpResponse
from django.utils import translation
from django.utils.cache import set_response_etag
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_safe
from wagtail.models import Site

from ..calendars import feeds, ical
from ..schedule.forms import EventFilterForm
from .models import EventIndexPage

BAD_FEED = gettext_lazy(
    "This calendar address has a filter we don't understand. Please copy the address again "
    "from the dates page."
)


def feed_name(request, form, *, index_page, discreet):
    """What a calendar app calls the feed, in the reader's language: what its filters choose
    ("ひだまりの日程", "家族会の日程"), the dates page and the site for the whole schedule, and
    a neutral name for a discreet feed, which a family's shared calendar shows to everyone."""
    if discreet:
        return str(_("Gatherings"))
    if labels := form.chosen_labels():
        separator = pgettext("between the names of a feed's filters", ", ")
        return _("%(what)s dates") % {"what": separator.join(labels)}
    site = Site.find_for_request(request)
    return " | ".join(filter(None, [index_page.title, site.site_name if site else ""]))


@require_safe  # GET and HEAD; TRACE and the rest get 405
def feed(request):
    """`/events/feed.ics`: the dates `/events/` lists for the same filters, from 30 days ago to
    the end of the stored schedule; `discreet=1` for calendars a family shares."""
    index_page = (
        EventIndexPage.objects.live().filter(locale__language_code=translation.get_language())
        or EventIndexPage.objects.live()
    ).first()
    if index_page is None:
        raise Http404
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
