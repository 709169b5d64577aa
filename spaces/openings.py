"""Is a space open now, today, and when does it open next? Read for many spaces at once with a
fixed number of queries, from the drop-in dates (events) and the live statuses."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from events.schedule.models import EventKind, Occurrence
from events.schedule.recurrence import start_of_day

from .directory import LiveStatus, LiveStatusKind

# Only drop-in openings make a space "open"; a talk or a booked session in the room does not.
OPENING_KINDS = [EventKind.DROP_IN]


@dataclass
class Opening:
    """What a person deciding whether to go out needs to know about one space."""

    now: dt.datetime
    status: LiveStatus | None = None
    today: list = field(default_factory=list)  # today's scheduled openings, in order
    next_start: dt.datetime | None = None

    @property
    def closed_by_status(self):
        return self.status is not None and self.status.kind == LiveStatusKind.CLOSED_TODAY

    @property
    def current(self):
        for occurrence in self.today:
            if occurrence.start <= self.now < occurrence.end:
                return occurrence
        return None

    @property
    def is_open_now(self):
        if self.closed_by_status:
            return False
        if self.status is not None and self.status.kind == LiveStatusKind.OPEN:
            return True
        return self.current is not None

    @property
    def later_today(self):
        return [o for o in self.today if o.start > self.now]

    @property
    def is_open_today(self):
        if self.closed_by_status:
            return False
        return self.is_open_now or bool(self.later_today)

    @property
    def opens_next(self):
        """When it opens next, if not open now: later today, or the next date."""
        if self.is_open_now:
            return None
        if not self.closed_by_status and self.later_today:
            return self.later_today[0].start
        return self.next_start


def openings_for(spaces, *, now=None):
    """{space pk: Opening} for pages in the site's main language. Three queries in all."""
    now = now or timezone.now()
    pks = [s.pk for s in spaces]
    openings = {pk: Opening(now=now) for pk in pks}
    if not pks:
        return openings
    day_start = start_of_day(now)
    day_end = day_start + dt.timedelta(days=1)
    for status in LiveStatus.objects.current(now).filter(space_id__in=pks).order_by("starts_at"):
        openings[status.space_id].status = status  # the newest one wins
    scheduled = (
        Occurrence.objects.live()
        .scheduled()
        .filter(space_id__in=pks, event__kind__in=OPENING_KINDS)
    )
    for occurrence in scheduled.between(day_start, day_end).filter(end__gt=now).order_by("start"):
        openings[occurrence.space_id].today.append(occurrence)
    # The first date after today, per space: each an ORDER BY start LIMIT 1 along the index on
    # (space, status, start), which stops at the first drop-in date however long the schedule.
    first = (
        scheduled.filter(space_id=OuterRef("pk"), start__gte=day_end)
        .order_by("start")
        .values("start")[:1]
    )
    space_pages = Occurrence._meta.get_field("space").related_model  # pages read openings
    upcoming = space_pages.objects.filter(pk__in=pks).annotate(first=Subquery(first))
    for pk, start in upcoming.values_list("pk", "first"):
        openings[pk].next_start = start
    return openings
