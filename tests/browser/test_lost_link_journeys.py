"""A lost manage link is not a dead end, in a real browser at 320 px with JavaScript off and only
the keyboard: sign up without an e-mail address, note the booking code the page shows (and its
printable slip), lose the link (a new browser), come back to /my/, type the code, and land on
the manage page again. axe checks the same screens with JavaScript on."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from events.models import Occurrence, SignUp, SignUpStatus
from events.schedule.recurrence import site_zone
from tests.support.dates import weekly
from tests.support.screens import PHONE, save_key_screen

pytestmark = pytest.mark.browser

WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
NO_JS_PHONE = {**PHONE, "java_script_enabled": False}


@pytest.fixture
def site(live_server, transactional_db, django_db_serialized_rollback, contacts):
    """The live server's base URL, on a site without the demo content but with the centre's
    phone line (contacts)."""
    return live_server.url


@pytest.fixture
def occurrence(make_event, make_space):
    """The first date, a week from today, of a weekly session that needs booking."""
    day = timezone.localdate(timezone.now(), site_zone()) + dt.timedelta(days=7)
    event = make_event(
        title="木曜の午後のおしゃべり会",
        space=make_space(title="湖南ほっとスペース"),
        join_mode="booking",
        capacity=5,
        holiday_policy="open",
        rules=[weekly(day, [WEEKDAY_CODES[day.weekday()]], until=day + dt.timedelta(7))],
    )
    return Occurrence.objects.filter(event=event).order_by("start").first()


def tab_to(page, css, *, text=None, limit=60):
    """Press Tab until the element `css` has the focus (and says `text`, if given). JavaScript
    is off, so only locators, never page.evaluate."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.locator(f"{css}:focus")
        if focused.count() == 1 and (text is None or focused.inner_text().strip() == text):
            return focused
    pytest.fail(f"{css} {text or ''} not reached within {limit} Tabs")


def press_enter_and_follow(page):
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_sign_up_without_email_lose_the_link_and_come_back_with_the_code(
    site, new_page, browser_log, assert_no_axe_violations, occurrence
):
    event = occurrence.event
    nickname = "ひなた"

    # Sign up with a nickname only, by keyboard, at 320 px, JavaScript off.
    page = new_page(**NO_JS_PHONE)
    page.goto(f"{site}{urlsplit(event.url).path}signup/{occurrence.pk}/")
    tab_to(page, "#id_nickname")
    page.keyboard.type(nickname)
    tab_to(page, "main form button[type=submit]", text="申し込む")
    press_enter_and_follow(page)

    # The manage page shows the booking code to write down, and what to do if it is lost.
    assert urlsplit(page.url).query == "new=1"
    first_link = page.url.split("?")[0]
    assert page.locator(".booking-code__value").count() == 1
    code = page.locator(".booking-code__value").inner_text().strip()
    assert len(code) == 11 and code[5] == "-"
    lost = page.locator(".if-lost").inner_text()
    assert "/my/" in lost and "077-000-0000" in lost
    save_key_screen(page, "lost-link-1-code-on-the-manage-page")

    # The slip to print: date, place, code and a QR code drawn on the page.
    assert page.locator("a[href$='/slip/']").count() == 1
    page.goto(site + page.locator("a[href$='/slip/']").get_attribute("href"))
    slip = page.locator(".slip")
    assert code in slip.inner_text() and "湖南ほっとスペース" in slip.inner_text()
    assert slip.locator("svg").count() == 1
    save_key_screen(page, "lost-link-2-printable-slip")

    # The link is lost: a new browser, nothing remembered. Back to /my/ and type the code,
    # in small letters and without the dash, by keyboard.
    again = new_page(**NO_JS_PHONE)
    again.goto(site + "/my/")
    assert again.locator("h1").inner_text() == "申し込みのページに戻る"
    save_key_screen(again, "lost-link-3-my-page")
    tab_to(again, "#id_code")
    again.keyboard.type(code.replace("-", "").lower())
    tab_to(again, "main form button[type=submit]", text="申し込みのページを開く")
    press_enter_and_follow(again)

    # Landed on the manage page of the same sign-up, which shows the same code.
    assert urlsplit(again.url).query == "opened=code"
    assert "おかえりなさい" in again.locator(".notice[role=status]").inner_text()
    assert nickname in again.locator(".status-box").inner_text()
    assert again.locator(".booking-code__value").inner_text().strip() == code
    token = urlsplit(again.url).path.strip("/").split("/")[1]
    signup = SignUp.objects.with_token(token).get()
    assert (signup.nickname, signup.email, signup.status) == (nickname, "", SignUpStatus.CONFIRMED)
    assert code not in again.url and code.replace("-", "") not in again.url
    save_key_screen(again, "lost-link-4-back-on-the-manage-page")

    # The same screens with JavaScript on, for axe.
    checked = new_page(viewport={"width": 1280, "height": 720})
    for path in ("/my/", urlsplit(first_link).path, urlsplit(first_link).path + "slip/"):
        checked.goto(site + path)
        assert_no_axe_violations(checked)

    assert browser_log.requests_elsewhere(site) == []
    assert browser_log.console_errors == []
