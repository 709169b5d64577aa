"""What a date's sheet tells a coordinator about how to reach people: the phone number of a family
that gave no e-mail address, the phone and e-mail of a family waiting for its intake talk (the
e-mail on screen only), and nothing for bookings. On paper, never an e-mail address."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from events.models import Occurrence
from events.signups import services
from events.signups.tokens import new_form_key
from tests.support.dates import weekly
from tests.support.staff import sign_in_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def staff(client, django_user_model):
    sign_in_staff(client, django_user_model.objects.create_superuser(email="s@example.org"))
    return client


@pytest.fixture
def family_class(make_event, make_space):
    return make_event(
        title="家族教室",
        kind="family_class",
        space=make_space(title="湖南ほっとスペース"),
        join_mode="enrolment",
        capacity=5,
        intake_required=True,
        rules=[weekly(dt.date(2026, 12, 5), ["SA"], count=3)],
    )


def enrol(event, nickname, **contact):
    signup, _token, _created = services.enrol(
        event=event, form_key=new_form_key(), nickname=nickname, party_size=1, **contact
    )
    return signup


def sheet(staff, event):
    date = Occurrence.objects.filter(event=event).first()
    page = BeautifulSoup(staff.get(f"/admin/signups/date/{date.pk}/").content, "html.parser")
    on_paper = BeautifulSoup(str(page), "html.parser")
    for hidden in on_paper.select(".no-print"):
        hidden.decompose()
    return page.get_text(" "), on_paper.get_text(" ")


def test_an_enrolled_family_without_e_mail_has_its_phone_number_on_paper(staff, family_class):
    phone_only = enrol(family_class, "山田", phone="077-111-2222")
    both = enrol(family_class, "川村", phone="077-333-4444", email="kawamura@example.jp")
    services.decide_enrolment(signup=phone_only, accept=True)
    services.decide_enrolment(signup=both, accept=True)

    on_screen, on_paper = sheet(staff, family_class)

    assert "077-111-2222" in on_paper
    # Whoever gave an e-mail address hears of changes by e-mail: no number on the sheet.
    assert "077-333-4444" not in on_screen
    assert "kawamura@example.jp" not in on_screen


def test_a_family_waiting_for_the_intake_talk_can_be_called_but_no_e_mail_is_printed(
    staff, family_class
):
    enrol(family_class, "山田", phone="077-111-2222", email="yamada@example.jp")

    on_screen, on_paper = sheet(staff, family_class)

    assert "077-111-2222" in on_paper
    assert "yamada@example.jp" in on_screen
    assert "yamada@example.jp" not in on_paper
