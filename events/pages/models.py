"""The event pages: `/events/` (the listing) and each event's own page, with the sign-up forms
as its sub-pages. Pages are what people see, so they sit above the schedule, sign-ups and
calendars they show; those know an event page only as "events.EventPage"."""

from django.conf import settings
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.contrib.routable_page.models import path as route
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from ..changes.services import sync_occurrences
from ..schedule.i18n import pages_in_current_language, source_page
from ..schedule.listing import calendar_page_url, feed_url, listing_context
from ..schedule.models import (
    RICH_TEXT_FEATURES,
    Audience,
    EventKind,
    FilteredIndexMixin,
    HolidayPolicy,
    Occurrence,
)
from ..schedule.places import shows_join_link
from ..signups import views as signup_views
from ..signups.models import JoinMode
from ..signups.places import attach_booking_state
from ..signups.services import offer_waiting_places
from .schema_org import event_data, to_json_ld


class EventIndexPage(FilteredIndexMixin, Page):
    """`/events/`: every dated thing, by day, week or month, with filters."""

    intro = models.TextField(_("introduction"), max_length=600, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    # Where it may be created is the site's choice (ibasho.HomePage.subpage_types).
    subpage_types = ["events.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("event index page")

    def get_listing_context(self, request):
        context = listing_context(request, index_page=self)
        # Whether each date needs booking, and how many places are left (one query).
        attach_booking_state([o for _day, dates in context["days"] for o in dates])
        return context


class EventPage(RoutablePageMixin, Page):
    """Anything with dates: a drop-in opening, a family group or class, a peer session, a talk.
    The schedule of the page in the site's main language serves every translation."""

    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    space = models.ForeignKey(
        "spaces.SpacePage",
        verbose_name=_("space"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leave empty for an online event."),
    )
    is_online = models.BooleanField(_("online"), default=False)
    audience = models.CharField(
        _("for whom"), max_length=20, choices=Audience.choices, default=Audience.PERSON
    )
    # Open data (events.calendars.open_data) asks for the name's reading: イベント名_カナ.
    title_kana = models.CharField(
        _("title in katakana"),
        max_length=120,
        blank=True,
        validators=[
            RegexValidator(
                r"^[\u30a0-\u30ff\u3000 0-9０-９]*$",
                message=_(
                    "Please write the reading in full-width katakana, e.g. カヨウノイバショ."
                ),
            )
        ],
        help_text=_("How the title is read, for open data: e.g. カヨウノイバショ."),
    )
    summary = models.TextField(
        _("summary in plain words"), max_length=400, validators=[MaxLengthValidator(400)]
    )
    what_to_expect = RichTextField(
        _("what to expect"),
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text=_(
            "What happens, step by step. No self-introduction? Come and go freely? Say so."
        ),
    )
    join_mode = models.CharField(
        _("how to join"), max_length=20, choices=JoinMode.choices, default=JoinMode.JUST_COME
    )
    capacity = models.PositiveSmallIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty when there is no limit.")
    )
    intake_required = models.BooleanField(
        _("intake talk before enrolment"),
        default=False,
        help_text=_("Enrolments wait until staff accept them after a talk with the family."),
    )
    offer_places_automatically = models.BooleanField(
        _("offer freed places automatically"),
        default=True,
        help_text=_("When someone cancels, the first person waiting is offered the place."),
    )
    discreet_title = models.CharField(
        _("discreet calendar title"),
        max_length=60,
        blank=True,
        help_text=_("A neutral name for shared calendars, e.g. “Tuesday gathering”."),
    )
    holiday_policy = models.CharField(
        _("national holidays"),
        max_length=10,
        choices=HolidayPolicy.choices,
        default=HolidayPolicy.SKIP,
    )
    closed_until_further_notice = models.BooleanField(
        _("closed until further notice"), default=False
    )
    closure_message = models.CharField(
        _("message while closed"),
        max_length=200,
        blank=True,
        help_text=_("Kind words shown on every cancelled date, e.g. when it will reopen."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("title_kana"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("audience")]),
        FieldPanel("summary"),
        FieldPanel("what_to_expect"),
        MultiFieldPanel([FieldPanel("space"), FieldPanel("is_online")], heading=_("where")),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("join_mode"), FieldPanel("capacity")]),
                FieldRowPanel(
                    [FieldPanel("intake_required"), FieldPanel("offer_places_automatically")]
                ),
            ],
            heading=_("sign-ups"),
        ),
        FieldPanel("discreet_title"),
    ]
    schedule_panels = [
        HelpPanel(
            content=_(
                "Times are Japan's wall-clock time. The schedule of the Japanese page is used for "
                "every language. Single dates (cancel, move, a note) are changed under "
                "Events → Dates."
            )
        ),
        InlinePanel("rules", heading=_("when"), label=_("schedule rule"), min_num=1),
        FieldPanel("holiday_policy"),
        MultiFieldPanel(
            [FieldPanel("closed_until_further_notice"), FieldPanel("closure_message")],
            heading=_("closure"),
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("content")),
            ObjectList(schedule_panels, heading=_("schedule")),
            ObjectList(Page.promote_panels, heading=_("promote")),
            ObjectList(Page.settings_panels, heading=_("settings")),
        ]
    )
    # The discreet title names the day ("土曜の講座"), which site search (ibasho.search) uses.
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("what_to_expect"),
        index.SearchField("discreet_title"),
    ]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")

    # The page in the site's main language, which owns the schedule and the dates.
    source = property(source_page)

    @property
    def calendar_title(self):
        return self.discreet_title or self.title

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(event_context(request, event=self))
        return context

    @route("signup/<int:occurrence_id>/", name="signup")
    def signup_form(self, request, occurrence_id):
        return signup_views.signup(request, event=self, occurrence_id=occurrence_id)

    @route("enrol/", name="enrol")
    def enrolment_form(self, request):
        return signup_views.enrolment(request, event=self)


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
    attach_booking_state(occurrences)
    # The links of each date from the page's URL and its date's number, not reversed per date.
    signup_url = event.get_url(request) + event.reverse_subpage("signup", args=[0])[:-2]
    calendar_url = reverse("events-date-calendar", args=[0]).removesuffix("0.ics")
    for occurrence in occurrences:
        occurrence.display_space = spaces.get(occurrence.space_id)
        occurrence.signup_url = f"{signup_url}{occurrence.pk}/"
        occurrence.calendar_url = f"{calendar_url}{occurrence.pk}.ics"
    source = event.source
    # This event's own dates, not the whole space's.
    filters = {"event": source.slug}
    display_space = spaces.get(event.space_id) if event.space_id else None
    return {
        "feed_url": feed_url(filters),
        "calendar_page_url": calendar_page_url(filters),
        "occurrences": occurrences,
        "display_space": display_space,
        "show_join_link": shows_join_link(
            display_space, just_come=source.join_mode == JoinMode.JUST_COME
        ),
        "join_after_maybe": source.join_mode == JoinMode.MAYBE,
        "json_ld": to_json_ld(event_data(event, occurrences, request)),
    }


def sync_all_events(*, now=None):
    """Every live event's dates in line with its rules and the closed days, up to the horizon:
    the daily job, and what a change of closed days needs. Idempotent; returns how many dates
    were created."""
    created = 0
    for event in EventPage.objects.live().filter(locale__language_code=settings.LANGUAGE_CODE):
        created += sync_occurrences(event=event, now=now)[0]
    return created


def sync_on_publish(sender, instance, **kwargs):
    """page_published receiver: the dates follow the published schedule, and more places may
    have been given, which the people waiting are offered."""
    if isinstance(instance, EventPage):
        sync_occurrences(event=instance)
        offer_waiting_places(event=instance)
