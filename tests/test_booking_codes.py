"""A lost manage link is not a dead end: every sign-up has a short booking code to write down,
typed in at /my/ (any case, full-width, with or without the dash) to land on the manage page;
wrong codes are counted and paused; the code is never in an address or a log; the page prints as
a slip with a QR code; the calendar entry leads back; and staff find a booking by date and
nickname and give a new code, which ends the old one."""

import re

import pytest
import segno
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from icalendar import Calendar

from events.messages.delivery import deliver
from events.messages.models import OutboxMessage
from events.models import SignUp, SignUpStatus
from events.signups import retention, services
from events.signups.models import MessageKind
from events.signups.tokens import CODE_ALPHABET, CODE_LENGTH, new_form_key, normalize_code
from tests.support.mail import calendar_of
from tests.support.pages import book, in_english
from tests.support.staff import sign_in_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now", "contacts")]

CODE = re.compile(r"\b([2-9A-HJ-NP-Z]{5})-([2-9A-HJ-NP-Z]{5})\b")


def page_of(response):
    return BeautifulSoup(response.content, "html.parser")


def code_on(response):
    """The booking code as the page shows it, e.g. K7QMX-4WXPR."""
    shown = page_of(response).select_one(".booking-code__value")
    return shown.get_text(strip=True) if shown else None


@pytest.fixture
def booked(client, date):
    """(manage path, code shown on it) of a booking made without an e-mail address."""
    response = book(client, date.event, date, nickname="ゆう", party_size="1")
    manage = response["Location"].split("?")[0]
    return manage, code_on(client.get(response["Location"]))


def type_code(client, code, language_prefix=""):
    return client.post(f"{language_prefix}/my/", {"action": "code", "code": code})


def test_a_booking_shows_a_short_code_to_write_down(client, booked):
    manage, code = booked
    assert CODE.fullmatch(code)
    plain = code.replace("-", "")
    assert len(plain) == CODE_LENGTH and set(plain) <= set(CODE_ALPHABET)
    assert not set("01OIl") & set(plain)
    # Only a keyed hash is kept, never the code itself.
    signup = SignUp.objects.get()
    assert signup.code_hash and plain not in signup.code_hash
    assert plain not in str(list(SignUp.objects.values()))
    # The manage page says what to do if it is lost, with the centre's phone.
    text = page_of(client.get(manage)).get_text()
    assert "077-000-0000" in text and "/my/" in text


def test_typing_the_code_in_a_new_browser_opens_the_manage_page(booked):
    manage, code = booked
    stranger = Client()
    response = type_code(stranger, code)
    assert response.status_code == 302
    assert "?" not in response["Location"].replace("?opened=code", "")
    assert code not in response["Location"] and code.replace("-", "") not in response["Location"]
    landed = stranger.get(response["Location"])
    assert landed.status_code == 200
    assert code_on(landed) == code  # the new link shows the same code again
    assert "ゆう" in page_of(landed).get_text()
    # The first link still works too.
    assert stranger.get(manage).status_code == 200


@pytest.mark.parametrize(
    "typed",
    [
        lambda c: c.lower(),
        lambda c: c.replace("-", ""),
        lambda c: " " + c.replace("-", " ") + " ",
        # Full-width, as a Japanese keyboard types it: ＫＸ…－…
        lambda c: "".join(chr(ord(ch) + 0xFEE0) for ch in c),
    ],
    ids=["lower-case", "no-dash", "spaces", "full-width"],
)
def test_the_code_is_found_however_it_is_typed(booked, typed):
    _manage, code = booked
    response = type_code(Client(), typed(code))
    assert response.status_code == 302 and "/my/" in response["Location"]


def test_a_wrong_code_gets_a_kind_message_and_the_form_again(booked):
    _manage, code = booked
    other = "".join(CODE_ALPHABET[(CODE_ALPHABET.index(ch) + 1) % 32] for ch in code[:5])
    response = type_code(Client(), other + code[5:])
    assert response.status_code == 404
    page = page_of(response)
    assert "見つかりませんでした" in page.select_one(".error-summary").get_text()
    assert page.find("input", attrs={"name": "code"}) is not None


def test_a_code_that_cannot_be_one_is_explained(booked):
    response = type_code(Client(), "0O1I-abc")
    assert response.status_code == 400
    assert "10文字" in page_of(response).select_one(".error-summary").get_text()


def test_wrong_codes_are_paused_after_the_limit_even_for_a_right_one(booked, settings):
    settings.IBASHO_CODE_RATE_PER_IP = "3/h"
    _manage, code = booked
    guesser = Client()
    for guess in ("AAAAA-AAAAA", "BBBBB-BBBBB", "CCCCC-CCCCC"):
        assert type_code(guesser, guess).status_code == 404
    paused = type_code(guesser, code)
    assert paused.status_code == 429
    assert "電話" in page_of(paused).select_one(".error-summary").get_text()
    # Another address is not paused, and right codes are never counted.
    elsewhere = Client(REMOTE_ADDR="192.0.2.9")
    for _ in range(5):
        assert type_code(elsewhere, code).status_code == 302


def test_wrong_codes_from_everyone_together_are_paused_too(booked, settings):
    settings.IBASHO_CODE_RATE_OVERALL = "4/h"
    _manage, code = booked
    for n in range(4):
        assert type_code(Client(REMOTE_ADDR=f"192.0.2.{n}"), "AAAAA-AAAAA").status_code == 404
    assert type_code(Client(REMOTE_ADDR="198.51.100.1"), code).status_code == 429


