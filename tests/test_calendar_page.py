"""`/events/calendar/`: one page per feed that says what the feed holds, offers its subscribe and
download buttons and its address, and tells, step by step, how to add it in Google Calendar,
Apple Calendar (iPhone and Mac), Outlook and Thunderbird, in Japanese and in English."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar

from tests.support.dates import weekly
from tests.support.pages import in_english

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def hidamari(make_space, make_event, areas):
    space = make_space(title="ひだまり", slug="hidamari", area=areas[1], address="本町1-2-3")
    event = make_event(title="火曜の居場所", space=space, rules=[weekly(D(2026, 12, 1), ["TU"])])
    return space, event


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def words(response):
    return " ".join(soup(response).get_text().split())


def test_the_page_names_the_feed_and_gives_its_buttons_and_address(client, hidamari):
    response = client.get("/events/calendar/?space=hidamari")
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text(strip=True) == "ひだまりの日程"
    subscribe = page.find("a", href=lambda h: h and h.startswith("webcal://"))
    assert subscribe["href"] == "webcal://testserver/events/feed.ics?space=hidamari"
    download = page.find("a", download=True)
    address = page.find("input", id="feed-address")
    assert address.has_attr("readonly") and page.find("label", attrs={"for": "feed-address"})
    assert address["value"] == "http://testserver/events/feed.ics?space=hidamari"
    # Every address the page gives is that feed, and it answers as a calendar of that name.
    for href in (download["href"], address["value"]):
        feed = client.get(href)
        assert feed["Content-Type"] == "text/calendar; charset=utf-8"
        assert str(Calendar.from_ical(feed.content)["X-WR-CALNAME"]) == "ひだまりの日程"
    # What it holds, with a way back to the same dates as a page.
    text = words(response)
    assert "30日前から、およそ6か月先まで" in text and "【お休み】" in text
    assert page.find("a", href="/events/?space=hidamari")


def test_the_steps_name_the_menus_of_each_calendar_app_in_japanese(client, hidamari):
    text = words(client.get("/events/calendar/?space=hidamari"))
    for app, menu in [
        ("Google カレンダー", "「URL で追加」"),
        ("iPhone", "「照会するカレンダーを追加」"),
        ("Mac", "「新規カレンダー照会…」"),
        ("Outlook", "「Web から購読」"),
        ("Thunderbird", "「ネットワークのサーバーに保存」"),
    ]:
        assert app in text and menu in text, app


def test_the_english_page_gives_the_same_steps_in_english(client, hidamari, en_locale):
    space, _event = hidamari
    english = in_english(space, en_locale)
    english.title = "Hidamari"
    english.save_revision().publish()
    response = client.get("/en/events/calendar/?space=hidamari")
    page = soup(response)
    assert page.html["lang"] == "en" and page.h1.get_text(strip=True) == "Hidamari dates"
    text = words(response)
    for menu in [
        "“From URL”",
        "Add Subscribed Calendar",
        "New Calendar Subscription…",
        "“Subscribe from web”",
        "“On the Network”",
    ]:
        assert menu in text, menu
    assert page.find("input", id="feed-address")["value"].endswith(
        "/en/events/feed.ics?space=hidamari"
    )


def test_the_discreet_option_is_one_sentence_and_one_link_away(client, hidamari):
    page = soup(client.get("/events/calendar/?space=hidamari"))
    discreet = page.find("a", string="目立たない版を表示する")
    assert discreet["href"] == "/events/calendar/?space=hidamari&discreet=1"
    sentence = discreet.find_parent("p").get_text(" ", strip=True)
    assert sentence.count("。") == 1 and "家族" in sentence
    response = client.get(discreet["href"])
    page = soup(response)
    # Neutral, like the feed's own name, so nothing on the page names the space to a passer-by.
    assert page.h1.get_text(strip=True) == "集まり"
    assert "ひだまり" not in page.h1.get_text()
    address = page.find("input", id="feed-address")["value"]
    assert address == "http://testserver/events/feed.ics?space=hidamari&discreet=1"
    assert str(Calendar.from_ical(client.get(address).content)["X-WR-CALNAME"]) == "集まり"
    back = page.find("a", string="名前と説明が入る版を表示する")
    assert back["href"] == "/events/calendar/?space=hidamari"


def test_every_page_with_a_feed_links_its_own_calendar_page(client, hidamari):
    space, event = hidamari
    for url, expected in [
        (space.url, "/events/calendar/?space=hidamari"),
        (event.url, f"/events/calendar/?event={event.slug}"),
        ("/events/?kind=drop_in", "/events/calendar/?kind=drop_in"),
        ("/events/", "/events/calendar/"),
    ]:
        page = soup(client.get(url))
        assert page.find("a", href=expected), url


@pytest.mark.parametrize(
    "query", ["?space=abc", "?kind=nothing", "?discreet=2", "?space=hidamari&date=1&date=2"]
)
def test_a_filter_the_listing_does_not_offer_gets_a_kind_400(client, hidamari, query):
    response = client.get(f"/events/calendar/{query}")
    assert response.status_code == 400
    text = words(response)
    assert "使えない条件" in text and "webcal://" not in response.content.decode()
    assert soup(response).find("a", href="/events/calendar/")


def test_reading_the_page_sets_no_cookie(client, hidamari):
    response = client.get("/events/calendar/?space=hidamari")
    assert response.cookies == {}
