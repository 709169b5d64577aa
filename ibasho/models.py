from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from events.pages.models import EventIndexPage
from spaces.pages import SpaceIndexPage, SpacePage, attach_openings, first_to_open

from .blocks import ArticleStreamBlock

# Letters, digits and the usual punctuation; no control characters in one-line fields.
no_control_characters = RegexValidator(
    r"[\x00-\x1f\x7f]", inverse_match=True, message=_("Please remove line breaks and tabs.")
)


def in_language(ja_text, en_text):
    """The English variant of a paired field when the page is in English and it is filled in,
    otherwise the Japanese one. Used for site-wide settings, which are not per locale."""
    if en_text and (get_language() or "").startswith("en"):
        return en_text
    return ja_text


def local_government_check_digit(first_five):
    """The sixth digit of a 全国地方公共団体コード (総務省, JIS X 0401/0402 with a check digit):
    the first five digits weighted 6, 5, 4, 3, 2, summed, and the ones digit of 11 minus the
    remainder by 11 (11 minus the sum itself when it is under 11, which is the same number)."""
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return str((11 - total % 11) % 10)


def validate_local_government_code(value):
    """Six digits whose last is the check digit of the first five (e.g. 滋賀県 250007)."""
    if not (len(value) == 6 and value.isascii() and value.isdigit()):
        raise ValidationError(
            _("A local government code is six digits, for example 250007."), code="format"
        )
    if value[5] != local_government_check_digit(value[:5]):
        raise ValidationError(
            _(
                "The last digit of this code does not match the first five. Please check it "
                "against the list of local government codes: starting %(first)s, the code "
                "would be %(code)s."
            ),
            code="check_digit",
            params={
                "first": value[:5],
                "code": value[:5] + local_government_check_digit(value[:5]),
            },
        )


class Audience(models.TextChoices):
    PERSON = "person", _("For the person concerned")
    FAMILIES = "families", _("For families")
    NEIGHBOURS = "neighbours", _("For neighbours and welfare volunteers")
    SCHOOLS = "schools", _("For schools")


