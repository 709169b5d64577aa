"""The directory behind the space pages: the organisations that run them, the areas they
serve, their comfort features, photos, and the short-lived live statuses staff set."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable, TranslatableMixin
from wagtail.snippets.models import register_snippet

from events.schedule.notices import notice


class OrganisationKind(models.TextChoices):
    PREFECTURAL_CENTRE = "prefectural_centre", _("Prefectural support centre")
    MUNICIPAL_CENTRE = "municipal_centre", _("Municipal support centre")
    NPO = "npo", _("NPO")
    FAMILY_ASSOCIATION = "family_association", _("Family association")
    PEER_GROUP = "peer_group", _("Peer group")


@register_snippet
class Organisation(TranslatableMixin, models.Model):
    """A body that runs spaces and events: a centre, an NPO, a family association."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    panels = [FieldPanel("name"), FieldPanel("kind"), FieldPanel("website"), FieldPanel("phone")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("organisation")
        ordering = ["name"]

    def __str__(self):
        return self.name


class AreaLevel(models.TextChoices):
    REGION = "region", _("Health-service area (圏域)")
    MUNICIPALITY = "municipality", _("Municipality")


@register_snippet
class Area(TranslatableMixin, models.Model):
    """Where people filter by: a prefecture's health-service areas and, under them, towns."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, help_text=_("Used in filter links."))
    level = models.CharField(_("level"), max_length=20, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
        FieldRowPanel([FieldPanel("level"), FieldPanel("parent")]),
        FieldPanel("sort_order"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("area")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["locale", "slug"], name="area_unique_slug_per_locale"),
        ]

    def __str__(self):
        return self.name


class FeatureCode(models.TextChoices):
    WHEELCHAIR = "wheelchair", _("Wheelchair access")
    QUIET_ROOM = "quiet_room", _("Quiet room")
    WOMEN_ONLY_TIMES = "women_only", _("Women-only times")
    NO_SELF_INTRODUCTION = "no_introduction", _("No self-introduction")
    COME_AND_GO = "come_and_go", _("Come and go freely")
    CAMERA_OFF = "camera_off", _("Camera off is fine")
    FREE = "free", _("Free of charge")
    SNACKS = "snacks", _("Snacks and drinks")
    FAMILIES_WELCOME = "families_welcome", _("Families welcome")
    NO_CONVERSATION = "silent_ok", _("Fine to stay silent")


class Feature(models.Model):
    """One comfort or accessibility feature. The rows are fixed (made by a migration); their
    names come from the translated choices, so every language has them."""

    code = models.CharField(_("feature"), max_length=30, choices=FeatureCode.choices, unique=True)

    class Meta:
        verbose_name = _("feature")
        ordering = ["pk"]

    def __str__(self):
        return str(FeatureCode(self.code).label)


class LocationPolicy(models.TextChoices):
    PUBLIC = "public", _("Show the exact address to everyone")
    AFTER_SIGNUP = "after_signup", _("Show only the area until a sign-up is confirmed")


class PhotoKind(models.TextChoices):
    ROOM = "room", _("The room")
    ENTRANCE = "entrance", _("The entrance")
    OTHER = "other", _("Other")


class SpacePhoto(Orderable):
    """A photo so people can see the place before they come."""

    page = ParentalKey("spaces.SpacePage", on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(
        _("shows"), max_length=10, choices=PhotoKind.choices, default=PhotoKind.ROOM
    )
    alt_text = models.CharField(_("description for screen readers"), max_length=200)
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    panels = [
        FieldPanel("image"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("alt_text")]),
        FieldPanel("caption"),
    ]


class LiveStatusKind(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED_TODAY = "closed_today", _("Closed today")
    QUIET_TODAY = "quiet_today", _("Quiet today")
    RUNNING_LATE = "running_late", _("Opening a little late")
    FULL = "full", _("Full right now")
    ONLINE_ONLY = "online_only", _("Online only today")


class LiveStatusQuerySet(models.QuerySet):
    def current(self, now=None):
        now = now or timezone.now()
        return self.filter(starts_at__lte=now).filter(Q(ends_at__gt=now))


class LiveStatus(models.Model):
    """A short-lived note on a space ("quiet today", "closed today") that ends by itself."""

    space = models.ForeignKey(
        "spaces.SpacePage", on_delete=models.CASCADE, related_name="live_statuses"
    )
    kind = models.CharField(_("status"), max_length=20, choices=LiveStatusKind.choices)
    message = models.CharField(_("short message"), max_length=200, blank=True)
    message_en = models.CharField(
        _("short message in English"),
        max_length=200,
        blank=True,
        help_text=_("Optional. Without it, English pages show the Japanese, saying so."),
    )
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LiveStatusQuerySet.as_manager()

    class Meta:
        verbose_name = _("live status")
        verbose_name_plural = _("live statuses")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="status_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["space", "ends_at"], name="livestatus_space_end")]

    def __str__(self):
        return f"{self.space.title}: {self.get_kind_display()}"

    @property
    def notice(self):
        return notice(self.message, self.message_en)

    @staticmethod
    def end_of_today(now=None):
        local = timezone.localtime(now or timezone.now())
        return timezone.make_aware(
            dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time.min)
        )
