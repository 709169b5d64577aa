"""Every change to a date goes through events.changes, whichever screen asks: the Dates admin
and the `change_date` command give the same result. Restoring a cancelled date tells everyone
still signed up, raises the calendar SEQUENCE everywhere, plans reminders again; restoring
what cannot be restored changes nothing and says why."""

import datetime as dt
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from icalendar import Calendar

from events.changes import services as changes
from events.models import ClosedDays, MessageKind, Occurrence, OutboxMessage, SignUp, SignUpStatus
from events.pages.models import sync_all_events
from events.signups import services
from events.signups.tokens import new_form_key
from tests.support.dates import at, weekly
from tests.support.mail import calendar_of
from tests.support.pages import form_data
from tests.support.staff import sign_in_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def course(make_event, make_space):
    """A family class on Tuesdays; the 2026-12-08 date is cancelled before anyone enrolled."""
    event = make_event(
        title="家族教室",
        kind="family_class",
        audience="families",
        space=make_space(title="センター研修室", address="大津市1-1"),
        join_mode="enrolment",
        capacity=10,
        rules=[weekly(dt.date(2026, 12, 1), ["TU"], count=6)],
    )
    return event


def date_of(event):
    return Occurrence.objects.get(event=event, start=at(2026, 12, 8, 13))


def enrol(event, nickname, **fields):
    return services.enrol(
        event=event, form_key=new_form_key(), nickname=nickname, phone="090-1234-5678", **fields
    )[0]


def feed_sequence(client, date, url="/events/feed.ics"):
    calendar = Calendar.from_ical(client.get(url).content)
    for entry in calendar.walk("VEVENT"):
        rid = entry.get("RECURRENCE-ID")
        if rid is not None and rid.dt == date.original_start:
            return int(entry["SEQUENCE"]), str(entry["STATUS"])
    return None


def staff_client(client):
    sign_in_staff(
        client, get_user_model().objects.create_superuser(email="staff@example.org", password="x")
    )
    return client


def restore_in_admin(client, date):
    url = f"/admin/dates/edit/{date.pk}/"
    form = BeautifulSoup(client.get(url).content, "html.parser").find("form", id="w-editor-form")
    data = form_data(form)
    data["status"] = "scheduled"
    data["message"] = ""
    return client.post(url, data)


def restore_with_command(client, date):
    call_command("change_date", str(date.pk), "--restore", stdout=io.StringIO())


@pytest.mark.parametrize("restore", [restore_in_admin, restore_with_command])
def test_restoring_a_date_tells_everyone_once_raises_sequence_and_plans_reminders(
    client, course, restore, en_locale
):
    date = date_of(course)
    changes.cancel_occurrence(occurrence=date, message="講師の都合でお休みします。")
    date.refresh_from_db()
    cancelled_sequence = date.sequence
    # Enrolled while the date was off: no reminder was planned for it.
    kind = enrol(course, "やまだ", email="yamada@example.org", wants_reminder=True)
    quiet = enrol(course, "すずき")  # phone only: nobody to write to
    gone = enrol(course, "たなか", email="tanaka@example.org")
    services.cancel_signup(signup=gone)
    assert not OutboxMessage.objects.filter(
        kind=MessageKind.REMINDER, payload__occurrence=date.pk
    ).exists()
    assert feed_sequence(client, date) == (cancelled_sequence, "CANCELLED")
    mail.outbox.clear()
    OutboxMessage.objects.all().delete()

    response = restore(staff_client(client), date)
    if response is not None:
        assert response.status_code == 302

    date.refresh_from_db()
    assert not date.is_cancelled and date.sequence == cancelled_sequence + 1
    client.logout()
    space = course.space
    for feed in [
        "/events/feed.ics",
        f"/events/feed.ics?space={space.slug}",
        "/events/feed.ics?discreet=1",
        "/en/events/feed.ics",
    ]:
        assert feed_sequence(client, date, feed) == (date.sequence, "CONFIRMED"), feed
    [told] = OutboxMessage.objects.filter(kind=MessageKind.DATES_CHANGED)
    assert told.signup_id == kind.pk and told.payload["change"] == "restored"
    assert quiet.status == SignUpStatus.CONFIRMED
    assert OutboxMessage.objects.filter(
        kind=MessageKind.REMINDER, signup=kind, payload__occurrence=date.pk
    ).exists()

    from events.messages import delivery

    delivery.send_due()
    [message] = mail.outbox
    assert message.to == ["yamada@example.org"]
    assert "開催" in message.subject
    attachment, content_type = calendar_of(message)
    assert content_type.endswith('method="REQUEST"')
    [entry] = Calendar.from_ical(attachment).walk("VEVENT")
    assert int(entry["SEQUENCE"]) == date.sequence and entry["STATUS"] == "CONFIRMED"


