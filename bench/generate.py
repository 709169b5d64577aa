"""Fill a benchmark database: 200 events with about 10,000 dates over the horizon, at 20
spaces in 4 areas, with some cancelled and moved dates. Run through `python -m bench.generate`;
`BENCH_SERIES` sets another number of events (the dates grow with it)."""

import datetime as dt
import os
import random

import django


def main():
    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from events.changes.services import cancel_occurrence, move_occurrence
    from events.models import EventIndexPage, EventPage, Occurrence, ScheduleRule
    from ibasho.models import HomePage
    from spaces.models import Area, SpaceIndexPage, SpacePage

    call_command("migrate", verbosity=0)
    home = HomePage.objects.get(locale__language_code="ja")
    locale = home.locale
    random.seed(7)
    spaces_index = home.add_child(instance=SpaceIndexPage(title="居場所をさがす", slug="spaces"))
    events_index = home.add_child(instance=EventIndexPage(title="日程", slug="events"))
    areas = [
        Area.objects.create(name=f"圏域{i}", slug=f"area-{i}", level="region", locale=locale)
        for i in range(4)
    ]
    spaces = []
    for i in range(20):
        space = SpacePage(
            title=f"居場所{i}", slug=f"space-{i}", summary="静かに過ごせます。", area=areas[i % 4]
        )
        spaces_index.add_child(instance=space)
        space.save_revision().publish()
        spaces.append(space)
    today = timezone.localdate()
    weekdays = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    kinds = ["drop_in", "family_group", "peer_session", "seminar", "consultation"]
    series = int(os.environ.get("BENCH_SERIES", "200"))
    for i in range(series):
        event = EventPage(
            title=f"集まり{i}",
            slug=f"event-{i}",
            kind=kinds[i % len(kinds)],
            summary="予約はいりません。",
            space=spaces[i % 20],
        )
        event.rules = [
            ScheduleRule(
                frequency="weekly",
                start_date=today,
                start_time=dt.time(10 + i % 8),
                end_time=dt.time(12 + i % 8),
                weekdays=random.sample(weekdays, 2),
            )
        ]
        events_index.add_child(instance=event)
        event.save_revision().publish()
    # Holidays already cancel some dates; of the others about a tenth are cancelled, some moved.
    upcoming = list(
        Occurrence.objects.scheduled().filter(start__gt=timezone.now() + dt.timedelta(hours=1))
    )
    random.shuffle(upcoming)
    cancelled, moved = series * 5, series * 6
    for occurrence in upcoming[:cancelled]:
        cancel_occurrence(occurrence=occurrence, message="お休みです")
    for occurrence in upcoming[cancelled:moved]:
        move_occurrence(
            occurrence=occurrence,
            start=occurrence.start + dt.timedelta(hours=1),
            end=occurrence.end + dt.timedelta(hours=1),
        )
    print(f"{EventPage.objects.count()} events, {Occurrence.objects.count()} dates")


if __name__ == "__main__":
    main()
