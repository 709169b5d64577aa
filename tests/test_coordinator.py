"""The coordinator's rough edges (issue 19, points 9-11): "logged in as", the staff sign-up
list on a phone and on paper, and the Dates listing and schedule preview in the admin."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Occurrence
from events.signups import services
from events.signups.tokens import new_form_key
from tests.support.dates import at, weekly
from tests.support.staff import sign_in_staff

BAR = "ログイン中"


@pytest.fixture
def tuesday(make_space, make_event, frozen_now):
    """A Tuesday afternoon with five places, on 8 December."""
    event = make_event(
        title="火曜の午後",
        space=make_space(title="湖南ほっとスペース"),
        join_mode="booking",
        capacity=5,
        rules=[weekly(dt.date(2026, 12, 1), ["TU"])],
    )
    return Occurrence.objects.get(event=event, start=at(2026, 12, 8, 13))


@pytest.fixture
def page_cache_on(settings):
    settings.IBASHO_PAGE_CACHE_SECONDS = 600


@pytest.fixture
def peer(db):
    return get_user_model().objects.create_user(
        email="hikari@example.org", password="ibasho-demo", display_name="ひかり"
    )


def test_an_anonymous_visitor_gets_no_bar_and_a_cookie_free_cached_page(
    client, home_page, page_cache_on
):
    first = client.get("/")
    assert BAR not in first.content.decode()
    assert not first.cookies and "cookie" not in first.get("Vary", "").lower()
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/")
    assert len(queries) == 0  # served from the page cache
    assert BAR not in second.content.decode()


def test_a_logged_in_peer_sees_their_name_never_a_cached_page_and_can_log_out(
    client, home_page, page_cache_on, peer
):
    client.get("/")  # an anonymous copy is stored first
    client.force_login(peer)
    page = client.get("/")
    bar = BeautifulSoup(page.content, "html.parser").select_one(".signed-in")
    assert bar is not None, "the logged-in person was served the anonymous page"
    assert "ひかり" in bar.get_text() and "hikari@example.org" not in page.content.decode()
    form = bar.find("form")
    assert form["method"] == "post" and form["action"] == "/accounts/logout/"
    assert form.find("button", type="submit").get_text(strip=True) == "ログアウト"

    client.post("/accounts/logout/")
    after = client.get("/")
    assert BAR not in after.content.decode()


def test_the_bar_shows_the_address_when_there_is_no_display_name(client, home_page, db):
    user = get_user_model().objects.create_user(email="sora@example.org", password="x-y-z-123")
    client.force_login(user)
    bar = BeautifulSoup(client.get("/en/").content, "html.parser").select_one(".signed-in")
    assert bar is not None and "sora@example.org" in bar.get_text()
    assert "Logged in as" in bar.get_text()


def test_the_printed_list_has_a_tick_box_per_booking_and_blank_rows_for_walk_ins(
    client, django_user_model, tuesday
):
    date = tuesday
    for nickname in ["やまだ", "ゆう"]:
        services.book_place(
            occurrence=date, form_key=new_form_key(), nickname=nickname, email="a@example.jp"
        )
    sign_in_staff(client, django_user_model.objects.create_superuser(email="s@example.org"))
    page = BeautifulSoup(client.get(f"/admin/signups/date/{date.pk}/").content, "html.parser")
    for hidden in page.select(".no-print"):
        hidden.decompose()  # what paper shows

    booked = page.select_one(".signup-sheet table")
    assert len(booked.select("tbody .tick-box")) == 2
    headers = [th.get_text(strip=True) for th in booked.select("thead th")]
    assert headers[0] == "出席" and "来所" in headers
    assert len(page.select(".walk-in-row")) == 6
    assert "a@example.jp" not in page.get_text()


def test_the_dates_listing_shows_counts_and_no_false(client, django_user_model, tuesday):
    date, event = tuesday, tuesday.event
    services.book_place(occurrence=date, form_key=new_form_key(), nickname="やまだ", party_size=3)
    sign_in_staff(client, django_user_model.objects.create_superuser(email="s@example.org"))
    page = BeautifulSoup(client.get("/admin/dates/").content, "html.parser")
    headers = [th.get_text(" ", strip=True) for th in page.select("thead th")]
    assert "予約" in headers and "キャンセル待ち" in headers
    assert "False" not in page.get_text()
    rows = [tr.get_text(" ", strip=True) for tr in page.select("tbody tr")]
    assert any("3" in row.split() for row in rows)
    filtered = client.get(f"/admin/dates/?event={event.pk}").content.decode()
    assert "matches" not in filtered  # "There are n matches", now in Japanese
