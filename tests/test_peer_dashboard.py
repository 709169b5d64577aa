"""The host's dashboard, /peers/dashboard/: my dates with head counts, today's status, a note
or a cancellation through the services staff use, and what a host may see of who is coming."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from events.models import Occurrence, OccurrenceStatus, SignUp
from events.signups import services as signups
from events.signups.tokens import new_form_key
from spaces.models import LiveStatus
from tests.support.dates import at, weekly
from tests.support.peers import make_profile
from tests.support.staff import sign_in_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

EMAIL, PHONE, NOTE = "aoi@example.org", "090-1234-5678", "階段が苦手です（スタッフだけに）"


@pytest.fixture
def space(make_space):
    return make_space(title="湖南ほっとスペース", slug="konan")


@pytest.fixture
def session(make_event, space):
    """Tuesdays 13:00 from today (2026-12-01), 4 places."""
    return make_event(
        title="ピアサポーターと話そう",
        slug="peer-talk",
        kind="peer_session",
        space=space,
        join_mode="booking",
        capacity=4,
        rules=[weekly(dt.date(2026, 12, 1), ["TU"])],
    )


@pytest.fixture
def host(django_user_model, home_page, session):
    user = django_user_model.objects.create_user(email="hikari@example.org", password="x" * 12)
    make_profile(home_page, title="ひかり", slug="hikari", user=user, events=[session])
    return user


@pytest.fixture
def other_date(django_user_model, home_page, make_event):
    """A date of another peer's session."""
    event = make_event(
        title="そらとゲーム", slug="games", rules=[weekly(dt.date(2026, 12, 5), ["SA"])]
    )
    user = django_user_model.objects.create_user(email="sora@example.org")
    make_profile(home_page, title="そら", slug="sora", user=user, events=[event])
    return Occurrence.objects.filter(event=event).order_by("start").first()


def today(session):
    return Occurrence.objects.get(event=session, start=at(2026, 12, 1, 13))


def book(date, **fields):
    return signups.book_place(occurrence=date, form_key=new_form_key(), **fields)[0]


def text(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ")


def endpoints(date):
    base = f"/peers/dashboard/dates/{date.pk}/"
    posts = [("post", base + action) for action in ("cancel/", "note/", "today/")]
    return [("get", base), *posts]


def test_anonymous_visitors_are_sent_to_sign_in(client, session):
    for method, url in [("get", "/peers/dashboard/"), *endpoints(today(session))]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_an_account_without_a_profile_is_refused(client, django_user_model, session):
    client.force_login(django_user_model.objects.create_user(email="someone@example.org"))
    assert client.get("/peers/dashboard/").status_code == 403


def test_another_hosts_date_is_not_there_for_any_endpoint(client, host, other_date):
    client.force_login(host)
    for method, url in endpoints(other_date):
        response = getattr(client, method)(url, {"message": "x", "kind": "quiet_today"})
        assert response.status_code == 404, url
    other_date.refresh_from_db()
    assert other_date.status == OccurrenceStatus.SCHEDULED and other_date.message == ""
    assert not LiveStatus.objects.exists()


def test_my_dates_with_their_head_counts(client, host, session, other_date):
    date = today(session)
    book(date, nickname="あお", party_size=2)
    book(date, nickname="みどり", party_size=2)
    book(date, nickname="きいろ")  # full: waiting
    client.force_login(host)
    page = text(client.get("/peers/dashboard/"))
    assert "ピアサポーターと話そう" in page and "そらとゲーム" not in page
    assert "予約 4" in page or "Booked 4" in page
    assert "待ち 1" in page or "waiting 1" in page


def test_a_host_sees_nicknames_and_party_sizes_never_contacts_or_staff_notes(client, host, session):
    date = today(session)
    signup = book(date, nickname="あお", party_size=2, email=EMAIL, note=NOTE)
    # A phone number is what staff enter for someone who phoned.
    SignUp.objects.filter(pk=signup.pk).update(phone=PHONE)
    client.force_login(host)
    response = client.get(f"/peers/dashboard/dates/{date.pk}/")
    body = response.content.decode()
    assert "あお" in text(response)
    assert EMAIL not in body and PHONE not in body and NOTE not in body
    assert "aoi" not in body and "1234" not in body


def test_cancelling_a_date_tells_everyone_booked_and_the_feed(
    client, host, session, mailoutbox, django_capture_on_commit_callbacks
):
    date = Occurrence.objects.get(event=session, start=at(2026, 12, 8, 13))
    book(date, nickname="あお", email=EMAIL)
    mailoutbox.clear()
    client.force_login(host)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/peers/dashboard/dates/{date.pk}/cancel/", {"message": "体調のためお休みします。"}
        )
    assert response.status_code == 302
    date.refresh_from_db()
    assert date.status == OccurrenceStatus.CANCELLED and date.message == "体調のためお休みします。"
    assert EMAIL in {address for message in mailoutbox for address in message.to}
    feed = Calendar.from_ical(client.get("/events/feed.ics?event=peer-talk").content)
    cancelled = [e for e in feed.walk("VEVENT") if e.get("STATUS") == "CANCELLED"]
    assert cancelled and "体調のためお休みします。" in str(cancelled[0].get("DESCRIPTION", ""))


