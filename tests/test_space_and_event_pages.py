"""A space's page and an event's page: what a person reads before deciding to go."""

import datetime as dt
import json

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model

from events.changes.services import cancel_occurrence
from events.models import Occurrence
from spaces.models import LiveStatus
from tests.support.dates import JST, at, weekly
from tests.support.staff import sign_in_staff

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def frozen_moment():
    return at(2026, 12, 1, 14, 0)


@pytest.fixture
def hidamari(make_space, make_event):
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=JST), tick=False):
        return _hidamari(make_space, make_event)


def _hidamari(make_space, make_event):
    space = make_space(
        title="ひだまり",
        slug="hidamari",
        address="さくら市本町1-2-3 さくら会館2階",
        access_station="JRさくら駅から徒歩5分",
        finding_the_door="1階の自動ドアを入って、右手の階段を上がってください。",
    )
    event = make_event(
        title="火曜と金曜の居場所", space=space, rules=[weekly(D(2026, 12, 1), ["TU", "FR"])]
    )
    return space, event


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def json_ld(soup):
    return json.loads(soup.find("script", type="application/ld+json").string)


def test_space_page_says_it_is_open_now_and_how_to_find_the_door(client, hidamari):
    space, _event = hidamari
    soup = page(client, space.url)
    assert soup.select_one(".opening--open") is not None
    assert "さくら会館2階" in soup.get_text()
    assert "右手の階段" in soup.get_text()
    place = json_ld(soup)
    assert place["@type"] == "Place"
    assert place["address"]["streetAddress"] == "さくら市本町1-2-3 さくら会館2階"


def test_hidden_address_stays_hidden_everywhere(client, hidamari):
    space, _event = hidamari
    space.location_policy = "after_signup"
    space.save_revision().publish()
    body = client.get(space.url).content.decode()
    assert "本町1-2-3" not in body
    assert "右手の階段" not in body
    assert "address" not in json_ld(BeautifulSoup(body, "html.parser"))


def test_live_status_message_is_shown_on_the_space_page(client, hidamari):
    space, _event = hidamari
    LiveStatus.objects.create(
        space=space,
        kind="quiet_today",
        message="今日は少人数で静かです",
        ends_at=LiveStatus.end_of_today(),
    )
    text = page(client, space.url).get_text()
    assert "今日は少人数で静かです" in text


def test_event_page_lists_dates_with_cancellations_and_schema_status(client, hidamari):
    _space, event = hidamari
    friday = Occurrence.objects.get(start=dt.datetime(2026, 12, 4, 13, tzinfo=JST))
    cancel_occurrence(occurrence=friday, message="職員研修のためお休みします")
    soup = page(client, event.url)
    cancelled = soup.select_one(".occurrence--cancelled")
    assert "職員研修のためお休みします" in cancelled.get_text()
    events = json_ld(soup)["@graph"]
    statuses = {e["startDate"]: e["eventStatus"] for e in events}
    assert statuses["2026-12-04T13:00:00+09:00"] == "https://schema.org/EventCancelled"
    assert statuses["2026-12-08T13:00:00+09:00"] == "https://schema.org/EventScheduled"
    assert events[0]["location"]["name"] == "ひだまり"


def test_json_ld_cannot_break_out_of_its_script(client, make_event):
    event = make_event(
        title="</script><script>alert(1)</script>", rules=[weekly(D(2026, 12, 1), ["TU"])]
    )
    body = client.get(event.url).content.decode()
    assert "</script><script>alert(1)" not in body


def test_home_page_shows_spaces_open_today(client, hidamari, home_page):
    soup = page(client, "/")
    section = soup.find("section", class_="open-today")
    assert "ひだまり" in section.get_text()


def test_staff_set_a_live_status_in_two_clicks(client, hidamari):
    space, _event = hidamari
    staff = get_user_model().objects.create_superuser(email="staff@example.org", password="x")
    sign_in_staff(client, staff)
    pages = client.get(f"/admin/pages/{space.get_parent().pk}/")
    status_url = f"/admin/spaces/{space.pk}/status/"
    assert status_url in pages.content.decode()  # click 1: the button in the page listing
    response = client.post(
        status_url, {"kind": "closed_today", "message": "臨時休業です"}
    )  # click 2
    assert response.status_code == 302
    status = LiveStatus.objects.current().get(space=space)
    assert status.kind == "closed_today" and status.set_by == staff
    assert status.ends_at == dt.datetime(2026, 12, 2, 0, 0, tzinfo=JST)


def test_people_who_cannot_edit_cannot_set_a_status(client, hidamari):
    space, _event = hidamari
    client.force_login(get_user_model().objects.create_user(email="peer@example.org", password="x"))
    response = client.post(f"/admin/spaces/{space.pk}/status/", {"kind": "closed_today"})
    assert response.status_code in (302, 403)
    assert not LiveStatus.objects.exists()


def test_staff_cancel_a_date_from_the_dates_admin(client, hidamari):
    _space, _event = hidamari
    sign_in_staff(
        client, get_user_model().objects.create_superuser(email="staff@example.org", password="x")
    )
    occurrence = Occurrence.objects.get(start=dt.datetime(2026, 12, 8, 13, tzinfo=JST))
    form = {
        "status": "cancelled",
        "message": "お休みします",
        "start": "2026-12-08 13:00",
        "end": "2026-12-08 16:00",
        "space": occurrence.space_id,
        "capacity": "",
    }
    response = client.post(f"/admin/dates/edit/{occurrence.pk}/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    occurrence.refresh_from_db()
    assert occurrence.is_cancelled and occurrence.edited and occurrence.message == "お休みします"
    assert occurrence.sequence == 1


def test_ten_thousand_characters_are_refused_with_a_message(event_index, space_index):
    from django.core.exceptions import ValidationError

    from events.models import EventPage
    from spaces.models import SpacePage

    long_text = "あ" * 10_000
    space = SpacePage(title="長い", slug="long", summary=long_text, finding_the_door=long_text)
    with pytest.raises(ValidationError) as error:
        space.full_clean()
    assert {"summary", "finding_the_door"} <= set(error.value.message_dict)
    event = EventPage(
        title="長い", slug="long", kind="drop_in", summary=long_text, discreet_title=long_text
    )
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert {"summary", "discreet_title"} <= set(error.value.message_dict)
