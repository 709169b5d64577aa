"""Staff create an event with a weekly schedule through Wagtail's own add-page form, publish it,
and its dates are on `/events/` at once."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model

from events.models import EventPage, Occurrence
from tests.support.dates import JST, at
from tests.support.pages import form_data
from tests.support.staff import sign_in_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def frozen_moment():
    return at(2026, 12, 1, 10, 0)


def test_staff_add_a_weekly_event_in_the_admin_and_its_dates_are_listed(
    client, event_index, make_space
):
    space = make_space(title="ひだまり", slug="hidamari")
    sign_in_staff(
        client, get_user_model().objects.create_superuser(email="staff@example.org", password="x")
    )
    add_url = f"/admin/pages/add/events/eventpage/{event_index.pk}/"
    form = BeautifulSoup(client.get(add_url).content, "html.parser").find(
        "form", id="page-edit-form"
    )
    data = form_data(form)
    # The schedule's inline formset: its prefix is whatever its management form says.
    (total,) = [name for name in data if name.endswith("-TOTAL_FORMS")]
    rules = total.removesuffix("-TOTAL_FORMS")
    assert data[f"{rules}-INITIAL_FORMS"] == "0"
    data.update(
        {
            "title": "水曜の居場所",
            "slug": "wednesday",
            "kind": "drop_in",
            "audience": "person",
            "summary": "予約はいりません。好きな時間に来て、好きな時間に帰れます。",
            "space": str(space.pk),
            "join_mode": "just_come",
            "holiday_policy": "skip",
            f"{rules}-TOTAL_FORMS": "1",
            f"{rules}-0-frequency": "weekly",
            f"{rules}-0-interval": "1",
            f"{rules}-0-start_date": "2026-12-02",
            f"{rules}-0-start_time": "13:00",
            f"{rules}-0-end_time": "16:00",
            f"{rules}-0-weekdays": ["WE"],
            f"{rules}-0-ORDER": "1",
            "action-publish": "action-publish",
        }
    )

    response = client.post(add_url, data)

    assert response.status_code == 302, BeautifulSoup(response.content, "html.parser").select(
        ".error-message, .help-critical, [role=alert]"
    )
    event = EventPage.objects.get(slug="wednesday")
    assert event.live
    assert [(r.frequency, r.weekdays) for r in event.rules.all()] == [("weekly", ["WE"])]
    first = Occurrence.objects.filter(event=event).order_by("start").first()
    assert first.start == dt.datetime(2026, 12, 2, 13, tzinfo=JST)
    assert first.space_id == space.pk

    listing = BeautifulSoup(client.get("/events/").content, "html.parser")
    dates = [
        (o.find_parent("section").h2.get_text(strip=True), o.get_text(" ", strip=True))
        for o in listing.select(".occurrence")
    ]
    assert dates == [("12月2日(水)", "13:00–16:00 水曜の居場所 ひだまり 予約不要")]
    assert listing.select_one(".occurrence__title")["href"] == event.url
