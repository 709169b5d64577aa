"""How the listings and an event's page present dates: the filter panel, the pager, where a date
takes place, and staff's Japanese messages on English pages."""

import datetime as dt
import re

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from django.conf import settings

from events.changes.services import cancel_occurrence, move_occurrence
from events.models import Occurrence
from spaces.services import set_live_status
from tests.support.dates import JST, weekly
from tests.support.pages import in_english

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def frozen_moment():
    return dt.datetime(2026, 12, 1, 10, 0, tzinfo=JST)


@pytest.fixture
def hidamari(make_space, make_event):
    """A space whose event meets there on Tuesdays and Fridays, and a second room."""
    space = make_space(title="ひだまり", slug="hidamari")
    annex = make_space(title="ひだまり別館", slug="annex")
    event = make_event(
        title="火曜と金曜の居場所",
        slug="tue-fri",
        space=space,
        rules=[weekly(D(2026, 12, 1), ["TU", "FR"])],
    )
    return space, annex, event


def soup(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return BeautifulSoup(response.content, "html.parser")


def at(day, hour=13):
    return Occurrence.objects.get(start=dt.datetime.combine(day, dt.time(hour), tzinfo=JST))


# --- The filter panel ------------------------------------------------------------------------


def filters_open(page):
    return page.select_one("details.filters").has_attr("open")


@pytest.mark.parametrize(
    "query", ["", "?view=month", "?view=day&date=2026-12-04", "?date=2026-12-08", "?page=2"]
)
def test_moving_through_dates_keeps_the_event_filters_folded(client, hidamari, query):
    assert not filters_open(soup(client, f"/events/{query}"))


@pytest.mark.parametrize(
    "query", ["?kind=drop_in", "?audience=families", "?space=hidamari", "?view=day&kind=drop_in"]
)
def test_a_chosen_event_filter_stays_in_view(client, hidamari, query):
    assert filters_open(soup(client, f"/events/{query}"))


def test_an_unusable_filter_is_shown_to_choose_again(client, hidamari):
    assert filters_open(soup(client, "/events/?kind=party", status=400))
    assert filters_open(soup(client, "/spaces/?feature=jacuzzi", status=400))


@pytest.mark.parametrize("query", ["", "?page=2", "?open="])
def test_the_space_filters_are_folded_without_a_filter(client, hidamari, query):
    assert not filters_open(soup(client, f"/spaces/{query}"))


@pytest.mark.parametrize(
    "query", ["?open=now", "?open=today", "?online=on", "?feature=free", "?audience=families"]
)
def test_a_chosen_space_filter_stays_in_view(client, hidamari, query):
    assert filters_open(soup(client, f"/spaces/{query}"))


# --- The pager -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "previous", "following"),
    [
        ("?view=day", "前の日", "次の日"),
        ("", "前の週", "次の週"),
        ("?view=week&kind=drop_in", "前の週", "次の週"),
        ("?view=month", "前の月", "次の月"),
    ],
)
def test_the_pager_says_what_it_moves_by(client, hidamari, query, previous, following):
    page = soup(client, f"/events/{query}")
    assert page.select_one(".pager a[rel=prev]").get_text(strip=True) == previous
    assert page.select_one(".pager a[rel=next]").get_text(strip=True) == following


def test_the_pager_speaks_english_on_english_pages(client, hidamari, en_locale):
    _space, _annex, event = hidamari
    in_english(event.get_parent().specific, en_locale)
    for view, previous, following in [
        ("day", "Previous day", "Next day"),
        ("week", "Previous week", "Next week"),
        ("month", "Previous month", "Next month"),
    ]:
        page = soup(client, f"/en/events/?view={view}")
        assert page.select_one(".pager a[rel=prev]").get_text(strip=True) == previous
        assert page.select_one(".pager a[rel=next]").get_text(strip=True) == following


# --- Where a date takes place ----------------------------------------------------------------


