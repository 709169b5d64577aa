"""The hesitant visitor's dead ends (issue 19): an online space joined without contacting
anyone, staff notices in English, a map link, when the next space opens, one set of contacts."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from events.models import Occurrence, SignUp
from tests.support.dates import at, weekly
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


def test_a_callout_links_to_the_contacts_shown_once_per_page(client, make_article, contacts):
    article = make_article(
        body=[("callout", {"heading": "まずは電話一本から", "text": "", "show_contacts": True})]
    )
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    assert len(soup.select("section.contacts")) == 1
    assert soup.select_one('aside.callout a[href="#talk-now"]')
    assert soup.select_one("#talk-now section.contacts")


def test_a_space_links_a_map_site_only_where_its_address_is_shown(client, make_space):
    public = make_space(title="ひだまり", address="さくら市中央1-2-3")
    hidden = make_space(
        title="ほっとスペース", address="みなと町港2丁目5-8", location_policy="after_signup"
    )
    [link] = BeautifulSoup(client.get(public.url).content, "html.parser").select(
        'a[href^="https://www.openstreetmap.org/search?query="]'
    )
    assert "noopener" in link["rel"]
    assert "%E3%81%95" in link["href"]  # the address, encoded
    page = client.get(hidden.url).content.decode()
    assert "openstreetmap" not in page and "みなと町港" not in page


def test_at_night_the_home_page_says_when_and_where_the_next_space_opens(
    client, home_page, make_space, make_event, frozen_now
):
    hidamari = make_space(title="ひだまり", slug="hidamari")
    make_event(space=hidamari, rules=[weekly(D(2026, 12, 1), ["TU", "TH"])])
    later = make_space(title="ほっとスペース", slug="hot")
    make_event(space=later, rules=[weekly(D(2026, 12, 1), ["FR"])])
    frozen_now.move_to(at(2026, 12, 1, 22))  # Tuesday night: today's opening is over
    page = text(client.get(home_page.url))
    assert "今日ひらいている居場所はありません" in page
    assert "次は 12月3日(木) 13:00 から ひだまり" in " ".join(page.split())
