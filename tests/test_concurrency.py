"""200 people book a room of ten at the same moment, through real HTTP requests to a live server
on PostgreSQL: exactly ten places are confirmed and everyone else waits, in arrival order.

A control run with row locking switched off (a test-only flag) shows the race this guards
against, so we know the test would catch it."""

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import pytest
import requests
from bs4 import BeautifulSoup
from django.db import connection
from django.utils import timezone

from events.changes import services as changes
from events.models import Occurrence, SignUp, SignUpStatus
from events.signups import services
from events.signups.tokens import new_form_key
from tests.support.dates import weekly

PEOPLE = 200
PLACES = 10
CONCURRENT = 40  # client threads; the live server opens one connection per request thread

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def room_of_ten(make_event, settings):
    # Many requests from one address and one date, on purpose: no rate limit for this test.
    settings.IBASHO_SIGNUP_RATE_PER_IP = "100000/h"
    settings.IBASHO_SIGNUP_RATE_PER_DATE = "100000/h"
    first = timezone.localdate() + dt.timedelta(days=7)
    event = make_event(
        join_mode="booking",
        capacity=PLACES,
        holiday_policy="open",
        rules=[weekly(first, ["MO", "TU", "WE", "TH", "FR", "SA", "SU"], count=2)],
    )
    return event, list(Occurrence.objects.filter(event=event).order_by("start"))


def open_forms(url, count):
    """Each person opens the form first: their own browser session (CSRF cookie) and the
    form's one-time key."""

    def open_one(_):
        session = requests.Session()
        page = BeautifulSoup(session.get(url, timeout=30).text, "html.parser")
        fields = {i["name"]: i.get("value", "") for i in page.select("form[method=post] input")}
        return session, fields

    with ThreadPoolExecutor(CONCURRENT) as pool:
        return list(pool.map(open_one, range(count)))


def book_all_at_once(url, forms):
    def send(person):
        number, (session, fields) = person
        response = session.post(
            url,
            {**fields, "nickname": f"person{number}"},
            allow_redirects=False,
            timeout=60,
        )
        return response.status_code

    with ThreadPoolExecutor(CONCURRENT) as pool:
        return list(pool.map(send, enumerate(forms)))


def test_two_hundred_people_ten_places(live_server, room_of_ten):
    assert connection.vendor == "postgresql"
    event, (date, _) = room_of_ten
    url = f"{live_server.url}{event.url}signup/{date.pk}/"
    statuses = book_all_at_once(url, open_forms(url, PEOPLE))

    assert statuses == [302] * PEOPLE  # every person got their manage page, no 5xx
    signups = list(SignUp.objects.filter(occurrence=date).order_by("pk"))
    assert len(signups) == PEOPLE
    confirmed = [s for s in signups if s.status == SignUpStatus.CONFIRMED]
    waiting = [s for s in signups if s.status == SignUpStatus.WAITING]
    assert len(confirmed) == PLACES and len(waiting) == PEOPLE - PLACES
    # Arrival order: the first ten through the lock got the places; the line keeps the order
    # people were served in, and nobody behind someone waiting was confirmed.
    assert max(s.pk for s in confirmed) < min(s.pk for s in waiting)
    line = list(SignUp.objects.filter(occurrence=date).waiting())
    assert [s.pk for s in line] == [s.pk for s in waiting]
    assert all(a.queued_at <= b.queued_at for a, b in pairwise(line))


def test_without_row_locks_the_same_rush_overbooks(live_server, room_of_ten, monkeypatch):
    """The control run: proof that the test above can fail."""
    monkeypatch.setattr(services, "LOCK_ROWS", False)
    # Widen the moment between counting the places and taking one, so that the rush meets it
    # every run rather than most runs (on a loaded machine the requests can fall in line).
    counted = services.fits

    def slow_fits(*args, **kwargs):
        answer = counted(*args, **kwargs)
        time.sleep(0.05)
        return answer

    monkeypatch.setattr(services, "fits", slow_fits)
    event, (_, date) = room_of_ten
    url = f"{live_server.url}{event.url}signup/{date.pk}/"
    statuses = book_all_at_once(url, open_forms(url, PEOPLE))
    assert all(status < 500 for status in statuses)
    confirmed = SignUp.objects.filter(occurrence=date, status=SignUpStatus.CONFIRMED)
    assert sum(s.party_size for s in confirmed) > PLACES


def test_a_booking_and_a_schedule_change_at_the_same_moment_do_not_deadlock(
    room_of_ten, monkeypatch
):
    """A booking holds its date's lock while it inserts a sign-up (a foreign key to the event);
    a schedule change locks the event, then updates the dates. The event lock must not block
    the foreign-key check, or the two wait for each other forever (PostgreSQL kills one)."""
    import threading
    import time

    from django.db import connections

    from events.models import ScheduleRule

    event, (date, _) = room_of_ten
    date_locked, schedule_waiting = threading.Event(), threading.Event()
    check_date_open = services._check_date_open

    def slow_check(occurrence, now):
        # Inside book_place, with the date locked: let the schedule change start now.
        date_locked.set()
        schedule_waiting.wait(5)
        time.sleep(0.5)  # the schedule change is now waiting for this date's row
        return check_date_open(occurrence, now)

    monkeypatch.setattr(services, "_check_date_open", slow_check)
    errors = []

    def book():
        try:
            services.book_place(occurrence=date, form_key=new_form_key())
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    def change_schedule():
        date_locked.wait(5)
        try:
            ScheduleRule.objects.filter(page=event).update(end_time=dt.time(17))
            schedule_waiting.set()
            changes.sync_occurrences(event=event)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book), threading.Thread(target=change_schedule)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    date.refresh_from_db()
    assert timezone.localtime(date.end).hour == 17  # the schedule change went through
    assert SignUp.objects.filter(occurrence=date).count() == 1


def test_a_double_click_that_races_to_the_lock_gets_the_first_booking(room_of_ten):
    """Both sends of one form pass the look-up before the lock (nothing is there yet) and wait
    for the date; the second then finds the first by its form key: one booking, one link."""
    import threading

    from django.db import connections, transaction

    _, (date, _) = room_of_ten
    form_key = new_form_key()
    holding, release = threading.Event(), threading.Event()
    results, errors = [], []

    def hold_the_date():
        # Someone else's booking holds the date while both clicks arrive.
        try:
            with transaction.atomic():
                Occurrence.objects.select_for_update().get(pk=date.pk)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    def click():
        holding.wait(5)
        try:
            signup, token, created = services.book_place(occurrence=date, form_key=form_key)
            results.append((signup.pk, token, created))
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_date)
    clicks = [threading.Thread(target=click) for _ in range(2)]
    holder.start()
    for thread in clicks:
        thread.start()
    # Both clicks past the look-up, waiting for the date's row (PostgreSQL says so).
    for _ in range(100):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0] >= 2:
                break
        time.sleep(0.1)
    release.set()
    for thread in [holder, *clicks]:
        thread.join(30)
    assert errors == []
    assert sorted(created for _, _, created in results) == [False, True]
    assert len({(pk, token) for pk, token, _ in results}) == 1
    assert SignUp.objects.filter(occurrence=date).count() == 1
