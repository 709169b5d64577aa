"""The schedule's data: the rules of an event, the dates they make (occurrences), the series
calendars know them by, and the days the centre is closed. The event pages themselves live in
events.pages; here they are named only by the string "events.EventPage"."""

import datetime as dt
import functools

import holidays
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable

from . import recurrence
from .notices import in_reader_language, notice

# Sent with `event` (and `spaces`, pks of other spaces concerned) when dates were created or
# changed in bulk, which sends no post_save, or moved away from a space: caches listen.
occurrences_changed = Signal()


def holiday_name(day):
    """The name of a Japanese national holiday in the reader's language, or ""."""
    language = "ja" if (get_language() or "ja").startswith("ja") else "en_US"
    return _holidays(day.year, language).get(day, "")


@functools.lru_cache(maxsize=32)
def _holidays(year, language):
    # Building the table is slow, and a feed asks for hundreds of dates.
    return holidays.country_holidays("JP", years=year, language=language)


RICH_TEXT_FEATURES = ["bold", "link", "ol", "ul"]


class EventKind(models.TextChoices):
    DROP_IN = "drop_in", _("Drop-in space opening")
    FAMILY_GROUP = "family_group", _("Family group")
    FAMILY_CLASS = "family_class", _("Family class (a course)")
    PEER_SESSION = "peer_session", _("Peer session")
    SEMINAR = "seminar", _("Seminar or talk")
    TRAINING = "training", _("Training")
    CONSULTATION = "consultation", _("Consultation day")


class Audience(models.TextChoices):
    PERSON = "person", _("The person concerned")
    FAMILIES = "families", _("Families")
    BOTH = "both", _("The person and families")
    SUPPORTERS = "supporters", _("Supporters and the community")


class HolidayPolicy(models.TextChoices):
    SKIP = "skip", _("Closed on national holidays")
    OPEN = "open", _("Open on national holidays")


class FilteredIndexMixin:
    """An index page listing what its query-string filters select. A malformed filter (a broken
    or hand-edited link) gets the page back with a kind message and status 400, never a 500."""

    def get_listing_context(self, request):
        raise NotImplementedError

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self.get_listing_context(request))
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if (getattr(response, "context_data", None) or {}).get("filter_error"):
            response.status_code = 400
        return response


WEEKDAY_CHOICES = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]


