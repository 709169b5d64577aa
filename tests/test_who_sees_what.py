"""The rules people rely on, each in one home, asked from every page that shows them: who may
see a hidden address (events.schedule.places), places left and the waiting line
(events.signups.places), and what a date's status means for a sign-up
(Occurrence.signups_closed). The defects found when they lived in several places come first."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from icalendar import Calendar

from events.changes import services as changes
from events.models import Occurrence, SignUp, SignUpStatus
from events.schedule.places import shows_address
from events.signups import places, services
from events.signups.tokens import new_form_key
from tests.support.dates import at, weekly
from tests.support.mail import calendar_of
from tests.support.pages import book as book_on_the_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

ADDRESS = "みなと町港2丁目5-8 保健センター2階"
DOOR = "裏の駐車場側の入口からどうぞ。"


@pytest.fixture
def hidden_space(make_space):
    return make_space(
        title="湖南ほっとスペース",
        address=ADDRESS,
        location_policy="after_signup",
        finding_the_door=DOOR,
    )


def first_date(event):
    return Occurrence.objects.get(event=event, start=at(2026, 12, 8, 13))


@pytest.fixture
def maybe_date(make_event, hidden_space):
    event = make_event(
        title="行くかもの会",
        space=hidden_space,
        join_mode="maybe",
        rules=[weekly(dt.date(2026, 12, 1), ["TU"])],
    )
    return first_date(event)


@pytest.fixture
def booking_date(make_event, hidden_space):
    event = make_event(
        title="火曜の午後",
        space=hidden_space,
        join_mode="booking",
        capacity=1,
        rules=[weekly(dt.date(2026, 12, 1), ["TU"])],
    )
    return first_date(event)


def book(date, **fields):
    signup, token, _created = services.book_place(
        occurrence=date, form_key=new_form_key(), **fields
    )
    return signup, token


def manage_text(client, token):
    response = client.get(f"/my/{token}/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").get_text(" ")


def calendar_entries(client, token):
    response = client.get(f"/my/{token}/calendar.ics")
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return calendar, list(calendar.walk("VEVENT"))


def assert_kept_back(client, token):
    """Neither the manage page nor the calendar file gives the address or the door, and the
    entry is not a confirmed one."""
    page = manage_text(client, token)
    assert ADDRESS not in page and DOOR not in page
    calendar, [entry] = calendar_entries(client, token)
    assert ADDRESS not in str(entry.get("LOCATION", ""))
    return calendar, entry


def test_a_maybe_never_reveals_a_hidden_address_nor_gets_a_confirmed_entry(client, maybe_date):
    _signup, token = services.say_maybe(occurrence=maybe_date, form_key=new_form_key())[:2]
    _calendar, entry = assert_kept_back(client, token)
    assert entry["STATUS"] == "TENTATIVE"


def test_a_waiting_place_and_an_offer_keep_the_address_back(client, booking_date):
    first, first_token = book(booking_date, nickname="あお")
    waiting, token = book(booking_date, nickname="みどり")
    assert waiting.status == SignUpStatus.WAITING
    _calendar, entry = assert_kept_back(client, token)
    assert entry["STATUS"] == "TENTATIVE"

    services.cancel_signup(signup=first)
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.OFFERED
    _calendar, entry = assert_kept_back(client, token)
    assert entry["STATUS"] == "TENTATIVE"
    # The one who cancelled gets the entry taken out, without the address.
    calendar, entry = assert_kept_back(client, first_token)
    assert calendar["METHOD"] == "CANCEL" and entry["STATUS"] == "CANCELLED"

    services.accept_offer(signup=waiting)
    page = manage_text(client, token)
    assert ADDRESS in page and DOOR in page
    _calendar, [entry] = calendar_entries(client, token)
    assert entry["STATUS"] == "CONFIRMED" and ADDRESS in str(entry["LOCATION"])


def test_the_address_rule(hidden_space, make_space):
    public = make_space(title="公開の場所", address="駅前1-1")
    assert shows_address(public) and shows_address(public, has_place=False)
    assert not shows_address(hidden_space)
    assert shows_address(hidden_space, has_place=True)
    assert not shows_address(None, has_place=True)


def test_a_hidden_address_is_on_no_public_page_or_feed(client, booking_date):
    space = booking_date.space
    for url in [
        space.url,
        booking_date.event.url,
        "/events/?date=2026-12-08",
        "/events/feed.ics",
        "/events/feed.ics?discreet=1",
        f"/events/feed.ics?space={space.slug}",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert ADDRESS not in response.content.decode(), url
        assert DOOR not in response.content.decode(), url


def test_places_left_and_the_line(booking_date):
    assert places.places_left(occurrence=booking_date) == 1
    first, _ = book(booking_date, party_size=1)
    assert places.places_left(occurrence=booking_date) == 0
    second, _ = book(booking_date)
    third, _ = book(booking_date)
    assert [s.pk for s in places.everyone_waiting(occurrence=booking_date)] == [second.pk, third.pk]
    assert places.places_left_on([booking_date]) == {booking_date.pk: 0}
    services.cancel_signup(signup=first)
    second.refresh_from_db()
    # An offer holds the place; the line shows it first, then arrival order.
    assert second.status == SignUpStatus.OFFERED
    assert places.places_left(occurrence=booking_date) == 0
    line = places.in_line(SignUp.objects.filter(occurrence=booking_date))
    assert [s.pk for s in line] == [second.pk, third.pk]


def test_what_a_date_status_means_for_a_sign_up(booking_date, frozen_now):
    assert booking_date.signups_closed() is None
    changes.cancel_occurrence(occurrence=booking_date, message="講師の都合でお休みします。")
    booking_date.refresh_from_db()
    assert booking_date.signups_closed() == "cancelled"
    with pytest.raises(services.SignUpError) as refused:
        book(booking_date)
    assert refused.value.code == "cancelled"
    changes.restore_occurrence(occurrence=booking_date)
    booking_date.refresh_from_db()
    frozen_now.move_to(at(2026, 12, 8, 13, 30))
    assert booking_date.signups_closed() == "past"
    with pytest.raises(services.SignUpError) as refused:
        book(booking_date)
    assert refused.value.code == "past"


@pytest.mark.parametrize("hidden", [False, True])
def test_a_series_calendar_file_takes_the_same_queries_for_any_number_of_dates(
    client, make_event, make_space, hidden
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fields = {"location_policy": "after_signup"} if hidden else {}
    space = make_space(title="研修室", address=ADDRESS, **fields)
    counts = []
    for weeks in (3, 9):
        event = make_event(
            title=f"家族教室{weeks}",
            kind="family_class",
            space=space,
            join_mode="enrolment",
            capacity=10,
            rules=[weekly(dt.date(2026, 12, 1), ["TU"], count=weeks)],
        )
        token = services.enrol(
            event=event, form_key=new_form_key(), nickname="やまだ", phone="090-1234-5678"
        )[1]
        calendar_entries(client, token)  # per-process look-ups (locales, the site) made once
        with CaptureQueriesContext(connection) as queries:
            _calendar, entries = calendar_entries(client, token)
        assert len(entries) == weeks
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # e-mail leaves on commit
def test_every_calendar_says_that_a_date_is_online_discreet_or_not(client, make_space, make_event):
    online = make_space(
        title="よるのまど", is_online=True, online_join_url="https://meet.example.org/m"
    )
    event = make_event(
        title="ひきこもり当事者のオンライン会",
        discreet_title="水曜の集まり",
        space=online,
        join_mode="booking",
        capacity=5,
        rules=[weekly(dt.date(2026, 12, 2), ["WE"])],
    )

    def locations(query):
        body = client.get(f"/events/feed.ics{query}").content
        return {str(entry.get("LOCATION", "")) for entry in Calendar.from_ical(body).walk("VEVENT")}

    assert locations("") == {"よるのまど, オンライン"}
    # Discreet hides what it is about (the space's name), not that it happens online.
    assert locations("?discreet=1") == {"オンライン"}

    date = Occurrence.objects.filter(event=event).order_by("start").first()
    manage = book_on_the_page(client, event, date, email="yu@example.org")["Location"].split("?")[0]
    [message] = mail.outbox
    [attached] = Calendar.from_ical(calendar_of(message)[0]).walk("VEVENT")
    [downloaded] = Calendar.from_ical(client.get(manage + "calendar.ics").content).walk("VEVENT")
    # The person's own file and attachment are discreet too, the event having a discreet title.
    assert str(attached["LOCATION"]) == str(downloaded["LOCATION"]) == "オンライン"
    assert "meet.example.org" not in str(downloaded) + str(attached)
