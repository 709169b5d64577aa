"""`/events/open-data/`: the upcoming schedule as open data, a CSV in the layout of the
recommended dataset 「イベント一覧」 and a JSON of the same rows, under the licence in
`IBASHO_OPEN_DATA_LICENCE`. The site answers here because the rows need the centre's name and
phone (ibasho's settings) beside the schedule's dates (events.calendars.open_data)."""

from django.conf import settings
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import set_response_etag
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from wagtail.models import Site

from events.calendars import open_data
from events.schedule.forms import EventFilterForm

from .models import CentreSettings, ContactKind

BAD_QUERY = gettext_lazy(
    "This open-data address has a filter we don't understand. The filters are those of the "
    "dates page: kind, area, space, audience, organisation and event."
)


def publisher(request):
    """The centre as the rows name it: the local government that publishes (its code and names,
    from the centre's settings), the centre's name and its first phone."""
    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    centre = CentreSettings.for_site(site) if site else CentreSettings()
    phone = next((c.value for c in centre.centre_contacts if c.kind == ContactKind.PHONE), "")
    return {
        "code": centre.local_government_code,
        "prefecture": centre.prefecture_name,
        "municipality": centre.municipality_name,
        "contact": centre.name,
        "phone": phone,
    }


def rows_or_none(request):
    """The rows for the query's filters (those of `/events/`), or None for a bad query."""
    unknown = set(request.GET) - set(EventFilterForm.filter_fields)
    form = EventFilterForm(request.GET)
    if unknown or not form.is_valid():
        return None
    dates = open_data.upcoming_dates(form.cleaned_data)
    return open_data.build_rows(
        dates,
        publisher=publisher(request),
        url_for=lambda page: request.build_absolute_uri(page.get_url(request)),
    )


def served(body, content_type, filename):
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Open data: any site may read it (it holds nothing that is not on the public pages).
    response["Access-Control-Allow-Origin"] = "*"
    set_response_etag(response)
    return response


def bad_query():
    return HttpResponse(BAD_QUERY, status=400, content_type="text/plain; charset=utf-8")


@require_safe
def events_csv(request):
    """`/events/open-data/events.csv`: UTF-8 with a byte-order mark (see open_data.to_csv)."""
    rows = rows_or_none(request)
    if rows is None:
        return bad_query()
    return served(open_data.to_csv(rows), "text/csv; charset=utf-8", "events.csv")


@require_safe
def events_json(request):
    """`/events/open-data/events.json`: the same rows, with the licence."""
    rows = rows_or_none(request)
    if rows is None:
        return bad_query()
    body = open_data.to_json(rows, licence=settings.IBASHO_OPEN_DATA_LICENCE)
    return served(body, "application/json", "events.json")


@require_safe
def open_data_page(request):
    """`/events/open-data/`: what the files hold, their licence and their addresses."""
    context = {
        "csv_url": request.build_absolute_uri(reverse("open-data-csv")),
        "json_url": request.build_absolute_uri(reverse("open-data-json")),
        "api_url": request.build_absolute_uri(reverse("api-v1:api-root")),
        "openapi_url": request.build_absolute_uri(reverse("api-v1:openapi-json")),
        "licence": settings.IBASHO_OPEN_DATA_LICENCE,
        "columns": open_data.COLUMNS,
    }
    return TemplateResponse(request, "ibasho/open_data.html", context)