def test_the_event_page_names_the_place_only_for_a_moved_date(client, hidamari):
    _space, annex, event = hidamari
    move_occurrence(
        occurrence=at(D(2026, 12, 4)),
        start=dt.datetime(2026, 12, 4, 13, tzinfo=JST),
        end=dt.datetime(2026, 12, 4, 16, tzinfo=JST),
        space=annex,
    )
    page = soup(client, event.url)
    dates = page.select(".occurrence")
    assert len(dates) > 3
    places = [d.select_one(".occurrence__place") for d in dates]
    assert [p.get_text(strip=True) for p in places if p] == ["ひだまり別館"]
    moved = dates[[p is not None for p in places].index(True)]
    assert moved.select_one(".occurrence__time").get_text(strip=True) == "13:00–16:00"
    assert "変更" in moved.select_one(".occurrence__status").get_text()
    # The usual place is said once, above the dates.
    assert "ひだまり" in page.find("h2", string="場所").find_next("p").get_text()


def test_the_listing_names_the_place_of_every_date(client, hidamari, make_event):
    make_event(title="夜のオンライン", is_online=True, rules=[weekly(D(2026, 12, 1), ["TH"])])
    dates = soup(client, "/events/").select(".occurrence")
    places = [d.select_one(".occurrence__place").get_text(strip=True) for d in dates]
    assert places == ["ひだまり", "オンライン", "ひだまり"]


def test_an_online_event_page_does_not_repeat_online_on_each_date(client, make_event):
    event = make_event(
        title="夜のオンライン", is_online=True, rules=[weekly(D(2026, 12, 1), ["TH"])]
    )
    page = soup(client, event.url)
    assert page.select(".occurrence")
    assert page.select(".occurrence__place") == []


# --- Staff's Japanese on English pages -------------------------------------------------------


def test_a_staff_message_is_marked_japanese_on_english_pages(client, hidamari, en_locale):
    _space, _annex, event = hidamari
    cancel_occurrence(occurrence=at(D(2026, 12, 4)), message="職員研修のためお休みします")
    english_event = in_english(event, en_locale)
    for url in [english_event.url, "/en/events/"]:
        status = soup(client, url).select_one(".occurrence--cancelled .occurrence__status")
        assert status.get_text() == "Cancelled: 職員研修のためお休みします (in Japanese)", url
        assert status.find(lang="ja").get_text() == "職員研修のためお休みします", url
    # On Japanese pages the message is in the page's own language.
    for url in [event.url, "/events/"]:
        status = soup(client, url).select_one(".occurrence--cancelled .occurrence__status")
        assert status.find(lang=True) is None, url


def test_a_holiday_message_is_already_in_the_readers_language(client, make_event, en_locale):
    event = make_event(title="金曜の居場所", rules=[weekly(D(2026, 12, 4), ["FR"])])
    in_english(event, en_locale)
    page = soup(client, "/en/events/?view=day&date=2027-01-01")
    status = page.select_one(".occurrence--cancelled .occurrence__status")
    assert "New Year" in status.get_text()
    assert status.find(lang=True) is None


def test_a_live_status_message_is_marked_japanese_on_english_pages(client, hidamari, en_locale):
    space, _annex, _event = hidamari
    set_live_status(space=space, kind="quiet_today", message="今日は少人数で静かです")
    english_space = in_english(space, en_locale)
    for url in [english_space.url, "/en/spaces/"]:
        message = soup(client, url).select_one(".opening__message")
        assert message.find(lang="ja").get_text(strip=True) == "今日は少人数で静かです", url
        assert "(in Japanese)" in message.get_text(), url
    assert not soup(client, space.url).select_one(".opening__message").find(lang="ja")


# --- Japanese punctuation --------------------------------------------------------------------


def test_the_cancelled_label_takes_a_full_width_colon_in_japanese(client, hidamari):
    _space, _annex, event = hidamari
    cancel_occurrence(occurrence=at(D(2026, 12, 4)), message="職員研修のためお休みします")
    for url in [event.url, "/events/"]:
        status = soup(client, url).select_one(".occurrence--cancelled .occurrence__status")
        assert status.get_text() == "中止：職員研修のためお休みします", url


def test_no_japanese_translation_uses_an_ascii_colon():
    catalogue = settings.BASE_DIR / "locale" / "ja" / "LC_MESSAGES" / "django.po"
    japanese_then_colon = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]\s*:")
    with open(catalogue, "rb") as f:
        strings = [m.string for m in read_po(f) if m.id]
    flat = [s for string in strings for s in (string if isinstance(string, tuple) else [string])]
    assert [s for s in flat if japanese_then_colon.search(s)] == []