def test_what_cannot_be_restored_changes_nothing(client, course, frozen_now):
    date = date_of(course)
    with pytest.raises(changes.ScheduleError) as refused:
        changes.restore_occurrence(occurrence=date)
    assert refused.value.code == "not_cancelled"

    changes.cancel_occurrence(occurrence=date)
    changes.restore_occurrence(occurrence=date)
    date.refresh_from_db()
    sequence = date.sequence
    with pytest.raises(changes.ScheduleError) as twice:
        changes.restore_occurrence(occurrence=date)
    assert twice.value.code == "not_cancelled"
    date.refresh_from_db()
    assert date.sequence == sequence

    # A closed day cancels the dates staff have not changed themselves.
    closed = Occurrence.objects.get(event=course, start=at(2026, 12, 15, 13))
    ClosedDays.objects.create(
        first_day=dt.date(2026, 12, 15),
        last_day=dt.date(2026, 12, 15),
        message="館内の点検のためお休みします。",
    )
    sync_all_events()
    closed.refresh_from_db()
    assert closed.is_cancelled
    with pytest.raises(changes.ScheduleError) as refused:
        changes.restore_occurrence(occurrence=closed)
    assert refused.value.code == "closed_days"

    course.closed_until_further_notice = True
    course.save_revision().publish()
    later = Occurrence.objects.get(event=course, start=at(2026, 12, 22, 13))
    with pytest.raises(changes.ScheduleError) as paused:
        changes.restore_occurrence(occurrence=later)
    assert paused.value.code == "closed"

    frozen_now.move_to(at(2026, 12, 16, 9))
    with pytest.raises(changes.ScheduleError) as past:
        changes.restore_occurrence(occurrence=closed)
    assert past.value.code == "past"
    with pytest.raises(CommandError) as told:
        call_command("change_date", str(closed.pk), "--restore")
    assert str(told.value) == str(past.value)


def test_the_admin_says_why_a_date_cannot_be_restored(client, course):
    date = date_of(course)
    course.closed_until_further_notice = True
    course.save_revision().publish()
    date.refresh_from_db()
    sequence = date.sequence
    response = restore_in_admin(staff_client(client), date)
    assert response.status_code == 200
    assert "休止" in BeautifulSoup(response.content, "html.parser").get_text()
    date.refresh_from_db()
    assert date.is_cancelled and date.sequence == sequence


@pytest.fixture
def booked(make_event, make_space):
    """A Tuesday date of four places, all taken, with two people waiting."""
    event = make_event(
        title="火曜の午後",
        space=make_space(title="ひだまり"),
        join_mode="booking",
        capacity=4,
        rules=[weekly(dt.date(2026, 12, 1), ["TU"])],
    )
    date = date_of(event)
    people = [
        services.book_place(occurrence=date, form_key=new_form_key(), nickname=f"人{n}")[0]
        for n in range(6)
    ]
    assert [p.status for p in people].count(SignUpStatus.WAITING) == 2
    return date, people


def edit(date, **changes_):
    current = Occurrence.objects.get(pk=date.pk)
    fields = {
        "cancelled": current.is_cancelled,
        "message": current.message,
        "start": current.start,
        "end": current.end,
        "space": current.space,
        "capacity": current.capacity,
        **changes_,
    }
    return changes.change_date(occurrence=current, **fields)


def test_a_date_given_back_with_fewer_places_offers_only_the_places_it_has(booked):
    date, people = booked
    changes.cancel_occurrence(occurrence=date)
    for person in people[:2]:
        services.cancel_signup(signup=person)  # two of the four give up their place
    edit(date, cancelled=False, capacity=2)
    waiting = SignUp.objects.filter(occurrence=date, status__in=["waiting", "offered"])
    assert sorted(waiting.values_list("status", flat=True)) == ["waiting", "waiting"]


def test_moving_a_cancelled_date_onto_a_closed_day_is_refused(booked):
    date, _people = booked
    changes.cancel_occurrence(occurrence=date)
    ClosedDays.objects.create(
        first_day=dt.date(2026, 12, 9), last_day=dt.date(2026, 12, 9), message="点検日です。"
    )
    moved = {"start": date.start + dt.timedelta(days=1), "end": date.end + dt.timedelta(days=1)}
    with pytest.raises(changes.ScheduleError) as refused:
        edit(date, cancelled=False, **moved)
    assert refused.value.code == "closed_days"
    date.refresh_from_db()
    assert date.is_cancelled and date.start == at(2026, 12, 8, 13)


def test_a_date_whose_places_staff_changed_keeps_them_through_schedule_edits(booked):
    date, _people = booked
    edit(date, capacity=6)
    date.refresh_from_db()
    assert date.edited and date.capacity == 6
    offered = SignUp.objects.filter(occurrence=date, status=SignUpStatus.OFFERED)
    assert offered.count() == 2  # the two places added went to the two waiting, in order
