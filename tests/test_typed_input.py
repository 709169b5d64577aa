"""What people type, as they type it: phone numbers in every way they are written in Japan, and
the invisible characters that could make a printed list lie, refused with a kind word while the
rest of the form stays as it was."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from events.models import Occurrence, SignUp
from events.signups import services
from tests.support.dates import weekly
from tests.support.pages import form_of
from tests.support.staff import sign_in_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def family_class(make_space, make_event):
    return make_event(
        title="家族教室",
        kind="family_class",
        space=make_space(title="家族のための相談室"),
        join_mode="enrolment",
        capacity=10,
        intake_required=True,
        rules=[weekly(dt.date(2026, 12, 5), ["SA"], count=3)],
    )


def enrol(client, event, **fields):
    url = f"{event.url}enrol/"
    data = {
        **form_of(client, url),
        "nickname": "山田",
        "note": "入口で待ち合わせたいです",
        **fields,
    }
    return client.post(url, data)


def page_of(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.parametrize(
    "typed",
    [
        "(03) 1234-5678",
        "（03）1234-5678",
        "０３－１２３４－５６７８",
        "03 1234 5678",
        "03\u30001234\u30005678",
        "03ー1234ー5678",
        "03‐1234―5678",
        "+81 3-1234-5678",
        "+81 (0)3 1234 5678",
        "0312345678",
    ],
)
def test_a_phone_number_is_taken_as_written_and_kept_as_digits_to_call(client, family_class, typed):
    response = enrol(client, family_class, phone=typed)
    assert response.status_code == 302
    signup = SignUp.objects.get()
    assert (signup.phone, signup.phone_digits) == (typed, "0312345678")


def test_a_mobile_and_a_number_abroad(client, family_class):
    enrol(client, family_class, phone="０９０（１２３４）５６７８")
    enrol(client, family_class, phone="+44 20 7946 0958", nickname="川村")
    assert sorted(SignUp.objects.values_list("phone_digits", flat=True)) == [
        "+442079460958",
        "09012345678",
    ]


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("でんわ", "数字で"),
        ("1234-5678", "市外局番"),
        ("03-123", "足りない"),
        ("03-1234-5678-9999", "多い"),
    ],
)
def test_a_number_nobody_could_call_is_refused_kindly_and_nothing_is_lost(
    client, family_class, typed, says
):
    response = enrol(client, family_class, phone=typed)
    assert response.status_code == 400
    page = page_of(response)
    assert says in page.get_text()
    assert page.find("input", {"name": "nickname"})["value"] == "山田"
    assert page.find("input", {"name": "phone"})["value"] == typed
    assert "入口で待ち合わせたいです" in page.find("textarea", {"name": "note"}).get_text()
    assert not SignUp.objects.exists()


def test_the_staff_sheet_calls_the_digits_and_shows_the_number_as_written(
    client, django_user_model, family_class
):
    enrol(client, family_class, phone="（03）1234-5678")
    services.decide_enrolment(signup=SignUp.objects.get(), accept=True)
    sign_in_staff(client, django_user_model.objects.create_superuser(email="s@example.org"))
    date = Occurrence.objects.filter(event=family_class).first()
    link = page_of(client.get(f"/admin/signups/date/{date.pk}/")).find("a", href="tel:0312345678")
    assert link is not None and link.get_text() == "（03）1234-5678"


@pytest.mark.parametrize(
    ("nickname", "says"),
    [
        ("やまだ\u202eいわた", "文字の向き"),  # a right-to-left override
        ("やま\u200bだ", "見えない文字"),  # a zero-width space
        ("やま\ufeffだ", "見えない文字"),  # a BOM in the middle
        ("やまだ\u2066", "文字の向き"),  # an isolate
        ("やまだ\ue000", "一部の"),  # a private-use character
        ("やまだ\uffff", "文字や記号ではない"),  # a non-character
    ],
)
def test_invisible_and_direction_characters_are_refused_with_what_to_do(
    client, family_class, nickname, says
):
    response = enrol(client, family_class, nickname=nickname, phone="090-1234-5678")
    assert response.status_code == 400
    page = page_of(response)
    assert says in page.get_text()
    assert "入口で待ち合わせたいです" in page.find("textarea", {"name": "note"}).get_text()
    assert not SignUp.objects.exists()


def test_a_hidden_character_in_a_note_is_refused_too(client, family_class):
    response = enrol(client, family_class, phone="090-1234-5678", note="よろしく\u202eお願いします")
    assert response.status_code == 400
    assert not SignUp.objects.exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("たろう😊", "たろう😊"),
        ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),  # a family: joiners between pictographs
        ("\ufeff山田", "山田"),  # a leading BOM from pasted text means nothing
        ("髙橋", "髙橋"),
    ],
)
def test_japanese_names_and_emoji_are_welcome(client, family_class, typed, stored):
    assert enrol(client, family_class, nickname=typed, phone="090-1234-5678").status_code == 302
    assert SignUp.objects.get().nickname == stored


def test_a_form_body_that_is_not_utf8_is_refused_and_nothing_is_stored(client, family_class):
    url = f"{family_class.url}enrol/"
    fields = form_of(client, url)
    body = "&".join(f"{name}={value}" for name, value in fields.items())
    body += "&nickname=%E5%B1%B1%FF%FE&phone=090-1234-5678"
    response = client.generic(
        "POST", url, body.encode(), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "読み取れませんでした" in response.content.decode()
    assert not SignUp.objects.exists()


def test_a_query_that_is_not_utf8_is_refused_and_a_japanese_one_is_fine(client, family_class):
    assert client.get("/my/?x=%FF").status_code == 400
    assert client.get("/my/?x=%E5%AE%B6%E6%97%8F+%E4%BC%9A").status_code == 200