def test_the_code_is_in_no_address_and_no_log_line(booked, caplog):
    _manage, code = booked
    client = Client()
    with caplog.at_level("DEBUG"):
        response = type_code(client, code)
        type_code(client, "AAAAA-AAAAA")
        client.get(response["Location"])
    plain = code.replace("-", "")
    assert plain not in caplog.text and code not in caplog.text
    assert code not in response["Location"]
    # The form posts (no code in a query string) and the page is private.
    form = page_of(client.get("/my/")).find("input", attrs={"name": "code"}).find_parent("form")
    assert form["method"] == "post"
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_slip_prints_the_date_place_code_and_a_qr_of_the_link(client, booked, date):
    manage, code = booked
    page = page_of(client.get(manage))
    slip_link = page.find("a", href=manage + "slip/")
    assert slip_link is not None
    response = client.get(manage + "slip/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    slip = page_of(response).select_one(".slip")
    text = slip.get_text()
    assert code in text and "湖南ほっとスペース" in text and "12月8日" in text and "13:00" in text
    url = "http://testserver" + manage
    expected = segno.make(url, error="m").svg_inline(scale=3, border=4)
    drawn = slip.find("svg")
    assert drawn.find("path")["d"] == BeautifulSoup(expected, "html.parser").find("path")["d"]
    assert "http" not in str(drawn).replace("http://www.w3.org/2000/svg", "")


def test_the_calendar_entry_leads_back_to_the_manage_page(client, booked):
    manage, _code = booked
    response = client.get(manage + "calendar.ics")
    [entry] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(entry["URL"]) == "http://testserver" + manage
    assert "http://testserver" + manage in str(entry["DESCRIPTION"])


def test_the_confirmation_email_carries_the_code_and_its_link_shows_it(client, date):
    response = book(client, date.event, date, nickname="ゆう", email="yu@example.org")
    code = code_on(client.get(response["Location"]))
    message = OutboxMessage.objects.get(kind=MessageKind.CONFIRMATION)
    assert code.replace("-", "") not in str(message.payload)
    deliver(message.pk)
    [sent] = mail.outbox
    assert code in sent.body
    link = re.search(r"http://\S+/my/\S+/", sent.body).group(0)
    assert code_on(Client().get(link.replace("http://localhost:8000", ""))) == code
    [entry] = Calendar.from_ical(calendar_of(sent)[0]).walk("VEVENT")
    assert str(entry["URL"]) == link


def test_the_english_page_takes_the_code_too(booked, date, en_locale):
    in_english(date.event, en_locale)
    _manage, code = booked
    page = page_of(Client().get("/en/my/"))
    assert "Type in your booking code" in page.get_text()
    response = type_code(Client(), code.lower(), language_prefix="/en")
    assert response.status_code == 302 and response["Location"].startswith("/en/my/")


def test_a_code_stops_working_once_the_details_are_erased(booked, frozen_now):
    _manage, code = booked
    frozen_now.move_to("2027-06-01T00:00:00+09:00")
    assert retention.erase_personal_data() == 1
    assert type_code(Client(), code).status_code == 404


def test_staff_sign_ups_get_a_code_too_shown_once(client, date, django_user_model):
    staff = django_user_model.objects.create_superuser(email="staff@example.org", password="x")
    sign_in_staff(client, staff)
    url = f"/admin/signups/date/{date.pk}/add-booking/"
    form = page_of(client.get(url)).find("input", attrs={"name": "form_key"})
    response = client.post(
        url, {"form_key": form["value"], "party_size": "1", "nickname": "電話のかた"}
    )
    assert response.status_code == 200
    code = page_of(response).select_one(".new-code").get_text(strip=True)
    assert CODE.fullmatch(code)
    assert "no-store" in response["Cache-Control"]
    assert type_code(Client(), code).status_code == 302


def test_staff_find_a_booking_by_date_and_nickname_and_give_a_new_code(
    client, booked, date, django_user_model
):
    manage, old_code = booked
    superuser = django_user_model.objects.create_superuser(email="s@example.org", password="x")
    sign_in_staff(client, superuser)
    found = client.post("/admin/signups/find/", {"date": "2026-12-08", "nickname": "ゆ"})
    assert found.status_code == 200
    rows = page_of(found).select("table.listing tbody tr")
    assert len(rows) == 1 and "ゆう" in rows[0].get_text()
    nothing = page_of(client.post("/admin/signups/find/", {"date": "2026-12-15", "nickname": "ゆ"}))
    assert not nothing.select("table.listing tbody tr")

    signup = SignUp.objects.get()
    action = f"/admin/signups/date/{date.pk}/{signup.pk}/"
    asked = client.post(action, {"action": "new_code"})
    assert "新しい" in page_of(asked).get_text()
    assert type_code(Client(), old_code).status_code == 302  # nothing changed yet
    response = client.post(action, {"action": "new_code", "confirmed": "1"})
    new_code = page_of(response).select_one(".new-code").get_text(strip=True)
    assert CODE.fullmatch(new_code) and new_code != old_code
    assert "no-store" in response["Cache-Control"]
    # The old code and every old link stop working; the new code works.
    assert type_code(Client(REMOTE_ADDR="192.0.2.50"), old_code).status_code == 404
    assert Client().get(manage).status_code == 404
    landed = Client().get(type_code(Client(), new_code)["Location"])
    assert code_on(landed) == new_code
    assert SignUp.objects.get().status == SignUpStatus.CONFIRMED


def test_renewing_through_the_service_replaces_code_and_links(date):
    signup, token, _ = services.book_place(occurrence=date, form_key=new_form_key())
    old_hash = signup.code_hash
    new_token, code = services.renew_link(signup=signup)
    signup.refresh_from_db()
    assert signup.code_hash != old_hash and normalize_code(code) == code
    assert not SignUp.objects.with_token(token).exists()
    assert SignUp.objects.with_token(new_token).get() == signup
    assert SignUp.objects.with_code(code.lower()).get() == signup
