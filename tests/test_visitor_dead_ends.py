"""The hesitant visitor's dead ends (issue 19): an online space joined without contacting
anyone, staff notices in English, a map link, when the next space opens, one set of contacts."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from events.models import Occurrence, SignUp
from tests.support.dates import weekly
from tests.support.pages import book

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
JOIN_URL = "https://meet.example.org/yoru-no-mado"


def text(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ")


@pytest.fixture
def online_space(make_space):
    return make_space(
        title="よるのまど",
        slug="yoru-no-mado",
        is_online=True,
        online_join_url=JOIN_URL,
        show_join_url=False,
        online_how_to_join="リンクを押すとアプリが開きます。",
    )


def test_i_might_come_gives_the_join_link_at_once_and_no_booking_words(
    client, online_space, make_event
):
    event = make_event(
        space=online_space, join_mode="maybe", rules=[weekly(D(2026, 12, 2), ["WE"])]
    )
    date = Occurrence.objects.filter(event=event).first()
    # Not on the public pages, which say how to get it without asking anyone.
    for url in (online_space.url, event.url):
        page = client.get(url)
        assert JOIN_URL not in page.content.decode()
        assert "「行くかも」を押すと" in text(page)
        assert "カメラとマイクはオフのままで大丈夫です" in text(page)
    response = book(client, event, date)
    assert response.status_code == 302
    manage = client.get(response["Location"])
    soup = BeautifulSoup(manage.content, "html.parser")
    [link] = soup.select(f'a[href="{JOIN_URL}"]')
    assert "noopener" in link["rel"]
    assert "カメラとマイクはオフのままで大丈夫です" in text(manage)
    assert "リンクを押すとアプリが開きます。" in text(manage)
    # A head count, not a booking: no party size, no "your sign-up", no number of people.
    assert soup.h1.get_text() == "「行くかも」を受け取りました"
    assert "人数" not in text(manage)
    assert SignUp.objects.get().party_size == 1
    # Taken back, the link goes with it.
    client.post(response["Location"].split("?")[0], {"action": "cancel"})
    assert JOIN_URL not in client.get(response["Location"].split("?")[0]).content.decode()


def test_a_just_come_online_date_shows_its_link_on_the_page(client, online_space, make_event):
    event = make_event(
        space=online_space, join_mode="just_come", rules=[weekly(D(2026, 12, 2), ["WE"])]
    )
    for url in (online_space.url, event.url):
        page = client.get(url)
        assert JOIN_URL in page.content.decode()
        assert page.cookies == {}
        assert "カメラとマイクはオフのままで大丈夫です" in text(page)


def test_a_booked_online_date_keeps_its_link_for_confirmed_places(client, online_space, make_event):
    event = make_event(
        space=online_space, join_mode="booking", capacity=1, rules=[weekly(D(2026, 12, 2), ["WE"])]
    )
    date = Occurrence.objects.filter(event=event).first()
    assert JOIN_URL not in client.get(online_space.url).content.decode()
    assert JOIN_URL not in client.get(event.url).content.decode()
    confirmed = book(Client(), event, date)["Location"]
    waiting = book(client, event, date)["Location"]
    assert JOIN_URL in client.get(confirmed).content.decode()
    assert JOIN_URL not in client.get(waiting).content.decode()