class HomePage(Page):
    """The front page: a welcome, the way in, and (later) what is open today."""

    intro = models.TextField(_("welcome"), max_length=600, blank=True)
    body = StreamField(ArticleStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    # One per locale, all under the tree root.
    parent_page_types = ["wagtailcore.Page"]
    # The apps' index pages go here; they name no parent themselves (no app knows ibasho).
    subpage_types = [
        "spaces.SpaceIndexPage",
        "events.EventIndexPage",
        "ibasho.LearnIndexPage",
        "peers.PeerIndexPage",
    ]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["learn_index"] = LearnIndexPage.objects.live().child_of(self).first()
        context["audiences"] = Audience.choices
        context["space_index"] = SpaceIndexPage.objects.live().child_of(self).first()
        context["event_index"] = EventIndexPage.objects.live().child_of(self).first()
        if context["space_index"] is not None:
            spaces = attach_openings(
                list(
                    SpacePage.objects.live()
                    .public()
                    .child_of(context["space_index"])
                    .order_by("path")
                )
            )
            today = [s for s in spaces if s.opening.is_open_today]
            # Open right now first, then by the time they open.
            today.sort(
                key=lambda s: (not s.opening.is_open_now, s.opening.opens_next or s.opening.now)
            )
            context["open_today"] = today
            # Nothing open today (or no longer, at night): say when and where the next one opens.
            context["opens_next"] = None if today else first_to_open(spaces)
        return context


class LearnIndexPage(Page):
    """`/learn/`: the awareness pages, filterable by who they are written for."""

    intro = models.TextField(_("introduction"), max_length=600, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["ibasho.HomePage"]
    subpage_types = ["ibasho.ArticlePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("awareness index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = ArticlePage.objects.live().public().child_of(self).order_by("path")
        audience = request.GET.get("audience", "")
        if audience in Audience.values:
            articles = articles.filter(audience=audience)
        elif audience:
            context["unknown_filter"] = True
            audience = ""
        context["articles"] = articles
        context["audience"] = audience
        context["audiences"] = Audience.choices
        return context


class ArticlePage(Page):
    """An awareness article, opening with a summary in plain language."""

    summary = models.TextField(
        _("summary in plain words"),
        max_length=400,
        help_text=_("Two or three short sentences that someone who is tired can take in."),
    )
    audience = models.CharField(
        _("written for"), max_length=20, choices=Audience.choices, default=Audience.PERSON
    )
    body = StreamField(ArticleStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("audience"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["ibasho.LearnIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("awareness article")


@register_setting(icon="mail")
class CentreSettings(ClusterableModel, BaseSiteSetting):
    """Who runs this site and how to reach them; shown in every page footer."""

    name = models.CharField(
        _("centre name"), max_length=100, validators=[no_control_characters], blank=True
    )
    name_en = models.CharField(
        _("centre name (English)"), max_length=100, validators=[no_control_characters], blank=True
    )
    reassurance = models.TextField(
        _("a few kind words above the contacts"), max_length=300, blank=True
    )
    reassurance_en = models.TextField(
        _("a few kind words above the contacts (English)"), max_length=300, blank=True
    )
    # The publisher of the open data (events.calendars.open_data): its first columns.
    local_government_code = models.CharField(
        _("local government code"),
        max_length=6,
        blank=True,
        validators=[validate_local_government_code],
        help_text=_(
            "The six-digit 全国地方公共団体コード of the prefecture or municipality that "
            "publishes this site's open data, check digit included (e.g. 250007)."
        ),
    )
    prefecture_name = models.CharField(
        _("prefecture"), max_length=10, validators=[no_control_characters], blank=True
    )
    municipality_name = models.CharField(
        _("municipality"),
        max_length=30,
        validators=[no_control_characters],
        blank=True,
        help_text=_("Left empty when the publisher is the prefecture itself."),
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("name_en")]),
        FieldRowPanel([FieldPanel("reassurance"), FieldPanel("reassurance_en")]),
        InlinePanel("contacts", heading=_("consultation contacts"), label=_("contact")),
        MultiFieldPanel(
            [
                FieldPanel("local_government_code"),
                FieldRowPanel([FieldPanel("prefecture_name"), FieldPanel("municipality_name")]),
            ],
            heading=_("open data publisher"),
        ),
    ]

    class Meta:
        verbose_name = _("centre and contacts")

    @classmethod
    def for_request(cls, request):
        """Wagtail's per-request copy, read once per site generation (see ibasho.chrome)."""
        from . import chrome  # chrome builds on the page cache, which builds on these models

        name = cls.get_cache_attr_name()
        if not hasattr(request, name):
            centre = chrome.centre_settings(request, cls)
            centre._request = request
            setattr(request, name, centre)
        return getattr(request, name)

    @property
    def display_name(self):
        return in_language(self.name, self.name_en)

    @property
    def display_reassurance(self):
        return in_language(self.reassurance, self.reassurance_en)

    @cached_property
    def _all_contacts(self):
        # One query per request for the footer, which shows both groups on every page.
        return list(self.contacts.all())

    @property
    def crisis_contacts(self):
        return [c for c in self._all_contacts if c.is_crisis]

    @property
    def centre_contacts(self):
        return [c for c in self._all_contacts if not c.is_crisis]


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    SNS = "sns", _("SNS / chat")
    WEB = "web", _("Web form")
    VISIT = "visit", _("Visit in person")


class ConsultationContact(Orderable):
    """One way to reach someone: a phone line with its hours, an address, a chat route."""

    settings = ParentalKey(CentreSettings, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    label = models.CharField(_("name"), max_length=100, validators=[no_control_characters])
    label_en = models.CharField(
        _("name (English)"), max_length=100, blank=True, validators=[no_control_characters]
    )
    value = models.CharField(
        _("number, address or account"),
        max_length=200,
        validators=[no_control_characters],
        help_text=_("As people should read it, e.g. 0120-000-000."),
    )
    url = models.URLField(_("link"), blank=True, help_text=_("For web forms and SNS accounts."))
    hours = models.CharField(
        _("hours"), max_length=120, blank=True, validators=[no_control_characters]
    )
    hours_en = models.CharField(
        _("hours (English)"), max_length=120, blank=True, validators=[no_control_characters]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=200, blank=True)
    is_crisis = models.BooleanField(
        _("crisis line"),
        default=False,
        help_text=_("Open late or all night, for when it feels too hard to go on."),
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("is_crisis")]),
        FieldRowPanel([FieldPanel("label"), FieldPanel("label_en")]),
        FieldRowPanel([FieldPanel("value"), FieldPanel("url")]),
        FieldRowPanel([FieldPanel("hours"), FieldPanel("hours_en")]),
        MultiFieldPanel([FieldPanel("note"), FieldPanel("note_en")], heading=_("note")),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("consultation contact")

    def __str__(self):
        return self.label

    @property
    def display_label(self):
        return in_language(self.label, self.label_en)

    @property
    def display_hours(self):
        return in_language(self.hours, self.hours_en)

    @property
    def display_note(self):
        return in_language(self.note, self.note_en)

    @property
    def href(self):
        """Where activating the contact leads: a call, a mail, or its link."""
        if self.kind == ContactKind.PHONE:
            return "tel:" + "".join(ch for ch in self.value if ch.isdigit() or ch == "+")
        if self.kind == ContactKind.EMAIL:
            return "mailto:" + self.value
        return self.url
