"""`/api/v1/`: a read-only JSON API of the spaces and their coming dates, described by the
OpenAPI document at `/api/v1/openapi.json`.

django-ninja rather than Django REST framework (both come with Wagtail): the schemas below are
the validation, the serialisation and the OpenAPI document at once, with no extra package,
while DRF's own schema generator is deprecated and wants drf-spectacular. Ninja's interactive
docs page is turned off: it loads Swagger UI from a CDN, and no public page here fetches
anything from another site.

What it says is what the public pages say, no more: nothing about who comes (no sign-up is
read, not even a count), an address and the way to the door only where
`events.schedule.places.shows_address` allows it (otherwise the area), and no online join link.
The dates take the filters of `/events/` (checked by the same form); a parameter it does not
know, or a value it cannot read, gets a 400 with a JSON message, never a 500. The site lives in
ibasho because the spaces and the schedule meet here. Responses carry an ETag (from
ConditionalGetMiddleware, 304 on a match) and are kept by the page cache like the feeds."""

import datetime as dt
import re
from typing import Literal

from django.conf import settings
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import ValidationError as NinjaValidationError

from events.calendars.open_data import how_to_join
from events.schedule.forms import EventFilterForm
from events.schedule.i18n import pages_in_language
from events.schedule.listing import apply_filters
from events.schedule.models import Occurrence
from events.schedule.places import PLACE_RELATIONS, place_of, shows_address
from events.schedule.recurrence import site_zone
from spaces.models import SpacePage

Language = Literal["ja", "en"]
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,255}$")
MAX_DAYS = 92


class OpenDataAPI(NinjaAPI):
    """Ninja's API, every answer readable from any site (it holds nothing the pages don't)."""

    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        response["Access-Control-Allow-Origin"] = "*"
        return response


api = OpenDataAPI(
    title="Ibasho open data",
    version="1",
    description=(
        "The public spaces of this site and their coming dates, for a town's website, a map "
        "or an app. Read-only, no account needed, free to reuse under the licence each "
        "response names. It never holds anything about the people who come, and a space that "
        "keeps its address for confirmed participants is given by its area only."
    ),
    urls_namespace="api-v1",
    docs_url=None,
    openapi_url="/openapi.json",
)


class BadRequest(Exception):
    """A query parameter the API does not know or cannot read."""


class Problem(Schema):
    detail: str = Field(description="What was wrong, in words.")


class Licence(Schema):
    name: str
    url: str


class AreaOut(Schema):
    slug: str
    name: str


class SpaceOut(Schema):
    slug: str = Field(description="The space's identifier, the same in both languages.")
    name: str
    summary: str
    url: str = Field(description="The space's page on this site.")
    area: AreaOut | None
    organisation: str = Field(description="Who runs it; empty when not given.")
    audience: str = Field(description="person, families or both")
    online: bool
    address: str | None = Field(
        description="The exact address, or null where it is told only to confirmed participants."
    )
    access: str = Field(description="Station, bus and parking; empty where the address is held.")


class SpaceList(Schema):
    license: Licence
    spaces: list[SpaceOut]


class EventOut(Schema):
    slug: str
    title: str
    title_kana: str = Field(description="The Japanese title's reading in katakana, if given.")
    kind: str = Field(description="drop_in, family_group, family_class, peer_session, …")
    url: str


class PlaceOut(Schema):
    space: str | None = Field(description="The slug of the space, or null online.")
    name: str
    area: str
    online: bool
    address: str | None = Field(description="As for a space: null where it is held back.")


class DateOut(Schema):
    id: int = Field(description="The date's number, stable while it exists.")
    event: EventOut
    start: dt.datetime = Field(description="ISO 8601 with the site's UTC offset.")
    end: dt.datetime
    status: Literal["scheduled", "cancelled", "changed"]
    note: str = Field(description="A message from the organiser for this date, if any.")
    join: Literal["just_come", "maybe", "booking", "enrolment"]
    join_text: str = Field(description="How to join, in words.")
    capacity: int | None
    place: PlaceOut | None


class DateList(Schema):
    license: Licence
    dates: list[DateOut]


class DateFilters(Schema):
    """The filters of `/events/`; a filter given several times means any of them."""

    kind: list[str] = Field(default=[], description="Event kinds, e.g. drop_in.")
    audience: list[str] = Field(default=[], description="person, families or both.")
    area: list[str] = Field(default=[], description="Area slugs; a region includes its towns.")
    organisation: list[str] = Field(default=[], description="Organisation ids.")
    space: list[str] = Field(default=[], description="Space slugs.")
    event: list[str] = Field(default=[], description="Event slugs.")
    date: dt.date | None = Field(default=None, description="First day (YYYY-MM-DD); today.")
    days: int = Field(default=31, ge=1, le=MAX_DAYS, description="How many days from it.")
    lang: Language = Field(default="ja", description="ja (the default) or en.")


def licence():
    return Licence(**settings.IBASHO_OPEN_DATA_LICENCE)


def absolute(request, page):
    return request.build_absolute_uri(page.get_url(request))


def only_known(request, known):
    unknown = sorted(set(request.GET) - set(known))
    if unknown:
        raise BadRequest(
            _(
                "This address has a parameter the API does not know: %(names)s. Its "
                "description (openapi.json) lists the ones it takes."
            )
            % {"names": ", ".join(unknown)}
        )


def unreadable_message(names):
    return _(
        "We could not read the value of: %(names)s. The API's description (openapi.json) "
        "says what each one takes."
    ) % {"names": names}


def held_or(space, value):
    """A space's address-like detail where the one rule shows the address, else nothing."""
    return value if shows_address(space) else None


