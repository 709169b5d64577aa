"""The private manage page when an action cannot be done: a kind explanation on the same page,
never an error page, and what was done before stays done (issue 18, point 1 and 3)."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from events.changes import services as changes
from events.models import Occurrence, SignUp, SignUpStatus
from events.signups import services
from events.signups.tokens import new_form_key
from tests.support.dates import weekly

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def full_date(make_event, make_space):
    event = make_event(
        join_mode="booking",
        capacity=1,
        space=make_space(),
        rules=[weekly(dt.date(2026, 12, 1), ["TU"])],
    )
    return Occurrence.objects.filter(event=event).first()


def book(date):
    signup, token, _created = services.book_place(occurrence=date, form_key=new_form_key())
    return signup, token


def page_text(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ")


def test_accepting_an_offer_twice_keeps_the_place_and_says_so(client, full_date):
    first, _ = book(full_date)
    second, token = book(full_date)
    services.cancel_signup(signup=first)
    assert client.post(f"/my/{token}/", {"action": "accept"}).status_code == 302
    again = client.post(f"/my/{token}/", {"action": "accept"}, follow=True)
    assert again.status_code == 200
    assert "お席が確定しました" in page_text(again)
    second.refresh_from_db()
    assert second.status == SignUpStatus.CONFIRMED


def test_a_place_gone_to_someone_else_is_explained_on_the_page(client, full_date, frozen_now):
    first, _ = book(full_date)
    second, token = book(full_date)
    services.cancel_signup(signup=first)
    changes.cancel_occurrence(occurrence=full_date, message="お休みします")
    response = client.post(f"/my/{token}/", {"action": "accept"})
    assert response.status_code == 200
    text = page_text(response)
    assert "中止" in text and "ほかは何も変わっていません" in text
    second.refresh_from_db()
    assert second.status == SignUpStatus.OFFERED  # nothing changed


def test_an_absence_on_a_booking_is_refused_kindly(client, full_date):
    signup, token = book(full_date)
    response = client.post(f"/my/{token}/", {"action": "absence", "occurrence": full_date.pk})
    assert response.status_code == 200
    assert "ほかは何も変わっていません" in page_text(response)
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.CONFIRMED and not signup.absences.exists()


@pytest.mark.parametrize("value", ["²", "١٢", "①", "１２"])
def test_unicode_digits_in_the_date_are_no_error(client, full_date, value):
    signup, token = book(full_date)
    response = client.post(f"/my/{token}/", {"action": "absence", "occurrence": value})
    assert response.status_code == 200
    assert SignUp.objects.get(pk=signup.pk).status == SignUpStatus.CONFIRMED
