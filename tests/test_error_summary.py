"""A refused form opens with a summary of what to change: first in the form, focused by itself
(autofocus, so it works without JavaScript), each message a link to its field."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from events.models import Occurrence
from tests.support.dates import at, weekly
from tests.support.pages import book, signup_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def date(make_event, make_space):
    event = make_event(
        title="火曜の午後",
        space=make_space(title="ひだまり"),
        join_mode="booking",
        capacity=4,
        rules=[weekly(dt.date(2026, 12, 1), ["TU"])],
    )
    return event, Occurrence.objects.get(event=event, start=at(2026, 12, 8, 13))


def test_a_refused_sign_up_opens_on_a_summary_linking_each_field(client, date):
    event, occurrence = date
    response = book(client, event, occurrence, nickname="長" * 41, email="not an address")
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    summary = page.select_one("form .error-summary")
    assert summary.has_attr("autofocus") and summary["tabindex"] == "-1"
    assert summary["role"] == "alert"
    # The first thing in the form, before any field.
    assert summary.find_next(["input", "select", "textarea"], type=lambda t: t != "hidden")
    links = {a["href"]: a.get_text() for a in summary.select("a")}
    assert links["#id_nickname"].endswith("40文字以内でお願いします。")
    assert "#id_email" in links
    for href in links:
        assert page.select_one(href) is not None  # every link leads to its field


def test_a_form_not_yet_sent_has_no_summary(client, date):
    event, occurrence = date
    page = BeautifulSoup(client.get(signup_url(event, occurrence)).content, "html.parser")
    assert page.select_one("form #id_nickname") and page.select_one(".error-summary") is None