def space_out(request, space, english):
    shown = english.get(space.pk, space)
    area = None
    if space.area_id:
        area_shown = english.get(("area", space.area_id), space.area)
        area = AreaOut(slug=space.area.slug, name=area_shown.name)
    access = [space.access_station, space.access_bus, space.access_parking]
    return SpaceOut(
        slug=space.slug,
        name=shown.title,
        summary=shown.summary,
        url=absolute(request, shown),
        area=area,
        organisation=english.get(("org", space.organisation_id), space.organisation).name
        if space.organisation_id
        else "",
        audience=space.audience,
        online=space.is_online,
        address=held_or(space, space.address or ""),
        access=held_or(space, " / ".join(filter(None, access))) or "",
    )


def translations(spaces, lang):
    """{space pk: the page in `lang`, ("area", pk): the area, ("org", pk): the organisation},
    each itself where it has no translation: a handful of queries for any number of spaces."""
    found = dict(pages_in_language(spaces, lang))
    areas = pages_in_language({s.area for s in spaces if s.area_id}, lang)
    found.update({("area", pk): area for pk, area in areas.items()})
    organisations = pages_in_language({s.organisation for s in spaces if s.organisation_id}, lang)
    found.update({("org", pk): org for pk, org in organisations.items()})
    return found


def public_spaces():
    """The live, public spaces in the site's main language (the pages dates point to)."""
    return (
        SpacePage.objects.live()
        .public()
        .filter(locale__language_code=settings.LANGUAGE_CODE)
        .select_related("area", "organisation")
        .order_by("path")
    )


@api.exception_handler(BadRequest)
def bad_request(request, error):
    return api.create_response(request, {"detail": str(error)}, status=400)


@api.exception_handler(NinjaValidationError)
def unreadable(request, error):
    # Ninja answers 422 with pydantic's details; the site's contract is a kind 400.
    names = sorted({str(e["loc"][-1]) for e in error.errors if e.get("loc")})
    message = unreadable_message(", ".join(names))
    return api.create_response(request, {"detail": message}, status=400)


@api.exception_handler(Http404)
def not_found(request, error):
    return api.create_response(
        request, {"detail": _("There is no public space at this address.")}, status=404
    )


@api.get(
    "/spaces",
    response={200: SpaceList, 400: Problem},
    summary="The public spaces",
    operation_id="list_spaces",
)
def list_spaces(request, lang: Language = "ja"):
    only_known(request, ["lang"])
    with translation.override(lang):
        spaces = list(public_spaces())
        english = translations(spaces, lang)
        return {"license": licence(), "spaces": [space_out(request, s, english) for s in spaces]}


@api.get(
    "/spaces/{slug}",
    response={200: SpaceOut, 400: Problem, 404: Problem},
    summary="One public space",
    operation_id="get_space",
)
def get_space(request, slug: str, lang: Language = "ja"):
    only_known(request, ["lang"])
    if not SLUG.match(slug):
        raise Http404
    space = public_spaces().filter(slug=slug).first()
    if space is None:
        raise Http404
    with translation.override(lang):
        return space_out(request, space, translations([space], lang))


def date_out(occurrence, events, urls, places):
    event = events[occurrence.event_id]
    space = place_of(occurrence)
    place = None
    if space is not None:
        shown_space = places.get(space.pk, space)
        area = places.get(("area", space.area_id), space.area) if space.area_id else None
        place = PlaceOut(
            space=space.slug,
            name=shown_space.title,
            area=area.name if area else "",
            online=space.is_online,
            address=held_or(space, space.address or ""),
        )
    elif event.is_online:
        place = PlaceOut(space=None, name=_("Online"), area="", online=True, address=None)
    status = "scheduled"
    if occurrence.is_cancelled:
        status = "cancelled"
    elif occurrence.is_moved:
        status = "changed"
    return DateOut(
        id=occurrence.pk,
        event=EventOut(
            slug=event.slug,
            title=event.title,
            # The reading is of the Japanese title, which the date's own event page has.
            title_kana=occurrence.event.title_kana,
            kind=event.kind,
            url=urls[event.pk],
        ),
        start=timezone.localtime(occurrence.start, site_zone()),
        end=timezone.localtime(occurrence.end, site_zone()),
        status=status,
        note=str(occurrence.display_message or ""),
        join=event.join_mode,
        join_text=how_to_join(event),
        capacity=occurrence.effective_capacity,
        place=place,
    )


@api.get(
    "/dates",
    response={200: DateList, 400: Problem},
    summary="Coming dates, with the filters of the dates page",
    operation_id="list_dates",
)
def list_dates(request, filters: Query[DateFilters]):
    only_known(request, DateFilters.model_fields)
    form = EventFilterForm(request.GET)
    if not form.is_valid():
        names = ", ".join(sorted(form.errors))
        raise BadRequest(unreadable_message(names))
    now = timezone.now()
    first = filters.date or timezone.localtime(now, site_zone()).date()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=site_zone())
    dates = apply_filters(
        Occurrence.objects.live()
        .upcoming(now)
        .filter(start__gte=start, start__lt=start + dt.timedelta(days=filters.days)),
        form.cleaned_data,
    ).select_related("event", "event__space__organisation", *PLACE_RELATIONS)
    dates = list(dates)
    with translation.override(filters.lang):
        events = pages_in_language({o.event for o in dates}, filters.lang)
        spaces = [s for s in {place_of(o) for o in dates} if s is not None]
        places = translations(spaces, filters.lang)
        # One URL an event, not one a date.
        urls = {page.pk: absolute(request, page) for page in events.values()}
        return {
            "license": licence(),
            "dates": [date_out(o, events, urls, places) for o in dates],
        }