def test_a_note_on_a_date_is_on_the_event_page(client, host, session):
    date = today(session)
    client.force_login(host)
    client.post(f"/peers/dashboard/dates/{date.pk}/note/", {"message": "今日は2号室です。"})
    assert "今日は2号室です。" in text(client.get(session.url))
    response = client.post(f"/peers/dashboard/dates/{date.pk}/note/", {"message": "長" * 201})
    date.refresh_from_db()
    assert date.message == "今日は2号室です。"
    assert response.status_code == 302


def test_todays_status_shows_on_the_space_page_and_ends_at_midnight(
    client, host, session, space, make_event
):
    # The space is open today too (its page tells the status of an open day).
    make_event(title="火曜の居場所", space=space, rules=[weekly(dt.date(2026, 12, 1), ["TU"])])
    client.force_login(host)
    client.post(f"/peers/dashboard/dates/{today(session).pk}/today/", {"kind": "quiet_today"})
    [status] = LiveStatus.objects.all()
    assert status.kind == "quiet_today" and status.set_by == host
    assert status.ends_at == at(2026, 12, 2, 0)
    client.logout()
    page = text(client.get(space.url))
    assert "今日は静か" in page or "Quiet today" in page
    # Only the statuses a host may say, and only on a date of today.
    client.force_login(host)
    client.post(f"/peers/dashboard/dates/{today(session).pk}/today/", {"kind": "closed_today"})
    next_week = Occurrence.objects.get(event=session, start=at(2026, 12, 8, 13))
    client.post(f"/peers/dashboard/dates/{next_week.pk}/today/", {"kind": "online_only"})
    assert list(LiveStatus.objects.values_list("kind", flat=True)) == ["quiet_today"]


def test_staff_may_look_at_the_dashboard(client, django_user_model):
    staff = django_user_model.objects.create_user(email="staff@example.org", is_staff=True)
    sign_in_staff(client, staff)
    assert client.get("/peers/dashboard/").status_code == 200


def test_the_dashboard_reads_its_dates_in_the_same_queries_for_any_number(
    client, host, session, make_event, home_page
):
    client.force_login(host)
    client.get("/peers/dashboard/")  # per-process look-ups made once
    with CaptureQueriesContext(connection) as few:
        assert client.get("/peers/dashboard/").status_code == 200
    for date in Occurrence.objects.filter(event=session)[:4]:
        book(date, nickname="あお")
        book(date, nickname="みどり", party_size=2)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/peers/dashboard/").status_code == 200
    assert len(many) == len(few)
    dates_queries = [q for q in many.captured_queries if "events_occurrence" in q["sql"]]
    assert len(dates_queries) == 1


def test_the_sign_up_form_says_the_host_sees_the_nickname_only_on_a_peer_hosted_date(
    client, host, session, make_event, space
):
    hosted = client.get(f"{session.url}signup/{today(session).pk}/")
    assert "ニックネームと人数" in text(hosted) or "they see your nickname" in text(hosted)
    staff_run = make_event(
        title="家族会",
        space=space,
        join_mode="booking",
        rules=[weekly(dt.date(2026, 12, 1), ["TU"])],
    )
    date = Occurrence.objects.filter(event=staff_run).order_by("start").first()
    page = text(client.get(f"{staff_run.url}signup/{date.pk}/"))
    assert "ピアサポーター" not in page and "peer supporter" not in page.lower()