class WeekdaysField(models.CharField):
    """A set of weekdays as RFC 5545 codes, stored as "MO,TH", edited as checkboxes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [v for v in value if v]
        return [v for v in (value or "").split(",") if v]

    def get_prep_value(self, value):
        codes = self.to_python(value)
        return ",".join(c for c, _label in WEEKDAY_CHOICES if c in codes)

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=WEEKDAY_CHOICES,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label=self.verbose_name,
            help_text=self.help_text,
        )


class Frequency(models.TextChoices):
    ONCE = recurrence.Frequency.ONCE, _("Once")
    WEEKLY = recurrence.Frequency.WEEKLY, _("Every week (or every few weeks)")
    MONTHLY_BY_WEEKDAY = (
        recurrence.Frequency.MONTHLY_BY_WEEKDAY,
        _("Monthly on a weekday, e.g. 2nd Saturday"),
    )
    MONTHLY_BY_DAY = recurrence.Frequency.MONTHLY_BY_DAY, _("Monthly on a date, e.g. the 15th")


NTH_CHOICES = [
    (1, _("1st")),
    (2, _("2nd")),
    (3, _("3rd")),
    (4, _("4th")),
    (5, _("5th")),
    (-1, _("last")),
]


class ScheduleRule(Orderable):
    """One time slot and the dates it repeats on, e.g. "2nd and 4th Saturday, 10:00–12:00"."""

    page = ParentalKey("events.EventPage", on_delete=models.CASCADE, related_name="rules")
    frequency = models.CharField(
        _("repeats"), max_length=20, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    start_date = models.DateField(_("first date"))
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    interval = models.PositiveSmallIntegerField(
        _("every"),
        default=1,
        help_text=_("1 = every week or month, 2 = every other one, …"),
    )
    weekdays = WeekdaysField(
        _("on"), help_text=_("Weekly or monthly rules: the weekdays. Empty = the first date's.")
    )
    nth = models.SmallIntegerField(
        _("which one in the month"), choices=NTH_CHOICES, null=True, blank=True
    )
    day_of_month = models.SmallIntegerField(
        _("day of the month"),
        null=True,
        blank=True,
        help_text=_("1–31, or -1 for the last day. Months without that day are skipped."),
    )
    until = models.DateField(_("last date"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("or: number of times"), null=True, blank=True)
    rrule = models.CharField(_("RFC 5545 rule"), max_length=300, blank=True, editable=False)

    panels = [
        FieldRowPanel([FieldPanel("frequency"), FieldPanel("interval")]),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("start_time"), FieldPanel("end_time")]),
        FieldPanel("weekdays"),
        FieldRowPanel([FieldPanel("nth"), FieldPanel("day_of_month")]),
        FieldRowPanel([FieldPanel("until"), FieldPanel("count")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("schedule rule")
        constraints = [
            models.CheckConstraint(condition=Q(interval__gte=1), name="rule_interval_positive"),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(count__isnull=True),
                name="rule_until_or_count",
            ),
        ]

    def __str__(self):
        return self.rrule or f"{self.start_date} {self.start_time}"

    @property
    def pattern(self):
        return recurrence.Pattern(
            frequency=self.frequency,
            start_date=self.start_date,
            start_time=self.start_time,
            end_time=self.end_time,
            interval=self.interval or 1,
            weekdays=tuple(self.weekdays or ()),
            nth=self.nth,
            day_of_month=self.day_of_month,
            until=self.until,
            count=self.count,
        )

    def clean(self):
        errors = {}
        if self.start_time and self.end_time and self.start_time == self.end_time:
            errors["end_time"] = _("The end time must differ from the start time.")
        if self.until and self.start_date and self.until < self.start_date:
            errors["until"] = _("The last date comes before the first date.")
        if self.until and self.count:
            errors["count"] = _("Give a last date or a number of times, not both.")
        longest = dt.timedelta(days=366 * recurrence.MAX_RULE_YEARS)
        if self.start_date and self.until and self.until > self.start_date + longest:
            errors["until"] = _("A schedule can run for at most %(years)d years.") % {
                "years": recurrence.MAX_RULE_YEARS
            }
        if self.count and self.count > recurrence.MAX_OCCURRENCES_PER_RULE:
            errors["count"] = _("At most %(max)d dates per rule.") % {
                "max": recurrence.MAX_OCCURRENCES_PER_RULE
            }
        if self.interval and self.interval > 12:
            errors["interval"] = _("Choose a number from 1 to 12.")
        if self.frequency == Frequency.MONTHLY_BY_WEEKDAY and not self.nth:
            errors["nth"] = _("Choose which weekday of the month, e.g. the 2nd.")
        if self.frequency == Frequency.MONTHLY_BY_DAY:
            if self.day_of_month is None:
                errors["day_of_month"] = _("Choose the day of the month.")
            elif not (1 <= self.day_of_month <= 31 or self.day_of_month == -1):
                errors["day_of_month"] = _("Use 1 to 31, or -1 for the last day.")
        if errors:
            raise ValidationError(errors)
        if self.start_date and self.start_time and self.end_time:
            horizon = self.start_date + dt.timedelta(days=366 * recurrence.MAX_RULE_YEARS)
            if not recurrence.local_starts(self.pattern, until=horizon):
                raise ValidationError(
                    _("This rule produces no dates. Please check it."), code="no_dates"
                )

    def save(self, *args, **kwargs):
        self.rrule = recurrence.rrule_text(self.pattern)
        super().save(*args, **kwargs)


class OccurrenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class CancelReason(models.TextChoices):
    NONE = "", _("—")
    STAFF = "staff", _("Cancelled by the organiser")
    HOLIDAY = "holiday", _("National holiday")
    CLOSURE = "closure", _("Closed until further notice")
    CLOSED_DAYS = "closed_days", _("Closed days of the centre")
    SCHEDULE_CHANGED = "schedule_changed", _("No longer in the schedule")


class ClosedDaysQuerySet(models.QuerySet):
    def for_event(self, event, *, since):
        """Closed days that touch this event: the whole centre's, and its own space's."""
        scope = Q(space__isnull=True)
        if event.space_id is not None:
            scope |= Q(space_id=event.space.source.pk)
        return self.filter(scope, last_day__gte=since)


class ClosedDays(models.Model):
    """Days the centre (or one space) is closed, such as the New Year holidays: every date of
    every event there is cancelled with this message, and comes back if the days are removed."""

    first_day = models.DateField(_("first closed day"))
    last_day = models.DateField(_("last closed day"))
    space = models.ForeignKey(
        "spaces.SpacePage",
        verbose_name=_("space"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Leave empty when the whole centre is closed."),
    )
    message = models.CharField(
        _("message"),
        max_length=200,
        help_text=_("Shown on each cancelled date, e.g. “Closed for the New Year holidays.”"),
    )
    message_en = models.CharField(
        _("message in English"),
        max_length=200,
        blank=True,
        help_text=_("Optional. Without it, English pages show the Japanese, saying so."),
    )

    objects = ClosedDaysQuerySet.as_manager()

    class Meta:
        verbose_name = _("closed days")
        verbose_name_plural = _("closed days")
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="closed_days_in_order"
            ),
        ]

    def __str__(self):
        if self.first_day == self.last_day:
            return f"{self.first_day:%Y-%m-%d} {self.message}"
        return f"{self.first_day:%Y-%m-%d}–{self.last_day:%Y-%m-%d} {self.message}"

    def save(self, *args, **kwargs):
        if self.space_id is not None:
            self.space = self.space.source  # dates hang on the main-language page
        super().save(*args, **kwargs)

    def clean(self):
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": _("The last day cannot come before the first day.")})
        if self.first_day and self.last_day and (self.last_day - self.first_day).days > 366:
            raise ValidationError(
                {
                    "last_day": _(
                        "That is more than a year. For a long closure, use “closed until "
                        "further notice” on the event."
                    )
                }
            )

    def covers(self, day):
        return self.first_day <= day <= self.last_day

    @property
    def notice(self):
        return notice(self.message, self.message_en)


class Series(models.Model):
    """One version of one recurring rule of an event, as calendar feeds describe it: a single
    VEVENT with an RRULE instead of a VEVENT per date. The dates it made carry its key.

    Kept when the rule changes (the dates it made stay, cancelled or past), so that feeds can
    still describe those dates as the instances of the series calendars already have."""

    event = models.ForeignKey("events.EventPage", on_delete=models.CASCADE, related_name="series")
    key = models.CharField(max_length=16)
    rrule = models.CharField(max_length=300)
    start_time = models.TimeField()
    duration = models.DurationField()
    # Starts the rule makes between its first and last stored date that have no date of this
    # series (another rule of the event had the same start): UTC, "YYYYMMDDTHHMMSSZ", comma
    # separated. Feeds list them as EXDATE so that calendars expand exactly the stored dates.
    exdates = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "key"], name="series_unique_per_event")
        ]

    def __str__(self):
        return f"{self.event_id} {self.rrule}"


class OccurrenceQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(status=OccurrenceStatus.SCHEDULED)

    def between(self, start, end):
        """Occurrences overlapping [start, end)."""
        return self.filter(start__lt=end, end__gt=start)

    def on_day(self, day):
        zone = recurrence.site_zone()
        start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
        return self.between(start, start + dt.timedelta(days=1))

    def upcoming(self, now=None):
        return self.filter(end__gt=now or timezone.now())

    def at_space(self, space):
        return self.filter(space=space)

    def live(self):
        return self.filter(event__live=True)


class Occurrence(models.Model):
    """One dated session of an event. Identified forever by its event and the start its rule
    gave it (`original_start`, the RFC 5545 RECURRENCE-ID), even after it is moved."""

    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="occurrences",
    )
    original_start = models.DateTimeField(_("date in the schedule"))
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    space = models.ForeignKey(
        "spaces.SpacePage",
        verbose_name=_("space"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="occurrences",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OccurrenceStatus.choices,
        default=OccurrenceStatus.SCHEDULED,
    )
    cancel_reason = models.CharField(
        _("why it is cancelled"),
        max_length=20,
        choices=CancelReason.choices,
        blank=True,
        default="",
    )
    message = models.CharField(
        _("message"),
        max_length=300,
        blank=True,
        help_text=_("Shown with this date, e.g. why it is cancelled or what is different."),
    )
    message_en = models.CharField(
        _("message in English"),
        max_length=300,
        blank=True,
        help_text=_("Optional. Without it, English pages show the Japanese, saying so."),
    )
    capacity = models.PositiveSmallIntegerField(_("places on this date"), null=True, blank=True)
    # Everyone who came, counted by staff at the door: the only count a "just come" date has.
    head_count = models.PositiveSmallIntegerField(
        _("people who came (everyone)"), null=True, blank=True
    )
    edited = models.BooleanField(
        _("changed by staff"),
        default=False,
        help_text=_("Schedule edits leave the time, place and status of this date alone."),
    )
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    # The version of the recurring rule that made this date (see Series), set once when the
    # date is created and never changed, because calendars know the date by it; "" for a
    # one-off date.
    series_key = models.CharField(max_length=16, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("date")
        verbose_name_plural = _("dates")
        ordering = ["start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "original_start"], name="occurrence_unique_per_event"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="occurrence_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status=OccurrenceStatus.CANCELLED) | Q(cancel_reason=""),
                name="occurrence_reason_only_when_cancelled",
            ),
        ]
        indexes = [
            models.Index(fields=["start"], name="occurrence_start"),
            # The next date to end (ibasho.page_cache.next_change), found without a scan.
            models.Index(fields=["end"], name="occurrence_end"),
            models.Index(fields=["space", "start"], name="occurrence_space_start"),
            # A space's next date (spaces/openings.py): scheduled dates in order, per space.
            models.Index(fields=["space", "status", "start"], name="occurrence_space_status_start"),
        ]

    def __str__(self):
        local = timezone.localtime(self.start)
        return f"{self.event.title} {local:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return self.event.url

    @property
    def display_message(self):
        """The message for this date in the reader's language (holiday names included), as a
        Notice (events.schedule.notices): the one rule for pages, feeds and e-mail."""
        if self.cancel_reason == CancelReason.HOLIDAY and not self.message:
            name = holiday_name(self.local_date)
            return in_reader_language(
                _("Closed for the national holiday (%(name)s).") % {"name": name}
            )
        return notice(self.message, self.message_en)

    @property
    def local_date(self):
        return timezone.localtime(self.start, recurrence.site_zone()).date()

    @property
    def is_cancelled(self):
        return self.status == OccurrenceStatus.CANCELLED

    @property
    def is_moved(self):
        return self.start != self.original_start or (
            self.space_id is not None and self.space_id != self.event.space_id
        )

    @property
    def effective_capacity(self):
        return self.capacity if self.capacity is not None else self.event.capacity

    def signups_closed(self, now=None):
        """Why nobody can sign up for (or change a place on) this date now: "cancelled",
        "past" (it has started) or "not_live" (the event is unpublished); None when open. The
        one rule for what a date's status means for a booking."""
        if self.is_cancelled:
            return "cancelled"
        if self.start <= (now or timezone.now()):
            return "past"
        if not self.event.live:
            return "not_live"
        return None
