"""The space pages: `/spaces/` with its filters and what is open now and today, and each
space's own page with its coming dates."""

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from events.pages.schema_org import place_data, to_json_ld
from events.schedule.i18n import pages_in_current_language, source_page, source_pages
from events.schedule.listing import attach_event_urls, calendar_page_url, feed_url, filter_q
from events.schedule.models import RICH_TEXT_FEATURES, Audience, FilteredIndexMixin, Occurrence
from events.schedule.places import shows_address, shows_join_link
from events.signups.models import JoinMode
from events.signups.places import attach_booking_state

from .directory import Area, Feature, FeatureCode, LocationPolicy, Organisation
from .openings import openings_for


class SpaceIndexPage(FilteredIndexMixin, Page):
    """`/spaces/`: every drop-in space, filterable, with what is open now and today."""

    intro = models.TextField(_("introduction"), max_length=600, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    # Where it may be created is the site's choice (ibasho.HomePage.subpage_types).
    subpage_types = ["spaces.SpacePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("space index page")

    def get_listing_context(self, request):
        return listing_context(request, index_page=self)


class SpacePage(Page):
    """A drop-in space: where it is, what it is like inside, what happens when you arrive."""

    summary = models.TextField(
        _("summary in plain words"), max_length=400, validators=[MaxLengthValidator(400)]
    )
    body = RichTextField(_("about the space"), features=RICH_TEXT_FEATURES, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("run by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    audience = models.CharField(
        _("for whom"), max_length=20, choices=Audience.choices, default=Audience.PERSON
    )
    features = ParentalManyToManyField(Feature, verbose_name=_("features"), blank=True)
    is_online = models.BooleanField(_("online space"), default=False)
    online_join_url = models.URLField(_("link to join"), blank=True)
    show_join_url = models.BooleanField(
        _("show the join link to everyone"),
        default=False,
        help_text=_(
            "Otherwise it is given on a “just come” date, and after “I might come” or a "
            "confirmed booking."
        ),
    )
    online_how_to_join = models.TextField(
        _("how to join online"),
        max_length=600,
        blank=True,
        validators=[MaxLengthValidator(600)],
        help_text=_("e.g. which app opens, and that the display name can be a nickname."),
    )
    location_policy = models.CharField(
        _("address shown"),
        max_length=20,
        choices=LocationPolicy.choices,
        default=LocationPolicy.PUBLIC,
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    access_station = models.CharField(_("nearest station"), max_length=200, blank=True)
    access_bus = models.CharField(_("by bus"), max_length=200, blank=True)
    access_parking = models.CharField(_("parking"), max_length=200, blank=True)
    finding_the_door = models.TextField(
        _("how to find the door"), max_length=600, blank=True, validators=[MaxLengthValidator(600)]
    )
    map_url = models.URLField(
        _("map link"), blank=True, help_text=_("Shown as a plain link; no map is embedded.")
    )
    first_visit_guide = RichTextField(
        _("your first visit"),
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text=_("What happens when someone arrives for the first time."),
    )
    first_visit_contact = models.CharField(
        _("before a first visit"),
        max_length=200,
        blank=True,
        help_text=_("e.g. “You may phone first if you like, but you don't have to.”"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("photos", heading=_("photos: the room and the entrance"), label=_("photo")),
        FieldRowPanel([FieldPanel("organisation"), FieldPanel("area"), FieldPanel("audience")]),
        FieldPanel("features", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [
                FieldPanel("location_policy"),
                FieldPanel("address"),
                FieldPanel("access_station"),
                FieldPanel("access_bus"),
                FieldPanel("access_parking"),
                FieldPanel("finding_the_door"),
                FieldPanel("map_url"),
            ],
            heading=_("address and access"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("is_online"),
                FieldPanel("online_join_url"),
                FieldPanel("show_join_url"),
                FieldPanel("online_how_to_join"),
            ],
            heading=_("online"),
        ),
        MultiFieldPanel(
            [FieldPanel("first_visit_guide"), FieldPanel("first_visit_contact")],
            heading=_("first visit"),
        ),
    ]
    # Site search (ibasho.search) finds a space by its town and station too; the address only
    # when it is public, so a search never confirms where a hidden space is.
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("access_station"),
        index.SearchField("public_address"),
        index.RelatedFields(
            "area",
            [index.SearchField("name"), index.RelatedFields("parent", [index.SearchField("name")])],
        ),
    ]
    parent_page_types = ["spaces.SpaceIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("space")

    # The page in the site's main language, which owns statuses and dates.
    source = property(source_page)

    @property
    def address_is_public(self):
        return self.location_policy == LocationPolicy.PUBLIC

    @property
    def map_link(self):
        """A plain link to a map site: the one staff gave, else an OpenStreetMap search for the
        address. Only a link (nothing is loaded from it), and shown only where the address is."""
        if self.map_url:
            return self.map_url
        if not self.address:
            return ""
        return "https://www.openstreetmap.org/search?" + urlencode({"query": self.address})

    def public_address(self):
        """What search may index of the address: what a public page shows (the rule's home)."""
        return self.address if shows_address(self) else ""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(space_context(request, space=self))
        return context


def attach_openings(spaces, *, now=None):
    """Give each page (in any language) `.opening`, read from its main-language page."""
    sources = source_pages(spaces)
    openings = openings_for(list({s.pk: s for s in sources.values()}.values()), now=now)
    for space in spaces:
        space.opening = openings[sources[space.pk].pk]
    return spaces


def first_to_open(spaces):
    """Of spaces given `.opening`, the one that opens soonest, or None when none has a date."""
    ahead = [s for s in spaces if s.opening.opens_next is not None]
    return min(ahead, key=lambda s: s.opening.opens_next, default=None)


def listing_context(request, *, index_page):
    form = SpaceFilterForm(request.GET)
    spaces = (
        SpacePage.objects.live()
        .public()
        .child_of(index_page)
        .select_related("area", "area__parent", "organisation")
        .prefetch_related("features")
        .order_by("path")
    )
    if not form.is_valid():
        return {"filter_form": form, "filter_error": True, "spaces": []}
    data = form.cleaned_data
    if data["area"]:
        # The same rule as the dates' filter: an area includes the towns within it.
        spaces = spaces.filter(filter_q({"area": data["area"]}, space=""))
    if data["audience"]:
        spaces = spaces.filter(audience__in=[data["audience"], "both"])
    for code in data["feature"]:
        spaces = spaces.filter(features__code=code)
    if data["online"]:
        spaces = spaces.filter(is_online=True)
    spaces = attach_openings(list(spaces))
    if data["open"] == "now":
        spaces = [s for s in spaces if s.opening.is_open_now]
    elif data["open"] == "today":
        spaces = [s for s in spaces if s.opening.is_open_today]
    return {"filter_form": form, "spaces": spaces}


def space_context(request, *, space, days=14):
    """A space page: is it open, its live status, and its dates for the next two weeks."""
    attach_openings([space])
    now = timezone.now()
    occurrences = list(
        Occurrence.objects.live()
        .at_space(space.source)
        .upcoming(now)
        .filter(start__lt=now + dt.timedelta(days=days))
        .select_related("event")
        .order_by("start")
    )
    events = pages_in_current_language({o.event for o in occurrences})
    modes = {o.event.join_mode for o in occurrences if not o.is_cancelled}
    attach_booking_state(occurrences, now)
    for occurrence in occurrences:
        occurrence.display_event = events[occurrence.event_id]
    attach_event_urls(occurrences, request)
    return {
        "occurrences": occurrences,
        "json_ld": to_json_ld(place_data(space, request)),
        "feed_url": feed_url({"space": space.slug}),
        "calendar_page_url": calendar_page_url({"space": space.slug}),
        # A public page: nobody reading it has a place (events.schedule.places).
        "show_address": shows_address(space),
        "show_join_link": shows_join_link(space, just_come=JoinMode.JUST_COME in modes),
        "join_after_maybe": JoinMode.MAYBE in modes,
    }


def area_choices():
    """Areas in the reader's language, towns indented under their health-service area."""
    areas = Area.objects.filter(locale__language_code=get_language()).select_related("parent")
    regions = [a for a in areas if a.parent_id is None]
    choices = []
    for region in regions:
        choices.append((region.slug, region.name))
        choices.extend((a.slug, f"　{a.name}") for a in areas if a.parent_id == region.pk)
    return choices


def organisation_choices():
    """Organisations that run spaces, by the id of the main-language record (which the dates'
    spaces point to), named in the reader's language."""
    organisations = Organisation.objects.filter(
        locale__language_code=settings.LANGUAGE_CODE,
        pk__in=SpacePage.objects.live().values("organisation"),
    )
    names = pages_in_current_language(organisations)
    return [(str(o.pk), names[o.pk].name) for o in organisations]


def space_choices():
    """Live spaces by slug (which their translations share), named in the reader's language
    where they have been translated into it."""
    named = {}
    rows = SpacePage.objects.live().values_list("slug", "title", "locale__language_code")
    for slug, title, language in rows:
        if language == get_language() or slug not in named:
            named[slug] = title
    return list(named.items())


OPEN_CHOICES = [("", _("Any day")), ("now", _("Open now")), ("today", _("Open today"))]


class SpaceFilterForm(forms.Form):
    """The filters of `/spaces/`, from the query string."""

    filter_fields = ("area", "audience", "feature", "open", "online")

    area = forms.ChoiceField(label=_("area"), required=False)
    audience = forms.ChoiceField(
        label=_("for whom"), choices=[("", _("Everyone")), *Audience.choices], required=False
    )
    feature = forms.MultipleChoiceField(
        label=_("features"),
        choices=FeatureCode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    open = forms.ChoiceField(label=_("when"), choices=OPEN_CHOICES, required=False)
    online = forms.BooleanField(label=_("online spaces only"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("Everywhere")), *area_choices()]

    def has_filters(self):
        """Whether the query string sets a filter (even one that turns out invalid)."""
        return any(self[name].value() for name in self.filter_fields)
