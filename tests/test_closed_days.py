"""Closed days (the New Year holidays, a space under repair): set once by staff, they cancel
every date they touch with a kind message, and give the dates back when removed."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model

from events.changes.services import cancel_occurrence
from events.models import CancelReason, ClosedDays, Occurrence
from tests.support.dates import JST, weekly
from tests.support.staff import sign_in_staff

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
NEW_YEAR = "年末年始のため、12月29日から1月3日までお休みします。"


@pytest.fixture
def staff_client(client):
    staff = get_user_model().objects.create_superuser(email="staff@example.org", password="x")
    sign_in_staff(client, staff)
    return client


@pytest.fixture
def two_spaces(make_space, make_event):
    """Weekdays at ひだまり, Tuesdays at 北のへや."""
    hidamari, kita = make_space(title="ひだまり"), make_space(title="北のへや")
    daily = make_event(
        title="平日の居場所",
        space=hidamari,
        rules=[weekly(D(2026, 12, 1), ["MO", "TU", "WE", "TH", "FR"])],
    )
    tuesday = make_event(title="火曜の会", space=kita, rules=[weekly(D(2026, 12, 1), ["TU"])])
    return hidamari, kita, daily, tuesday


def statuses(event, first, last):
    rows = Occurrence.objects.filter(event=event).order_by("start")
    return {o.local_date: (o.status, o.message) for o in rows if first <= o.local_date <= last}


def add_closed_days(client, **fields):
    form = {"first_day": "", "last_day": "", "space": "", "message": "", **fields}
    return client.post("/admin/closed-days/new/", form)


def test_new_year_closure_cancels_every_event_and_comes_back_when_removed(staff_client, two_spaces):
    _hidamari, _kita, daily, tuesday = two_spaces
    response = add_closed_days(
        staff_client, first_day="2026-12-29", last_day="2027-01-03", message=NEW_YEAR
    )
    assert response.status_code == 302
    closed = statuses(daily, D(2026, 12, 28), D(2027, 1, 5))
    assert closed[D(2026, 12, 28)] == ("scheduled", "")
    for day in [D(2026, 12, 29), D(2026, 12, 30), D(2026, 12, 31), D(2027, 1, 1)]:
        assert closed[day] == ("cancelled", NEW_YEAR), day
    assert closed[D(2027, 1, 4)] == ("scheduled", "")
    assert statuses(tuesday, D(2026, 12, 29), D(2026, 12, 29)) == {
        D(2026, 12, 29): ("cancelled", NEW_YEAR)
    }
    page = BeautifulSoup(staff_client.get("/events/?date=2026-12-28").content, "html.parser")
    assert NEW_YEAR in page.get_text()

    closure = ClosedDays.objects.get()
    response = staff_client.post(f"/admin/closed-days/delete/{closure.pk}/")
    assert response.status_code == 302
    assert statuses(daily, D(2026, 12, 29), D(2026, 12, 31)) == {
        D(2026, 12, 29): ("scheduled", ""),
        D(2026, 12, 30): ("scheduled", ""),
        D(2026, 12, 31): ("scheduled", ""),
    }


def test_closing_one_space_leaves_the_others_open(staff_client, two_spaces):
    hidamari, _kita, daily, tuesday = two_spaces
    response = add_closed_days(
        staff_client,
        first_day="2026-12-08",
        last_day="2026-12-08",
        space=hidamari.pk,
        message="床の工事のためお休みします。",
    )
    assert response.status_code == 302
    assert statuses(daily, D(2026, 12, 8), D(2026, 12, 8))[D(2026, 12, 8)][0] == "cancelled"
    assert statuses(tuesday, D(2026, 12, 8), D(2026, 12, 8))[D(2026, 12, 8)][0] == "scheduled"


def test_editing_the_days_moves_the_closure(staff_client, two_spaces):
    _hidamari, _kita, daily, _tuesday = two_spaces
    add_closed_days(staff_client, first_day="2026-12-07", last_day="2026-12-08", message="休み")
    closure = ClosedDays.objects.get()
    response = staff_client.post(
        f"/admin/closed-days/edit/{closure.pk}/",
        {"first_day": "2026-12-10", "last_day": "2026-12-10", "space": "", "message": "休み"},
    )
    assert response.status_code == 302
    days = statuses(daily, D(2026, 12, 7), D(2026, 12, 10))
    assert [days[d][0] for d in sorted(days)] == [
        "scheduled",
        "scheduled",
        "scheduled",
        "cancelled",
    ]


def test_a_date_staff_changed_by_hand_is_left_alone(staff_client, two_spaces):
    _hidamari, _kita, daily, _tuesday = two_spaces
    dec30 = Occurrence.objects.get(event=daily, start=dt.datetime(2026, 12, 30, 13, tzinfo=JST))
    cancel_occurrence(occurrence=dec30, message="大掃除の日です")
    add_closed_days(staff_client, first_day="2026-12-29", last_day="2027-01-03", message=NEW_YEAR)
    ClosedDays.objects.get().delete()
    dec30.refresh_from_db()
    assert dec30.cancel_reason == CancelReason.STAFF and dec30.message == "大掃除の日です"


def test_days_in_the_wrong_order_get_a_plain_message(staff_client, two_spaces):
    response = add_closed_days(
        staff_client, first_day="2027-01-03", last_day="2026-12-29", message=NEW_YEAR
    )
    assert response.status_code == 200
    assert "最終日" in response.content.decode()
    assert not ClosedDays.objects.exists()
