"""Cancelling stays one step, and is not a dead end: the page after it says kindly that it is
fine and, while the date is open and a place is left, offers "I cancelled by mistake — book
again", which books the same date with the same details through the same service as the form."""

import datetime as dt

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from icalendar import Calendar

from events.models import Occurrence, SignUp, SignUpStatus
from tests.support.dates import at, weekly
from tests.support.mail import calendar_of
from tests.support.pages import book, form_data

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
with_commits = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def booking_event(make_event, make_space):
    return make_event(
        title="火曜の午後",
        space=make_space(title="湖南ほっとスペース"),
        join_mode="booking",
        capacity=3,
        rules=[weekly(D(2026, 12, 1), ["TU"])],
    )


@pytest.fixture
def date(booking_event):
    return Occurrence.objects.get(event=booking_event, start=at(2026, 12, 8, 13))


def page_of(response):
    return BeautifulSoup(response.content, "html.parser")


def cancelled(client, event, date, **fields):
    manage = book(client, event, date, **fields)["Location"].split("?")[0]
    response = client.post(manage, {"action": "cancel"}, follow=True)
    return manage, page_of(response)


def book_again_form(page):
    button = page.find("button", string=lambda s: s and "もう一度申し込む" in s)
    return button and button.find_parent("form")


def test_after_cancelling_the_page_offers_to_book_again_and_it_does(client, booking_event, date):
    manage, page = cancelled(client, booking_event, date, nickname="ゆう", party_size="2")
    assert "まちがえて取り消した場合も大丈夫です" in page.get_text()
    form = book_again_form(page)
    response = client.post(manage, form_data(form))
    assert response.status_code == 302 and response["Location"].endswith("?new=1")
    new_manage = response["Location"].split("?")[0]
    assert new_manage != manage
    again = SignUp.objects.exclude(status=SignUpStatus.CANCELLED).get()
    assert (again.occurrence, again.nickname, again.party_size) == (date, "ゆう", 2)
    assert again.status == SignUpStatus.CONFIRMED
    assert "お席が確定しました" in page_of(client.get(new_manage)).get_text()
    # A second click on the same button (the page not yet gone) books nothing more.
    assert client.post(manage, form_data(form))["Location"].split("?")[0] == new_manage
    assert SignUp.objects.exclude(status=SignUpStatus.CANCELLED).count() == 1
    # The old page stays as it was: cancelled, with nothing more to offer.
    old = page_of(client.get(manage))
    assert "取り消されています" in old.get_text(), old.get_text()


def test_no_offer_once_the_places_are_gone_and_a_forged_request_is_refused_kindly(
    client, booking_event, date
):
    manage, page = cancelled(client, booking_event, date, party_size="2")
    form = form_data(book_again_form(page))
    book(Client(), booking_event, date, party_size="2")  # someone else takes the places
    assert book_again_form(page_of(client.get(manage))) is None
    response = client.post(manage, form)
    assert response.status_code == 200
    assert "この日は、ここからはもう申し込めません" in page_of(response).get_text()
    assert SignUp.objects.filter(status=SignUpStatus.CONFIRMED).count() == 1


def test_no_offer_for_a_date_that_has_started(client, booking_event, date):
    manage, _page = cancelled(client, booking_event, date)
    with time_machine.travel(at(2026, 12, 8, 13, 30)):
        assert book_again_form(page_of(client.get(manage))) is None
        response = client.post(manage, {"action": "rebook", "form_key": "x" * 43})
        assert "もう申し込めません" in page_of(response).get_text()
    assert not SignUp.objects.active().exists()


def test_i_might_come_taken_back_can_be_said_again(client, make_event, make_space):
    event = make_event(
        title="ふらっと会",
        space=make_space(title="ひだまり"),
        join_mode="maybe",
        rules=[weekly(D(2026, 12, 1), ["TU"])],
    )
    date = Occurrence.objects.get(event=event, start=at(2026, 12, 8, 13))
    manage = book(client, event, date)["Location"].split("?")[0]
    page = page_of(client.post(manage, {"action": "cancel"}, follow=True))
    button = page.find("button", string=lambda s: s and "やっぱり行くかも" in s)
    response = client.post(manage, form_data(button.find_parent("form")))
    assert response.status_code == 302
    assert SignUp.objects.active().get().kind == "maybe"


@with_commits
def test_booking_again_sends_a_calendar_entry_above_the_cancellation(client, booking_event, date):
    manage, page = cancelled(client, booking_event, date, email="yu@example.org")
    cancel_mail = mail.outbox[-1]
    [cancelled_entry] = Calendar.from_ical(calendar_of(cancel_mail)[0]).walk("VEVENT")
    client.post(manage, form_data(book_again_form(page)))
    [entry] = Calendar.from_ical(calendar_of(mail.outbox[-1])[0]).walk("VEVENT")
    assert entry["UID"] == cancelled_entry["UID"] and entry["STATUS"] == "CONFIRMED"
    assert entry["SEQUENCE"] > cancelled_entry["SEQUENCE"]
