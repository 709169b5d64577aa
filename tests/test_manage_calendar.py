"""The calendar behind a sign-up's manage page: one person's booking, which a calendar app can
subscribe to and which then follows what happens to it (a date moved to another time or room,
cancelled by the centre, the booking cancelled by the person) the way the public feeds do,
answering 304 while nothing has changed."""

import datetime as dt

import pytest
import time_machine
from bs4 import BeautifulSoup
from icalendar import Calendar

from events.changes import services as changes
from events.models import Occurrence, SignUp
from events.signups import services
from tests.support.dates import at, weekly
from tests.support.pages import book, form_of

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def hidden_space(make_space):
    return make_space(
        title="湖南ほっとスペース",
        address="みなと町港2丁目5-8 保健センター2階",
        location_policy="after_signup",
    )


@pytest.fixture
def booking_event(make_event, hidden_space):
    return make_event(
        title="火曜の午後",
        space=hidden_space,
        join_mode="booking",
        capacity=4,
        rules=[weekly(D(2026, 12, 1), ["TU"])],
    )


@pytest.fixture
def date(booking_event):
    return Occurrence.objects.get(event=booking_event, start=at(2026, 12, 8, 13))


@pytest.fixture
def booked(client, booking_event, date):
    """The manage page of a confirmed booking, and its calendar address."""
    manage = book(client, booking_event, date)["Location"].split("?")[0]
    return manage, manage + "calendar.ics"


def fetch(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code in (200, 304), response.status_code
    return response


def entries(response):
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_the_manage_page_offers_a_subscription_that_updates_by_itself(client, booked):
    manage, calendar = booked
    page = BeautifulSoup(client.get(manage).content, "html.parser")
    subscribe = page.find("a", href=lambda h: h and h.startswith("webcal://"))
    assert subscribe["href"] == f"webcal://testserver{calendar}"
    assert page.find("a", href=calendar)  # and a file to download
    feed = Calendar.from_ical(fetch(client, calendar).content)
    # Asked for again every few hours, like the public feeds.
    assert str(feed["REFRESH-INTERVAL"].to_ical().decode()) == "PT6H"
    assert feed["METHOD"] == "PUBLISH"


def test_fetched_twice_unchanged_it_is_the_same_bytes_and_answers_304(client, booked):
    _manage, calendar = booked
    first = fetch(client, calendar)
    with time_machine.travel(dt.datetime(2026, 12, 1, 15, tzinfo=dt.UTC)):
        again = fetch(client, calendar)
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert fetch(client, calendar, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.head(calendar, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # Private: no shared cache may keep it, and the address never leaves in a Referer.
    assert "private" in first["Cache-Control"] and first["Referrer-Policy"] == "no-referrer"


def test_a_date_moved_to_another_time_and_room_moves_in_the_calendar(
    client, booked, date, make_space
):
    _manage, calendar = booked
    before = fetch(client, calendar)
    [entry] = entries(before)
    other = make_space(title="さくら会館", address="さくら市本町1-2-3")
    changes.move_occurrence(
        occurrence=date, start=at(2026, 12, 9, 18), end=at(2026, 12, 9, 20), space=other
    )
    after = fetch(client, calendar, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    [moved] = entries(after)
    # The same calendar entry, later, elsewhere: the app moves it instead of adding one.
    assert moved["UID"] == entry["UID"] and moved["RECURRENCE-ID"].dt == date.original_start
    assert moved["DTSTART"].dt == at(2026, 12, 9, 18)
    assert "さくら市本町1-2-3" in str(moved["LOCATION"])
    assert moved["SEQUENCE"] == entry["SEQUENCE"] + 1


def test_a_date_the_centre_cancels_is_marked_cancelled(client, booked, date):
    _manage, calendar = booked
    [entry] = entries(fetch(client, calendar))
    changes.cancel_occurrence(occurrence=date, message="職員の研修のため")
    [cancelled] = entries(fetch(client, calendar))
    assert cancelled["UID"] == entry["UID"] and cancelled["STATUS"] == "CANCELLED"
    assert str(cancelled["SUMMARY"]).startswith("【お休み】")
    assert cancelled["SEQUENCE"] > entry["SEQUENCE"]


def test_cancelling_the_booking_cancels_the_entry_above_the_last_sequence(client, booked):
    manage, calendar = booked
    [entry] = entries(fetch(client, calendar))
    client.post(manage, {"action": "cancel"})
    response = fetch(client, calendar)
    [cancelled] = entries(response)
    assert Calendar.from_ical(response.content)["METHOD"] == "CANCEL"
    assert cancelled["UID"] == entry["UID"] and cancelled["STATUS"] == "CANCELLED"
    assert cancelled["SEQUENCE"] > entry["SEQUENCE"]
    # The page no longer offers to subscribe to a booking that is over.
    page = BeautifulSoup(client.get(manage).content, "html.parser")
    assert not page.find("a", href=lambda h: h and h.startswith("webcal://"))


def test_a_place_given_from_the_waiting_line_becomes_a_confirmed_entry(client, booking_event, date):
    full = [book(type(client)(), booking_event, date, party_size="4")]
    assert full[0].status_code == 302
    manage = book(client, booking_event, date)["Location"].split("?")[0]
    [waiting] = entries(fetch(client, manage + "calendar.ics"))
    assert waiting["STATUS"] == "TENTATIVE" and "みなと町港2丁目5-8" not in str(
        waiting.get("LOCATION", "")
    )
    first = SignUp.objects.order_by("pk").first()
    services.cancel_signup(signup=first)
    mine = SignUp.objects.order_by("pk").last()
    if not mine.has_place:
        services.accept_offer(signup=mine)
    [confirmed] = entries(fetch(client, manage + "calendar.ics"))
    assert confirmed["STATUS"] == "CONFIRMED"
    assert "みなと町港2丁目5-8" in str(confirmed["LOCATION"])


def test_an_enrolled_course_keeps_its_past_dates_and_follows_each_change(
    client, make_space, make_event
):
    with time_machine.travel(dt.datetime(2026, 11, 27, 3, tzinfo=dt.UTC)):
        course = make_event(
            title="家族教室",
            kind="family_class",
            space=make_space(title="家族のための相談室"),
            join_mode="enrolment",
            capacity=10,
            rules=[weekly(D(2026, 11, 28), ["SA"], count=4)],
        )
        url = f"{course.url}enrol/"
        data = {**form_of(client, url), "nickname": "山田", "email": "yamada@example.org"}
        manage = client.post(url, data)["Location"].split("?")[0]
    assert SignUp.objects.get().has_place
    calendar = manage + "calendar.ics"
    starts = sorted(e["DTSTART"].dt for e in entries(fetch(client, calendar)))
    # The date already held (28 November) stays: an app deletes what a feed stops holding.
    assert starts[0].date() == D(2026, 11, 28) and len(starts) == 4
    third = Occurrence.objects.get(event=course, start__date=D(2026, 12, 12))
    changes.cancel_occurrence(occurrence=third, message="会場の都合によりお休みです")
    status = {e["DTSTART"].dt.date(): str(e["STATUS"]) for e in entries(fetch(client, calendar))}
    assert status[D(2026, 12, 12)] == "CANCELLED"
    assert {s for d, s in status.items() if d != D(2026, 12, 12)} == {"CONFIRMED"}
