""" "Open now", "open today", "opens next", and live statuses that end by themselves."""

import datetime as dt

import pytest
import time_machine

from spaces.openings import openings_for
from spaces.services import clear_live_status, set_live_status
from tests.support.dates import at, weekly

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def space(make_space, make_event):
    # Tuesdays and Fridays 13:00-16:00, set up on Monday 2026-11-30.
    with time_machine.travel(at(2026, 11, 30, 9, 0), tick=False):
        space = make_space()
        make_event(space=space, rules=[weekly(D(2026, 12, 1), ["TU", "FR"])])
    return space


def opening(space, now):
    return openings_for([space], now=now)[space.pk]


def test_open_now_during_a_session(space):
    o = opening(space, at(2026, 12, 1, 14, 0))
    assert o.is_open_now and o.is_open_today
    assert o.current.end == at(2026, 12, 1, 16, 0)


def test_before_a_session_opens_later_today(space):
    o = opening(space, at(2026, 12, 1, 9, 30))
    assert not o.is_open_now and o.is_open_today
    assert o.opens_next == at(2026, 12, 1, 13, 0)


def test_after_a_session_the_next_date_is_shown(space):
    o = opening(space, at(2026, 12, 1, 16, 0))  # closing time exactly
    assert not o.is_open_now and not o.is_open_today
    assert o.opens_next == at(2026, 12, 4, 13, 0)


def test_talks_in_the_room_do_not_make_the_space_open(space, make_event):
    with time_machine.travel(at(2026, 11, 30, 9, 0), tick=False):
        make_event(kind="seminar", space=space, rules=[weekly(D(2026, 12, 2), ["WE"])])
    assert not opening(space, at(2026, 12, 2, 14, 0)).is_open_now


def test_closed_today_status_wins_and_ends_at_midnight(space):
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        set_live_status(space=space, kind="closed_today", message="職員の体調不良のため")
    during = opening(space, at(2026, 12, 1, 14, 0))
    assert not during.is_open_now and not during.is_open_today
    assert during.closed_by_status and during.status.message == "職員の体調不良のため"
    assert during.opens_next == at(2026, 12, 4, 13, 0)
    friday = opening(space, at(2026, 12, 4, 14, 0))  # the status ended by itself
    assert friday.is_open_now and friday.status is None


def test_quiet_today_keeps_the_space_open_with_a_note(space):
    with time_machine.travel(at(2026, 12, 1, 12, 0), tick=False):
        set_live_status(space=space, kind="quiet_today", message="今日は静かです")
    o = opening(space, at(2026, 12, 1, 13, 30))
    assert o.is_open_now and o.status.kind == "quiet_today"


def test_a_new_status_replaces_the_old_one_and_can_be_cleared(space):
    with time_machine.travel(at(2026, 12, 1, 12, 0), tick=False):
        set_live_status(space=space, kind="running_late")
    with time_machine.travel(at(2026, 12, 1, 12, 30), tick=False):
        set_live_status(space=space, kind="full")
    assert opening(space, at(2026, 12, 1, 13, 0)).status.kind == "full"
    with time_machine.travel(at(2026, 12, 1, 13, 30), tick=False):
        clear_live_status(space=space)
    assert opening(space, at(2026, 12, 1, 14, 0)).status is None


def test_staff_can_open_a_space_outside_its_schedule(space):
    with time_machine.travel(at(2026, 12, 2, 10, 0), tick=False):  # a Wednesday
        set_live_status(space=space, kind="open", message="今日は臨時で開けています")
    assert opening(space, at(2026, 12, 2, 11, 0)).is_open_now


def test_a_cancelled_session_does_not_count(space):
    from events.changes.services import cancel_occurrence
    from events.models import Occurrence

    with time_machine.travel(at(2026, 11, 30, 9, 0), tick=False):
        cancel_occurrence(
            occurrence=Occurrence.objects.filter(space=space).first(), message="お休み"
        )
    o = opening(space, at(2026, 12, 1, 14, 0))
    assert not o.is_open_now and not o.is_open_today


def test_openings_of_many_spaces_take_three_queries(make_space, django_assert_num_queries):
    spaces = [make_space(title=f"居場所{i}") for i in range(5)]
    with django_assert_num_queries(3):
        openings_for(spaces, now=at(2026, 12, 1, 14, 0))


def test_a_session_published_after_it_started_is_open_now(make_space, make_event):
    with time_machine.travel(at(2026, 12, 1, 13, 5), tick=False):
        space = make_space(title="あとから載せた居場所")
        make_event(space=space, rules=[weekly(D(2026, 12, 1), ["TU"])])
    assert opening(space, at(2026, 12, 1, 13, 10)).is_open_now


def test_filter_form_keeps_the_week_view_when_no_view_is_given(client, space):
    body = client.get("/events/").content.decode()
    assert '<option value="week" selected>' in body
