"""Stored dates follow the schedule; staff exceptions and holidays survive every edit."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from events.changes import services as changes
from events.models import CancelReason, Occurrence, ScheduleRule
from events.pages.models import sync_all_events
from tests.support.dates import JST, at, weekly

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def frozen_moment():
    return at(2026, 8, 31, 9, 0)


def dates(event, **filters):
    return [
        o.start.astimezone(JST).date()
        for o in Occurrence.objects.filter(event=event, **filters).order_by("start")
    ]


def test_publishing_stores_dates_up_to_the_horizon(make_event, settings):
    settings.IBASHO_SCHEDULE_HORIZON_DAYS = 30
    event = make_event(rules=[weekly(D(2026, 9, 1), ["TU"])])
    assert dates(event) == [
        D(2026, 9, 1),
        D(2026, 9, 8),
        D(2026, 9, 15),
        D(2026, 9, 22),
        D(2026, 9, 29),
    ]


def test_japanese_holidays_close_the_day_when_the_event_skips_them(make_event, settings):
    settings.IBASHO_SCHEDULE_HORIZON_DAYS = 30
    skipping = make_event(rules=[weekly(D(2026, 9, 1), ["MO", "TU", "WE"])])
    cancelled = Occurrence.objects.filter(event=skipping, cancel_reason=CancelReason.HOLIDAY)
    # Silver Week 2026: Respect for the Aged Day, the in-between national holiday, Equinox Day.
    assert [o.start.astimezone(JST).date() for o in cancelled] == [
        D(2026, 9, 21),
        D(2026, 9, 22),
        D(2026, 9, 23),
    ]
    assert all(o.is_cancelled for o in cancelled)
    assert "敬老の日" in cancelled[0].display_message
    with translation.override("en"):
        assert "Respect for the Aged Day" in cancelled[0].display_message
    opening = make_event(rules=[weekly(D(2026, 9, 1), ["MO"])], holiday_policy="open")
    assert not Occurrence.objects.filter(event=opening, status="cancelled").exists()


def test_holidays_of_2027_are_known(make_event, settings):
    settings.IBASHO_SCHEDULE_HORIZON_DAYS = 366
    event = make_event(rules=[weekly(D(2026, 9, 1), ["MO"])])
    holidays = dates(event, cancel_reason=CancelReason.HOLIDAY)
    assert D(2027, 1, 11) in holidays  # Coming of Age Day
    assert D(2027, 7, 19) in holidays  # Marine Day
    assert D(2026, 10, 12) in holidays  # Sports Day
    assert D(2027, 1, 4) not in holidays  # an ordinary Monday


def test_editing_the_rule_keeps_staff_exceptions_and_cancels_dropped_dates(make_event, settings):
    settings.IBASHO_SCHEDULE_HORIZON_DAYS = 30
    event = make_event(rules=[weekly(D(2026, 9, 1), ["TU", "FR"])])
    tuesday = Occurrence.objects.get(
        event=event, original_start=dt.datetime(2026, 9, 8, 13, tzinfo=JST)
    )
    friday = Occurrence.objects.get(
        event=event, original_start=dt.datetime(2026, 9, 11, 13, tzinfo=JST)
    )
    changes.cancel_occurrence(occurrence=tuesday, message="研修のためお休みです")
    Occurrence.objects.filter(pk=friday.pk).update(message="")  # untouched by staff
    # Staff change the schedule to Tuesdays only.
    rule = event.rules.get()
    rule.weekdays = ["TU"]
    event.rules = [rule]
    event.save_revision().publish()
    tuesday.refresh_from_db()
    assert tuesday.is_cancelled and tuesday.message == "研修のためお休みです"
    friday.refresh_from_db()
    assert friday.is_cancelled and friday.cancel_reason == CancelReason.SCHEDULE_CHANGED
    assert Occurrence.objects.filter(pk=friday.pk).exists()  # kept, not deleted
    assert dates(event, status="scheduled") == [D(2026, 9, 1), D(2026, 9, 15), D(2026, 9, 29)]


def test_a_dropped_date_comes_back_if_the_rule_produces_it_again(make_event, settings):
    settings.IBASHO_SCHEDULE_HORIZON_DAYS = 14
    event = make_event(rules=[weekly(D(2026, 9, 1), ["TU", "FR"])])
    rule = event.rules.get()
    rule.weekdays = ["TU"]
    event.rules = [rule]
    event.save_revision().publish()
    rule.weekdays = ["TU", "FR"]
    event.rules = [rule]
    event.save_revision().publish()
    assert dates(event, status="cancelled") == []


def test_moving_a_date_keeps_its_identity_and_raises_its_sequence(make_event, settings):
    settings.IBASHO_SCHEDULE_HORIZON_DAYS = 14
    event = make_event(rules=[weekly(D(2026, 9, 1), ["TU"])])
    occurrence = Occurrence.objects.filter(event=event).first()
    moved = changes.move_occurrence(
        occurrence=occurrence,
        start=dt.datetime(2026, 9, 2, 14, tzinfo=JST),
        end=dt.datetime(2026, 9, 2, 16, tzinfo=JST),
        message="この週だけ水曜日です",
    )
    assert moved.pk == occurrence.pk
    assert moved.original_start == occurrence.original_start
    assert moved.sequence == occurrence.sequence + 1
    assert moved.is_moved
    changes.sync_occurrences(event=event)  # the daily job
    moved.refresh_from_db()
    assert moved.start == dt.datetime(2026, 9, 2, 14, tzinfo=JST)


def test_closed_until_further_notice_and_reopening(make_event, settings):
    settings.IBASHO_SCHEDULE_HORIZON_DAYS = 14
    event = make_event(rules=[weekly(D(2026, 9, 1), ["TU"])])
    event.closed_until_further_notice = True
    event.closure_message = "しばらくお休みします。再開はこのページでお知らせします。"
    event.save_revision().publish()
    assert all(
        o.cancel_reason == CancelReason.CLOSURE for o in Occurrence.objects.filter(event=event)
    )
    event.closed_until_further_notice = False
    event.save_revision().publish()
    assert not Occurrence.objects.filter(event=event, status="cancelled").exists()


def test_the_daily_job_extends_the_horizon_and_is_idempotent(make_event, settings):
    settings.IBASHO_SCHEDULE_HORIZON_DAYS = 14
    event = make_event(rules=[weekly(D(2026, 9, 1), ["TU"])])
    before = Occurrence.objects.filter(event=event).count()
    with time_machine.travel(dt.datetime(2026, 9, 30, 3, 10, tzinfo=JST), tick=False):
        assert sync_all_events() > 0
        after = Occurrence.objects.filter(event=event).count()
        assert sync_all_events() == 0
    assert after > before
    assert Occurrence.objects.filter(event=event).count() == after


def test_past_dates_are_never_changed(make_event, settings):
    settings.IBASHO_SCHEDULE_HORIZON_DAYS = 14
    event = make_event(rules=[weekly(D(2026, 9, 1), ["TU"])])
    first = Occurrence.objects.filter(event=event).first()
    with time_machine.travel(dt.datetime(2026, 9, 3, 9, 0, tzinfo=JST), tick=False):
        event.rules = []
        event.save_revision().publish()
    first.refresh_from_db()
    assert not first.is_cancelled  # it happened; history stays as it was


def rule(**fields):
    base = {
        "frequency": "weekly",
        "start_date": D(2026, 9, 1),
        "start_time": dt.time(13),
        "end_time": dt.time(16),
        "weekdays": ["TU"],
    }
    return ScheduleRule(**{**base, **fields})


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"end_time": dt.time(13)}, "end_time"),
        ({"until": D(2026, 8, 1)}, "until"),
        ({"until": D(2040, 1, 1)}, "until"),
        ({"count": 5000}, "count"),
        ({"until": D(2026, 12, 1), "count": 3}, "count"),
        ({"frequency": "monthly_weekday"}, "nth"),
        ({"frequency": "monthly_day"}, "day_of_month"),
        ({"frequency": "monthly_day", "day_of_month": 32}, "day_of_month"),
        ({"interval": 50}, "interval"),
    ],
)
def test_bad_rules_are_refused_with_a_message(fields, field):
    with pytest.raises(ValidationError) as error:
        rule(**fields).clean()
    assert field in error.value.message_dict


def test_a_rule_that_produces_nothing_is_refused():
    empty = rule(frequency="monthly_weekday", weekdays=["MO"], nth=5, until=D(2026, 9, 20))
    with pytest.raises(ValidationError) as error:
        empty.clean()
    assert error.value.error_list[0].code == "no_dates"


def test_rule_stores_its_rfc5545_form(make_event):
    event = make_event(rules=[weekly(D(2026, 9, 1), ["TU", "FR"], interval=2)])
    assert event.rules.get().rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR"
