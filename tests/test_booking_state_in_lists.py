"""Every list of dates says, for each date, whether you need to book: 予約不要, 要予約・残りn席,
満席・キャンセル待ち, or that it is cancelled; in the day, week and month views of `/events/`
and in a space's coming dates, from one query for the places however many dates are listed."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from events.changes import services as changes
from events.models import Occurrence
from tests.support.dates import at, weekly
from tests.support.pages import book

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def schedule(make_space, make_event):
    space = make_space(title="ひだまり", slug="hidamari")
    drop_in = make_event(
        title="ふらっと居場所", space=space, rules=[weekly(D(2026, 12, 1), ["TU"])]
    )
    booked = make_event(
        title="料理の会",
        space=space,
        join_mode="booking",
        capacity=2,
        rules=[weekly(D(2026, 12, 2), ["WE"])],
    )
    return space, drop_in, booked


def states(client, url):
    """{(title, day): what the list says about joining} for the dates a page lists."""
    page = BeautifulSoup(client.get(url).content, "html.parser")
    found = {}
    for item in page.select("li.occurrence"):
        title = item.select_one(".occurrence__title").get_text(strip=True)
        day = item.find_previous(class_="day-heading").get_text(strip=True)
        booking = item.select_one(".occurrence__booking")
        status = item.select_one(".occurrence__status")
        found[title, day] = (booking or status).get_text(" ", strip=True)
    return found


def test_the_week_view_says_whether_each_date_needs_booking(client, schedule):
    _space, _drop_in, booked = schedule
    wednesday = Occurrence.objects.get(event=booked, start=at(2026, 12, 2, 13))
    book(Client(), booked, wednesday, party_size="2")
    following = Occurrence.objects.get(event=booked, start=at(2026, 12, 9, 13))
    book(Client(), booked, following, party_size="1")
    found = states(client, "/events/?view=week&date=2026-12-01")
    assert found["ふらっと居場所", "12月1日(火)"] == "予約不要"
    assert found["料理の会", "12月2日(水)"] == "満席・キャンセル待ち"
    found = states(client, "/events/?view=week&date=2026-12-08")
    assert found["料理の会", "12月9日(水)"] == "要予約・残り1席"
    assert found["ふらっと居場所", "12月8日(火)"] == "予約不要"


def test_a_cancelled_date_says_so_instead(client, schedule):
    _space, drop_in, _booked = schedule
    tuesday = Occurrence.objects.get(event=drop_in, start=at(2026, 12, 8, 13))
    changes.cancel_occurrence(occurrence=tuesday, message="点検のため")
    found = states(client, "/events/?view=day&date=2026-12-08")
    assert found["ふらっと居場所", "12月8日(火)"].startswith("中止")


def test_a_spaces_coming_dates_say_it_too(client, schedule):
    space, _drop_in, _booked = schedule
    found = states(client, space.url)
    assert found["料理の会", "12月2日(水)"] == "要予約・残り2席"
    assert found["ふらっと居場所", "12月1日(火)"] == "予約不要"


def test_the_english_month_view_says_it_in_english(client, schedule, en_locale):
    found = states(client, "/en/events/?view=month&date=2026-12-01")
    values = set(found.values())
    assert "No booking needed" in values and "Booking needed: 2 places left" in values


def test_the_places_are_read_once_for_the_whole_month(client, schedule, make_event, make_space):
    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get("/events/?view=month&date=2026-12-01")
        return len(queries)

    count()
    before = count()
    make_event(
        title="もう一つの会",
        space=make_space(title="北のへや"),
        join_mode="booking",
        capacity=5,
        rules=[weekly(D(2026, 12, 1), ["MO", "TH"])],
    )
    count()
    assert count() <= before + 2  # the new event's page and space, not one per date
