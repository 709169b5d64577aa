"""Words staff write (a cancelled date's message, a note, closed days, today's status) in the
reader's language: the English where staff gave it, else the Japanese marked as such, on pages,
in the English feed and in e-mail (issue 19, point 7)."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from icalendar import Calendar

from events.changes import services as changes
from events.messages import delivery
from events.models import ClosedDays, Occurrence
from events.pages.models import sync_all_events
from spaces.services import set_live_status
from tests.support.dates import at, weekly
from tests.support.pages import book, in_english

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def event(make_space, make_event):
    space = make_space(title="ひだまり", slug="hidamari")
    return make_event(space=space, slug="hidamari-tue", rules=[weekly(D(2026, 12, 1), ["TU"])])


def descriptions(client, url):
    feed = Calendar.from_ical(client.get(url).content)
    return " ".join(str(entry.get("DESCRIPTION", "")) for entry in feed.walk("VEVENT"))


def test_a_cancelled_date_reads_in_english_or_says_it_is_in_japanese(client, event, en_locale):
    english = in_english(event, en_locale)
    first, second = Occurrence.objects.filter(event=event).order_by("start")[:2]
    changes.cancel_occurrence(
        occurrence=first, message="職員研修のためお休みします。", message_en="Closed for training."
    )
    changes.cancel_occurrence(occurrence=second, message="雪のためお休みします。")

    translated, untranslated = soup_of(client.get(english.url)).select(".occurrence__status")[:2]
    assert "Closed for training." in translated.text and "職員研修" not in translated.text
    assert not translated.select("[lang=ja]")
    [japanese] = untranslated.select("[lang=ja]")
    assert japanese.text == "雪のためお休みします。"
    assert "(in Japanese)" in untranslated.text

    japanese_page = soup_of(client.get(event.url)).get_text(" ")
    assert "職員研修のためお休みします。" in japanese_page
    assert "Closed for training." not in japanese_page and "（日本語）" not in japanese_page

    english_feed = descriptions(client, "/en/events/feed.ics")
    assert "Closed for training." in english_feed
    assert "(in Japanese) 雪のためお休みします。" in english_feed
    japanese_feed = descriptions(client, "/events/feed.ics")
    assert "職員研修のためお休みします。" in japanese_feed and "Closed for" not in japanese_feed


def test_closed_days_carry_their_english_to_every_date(client, event, en_locale):
    english = in_english(event, en_locale)
    ClosedDays.objects.create(
        first_day=D(2026, 12, 8),
        last_day=D(2026, 12, 8),
        message="臨時休館です。",
        message_en="The building is closed today.",
    )
    sync_all_events()
    date = Occurrence.objects.get(event=event, start=at(2026, 12, 8, 13))
    assert date.is_cancelled and date.message_en == "The building is closed today."
    assert "The building is closed today." in soup_of(client.get(english.url)).get_text(" ")


def test_todays_status_message_in_english(client, event, en_locale):
    space = event.space
    english = in_english(space, en_locale)
    set_live_status(space=space, kind="quiet_today", message="今日は少人数です。")
    message = soup_of(client.get(english.url)).select_one(".opening__message")
    assert message.select_one("[lang=ja]").text == "今日は少人数です。"
    assert "(in Japanese)" in message.text
    set_live_status(
        space=space, kind="quiet_today", message="今日は少人数です。", message_en="A small group."
    )
    message = soup_of(client.get(english.url)).select_one(".opening__message")
    assert message.get_text(strip=True) == "A small group."


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # e-mail leaves on commit
def test_an_english_booker_reads_the_cancellation_in_english(
    client, make_space, make_event, en_locale
):
    space = make_space(title="ほっとスペース", slug="hot")
    event = make_event(
        space=space, join_mode="booking", capacity=5, rules=[weekly(D(2026, 12, 1), ["TU"])]
    )
    english = in_english(event, en_locale)
    date = Occurrence.objects.get(event=event, start=at(2026, 12, 8, 13))
    assert book(client, english, date, email="yu@example.org").status_code == 302
    delivery.send_due()
    mail.outbox.clear()
    changes.cancel_occurrence(
        occurrence=date, message="職員の体調不良のため。", message_en="A member of staff is unwell."
    )
    delivery.send_due()
    [message] = mail.outbox
    assert "A member of staff is unwell." in message.body
    assert "体調不良" not in message.body
