"""The coordinator's journeys in a real browser: a date's sign-up list read on a phone (cards,
nothing cut off) and printed (tick boxes, a "came" column, blank rows for walk-ins); and a peer
supporter who logs in, sees "logged in as" on the public pages, and logs out."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model

from events.models import Occurrence
from events.signups import services
from events.signups.tokens import new_form_key
from tests.support.dates import weekly
from tests.support.screens import save_key_screen
from tests.support.staff import give_totp
from tests.support.totp import totp_code

pytestmark = pytest.mark.browser

PASSWORD = "staff-Phrase-42"
PHONE = {"viewport": {"width": 390, "height": 844}}


@pytest.fixture
def site(live_server, transactional_db, django_db_serialized_rollback, home_page):
    return live_server.url


def sign_in(page, site, email, *, secret=None):
    page.goto(f"{site}/admin/" if secret else f"{site}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.keyboard.press("Enter")
    if secret is not None:
        page.wait_for_url("**/accounts/2fa/authenticate/")
        page.locator("input[name=code]").fill(totp_code(secret))
        page.keyboard.press("Enter")
        page.wait_for_url("**/admin/")
    else:
        page.wait_for_url(f"{site}/")


def test_a_coordinator_reads_a_days_list_on_a_phone_and_prints_it(
    site, new_page, make_space, make_event
):
    staff = get_user_model().objects.create_superuser(email="staff@example.org", password=PASSWORD)
    secret = give_totp(staff)
    start = dt.date.today() + dt.timedelta(days=1)
    event = make_event(
        title="火曜の午後",
        space=make_space(title="湖南ほっとスペース"),
        join_mode="booking",
        capacity=10,
        rules=[weekly(start, ["MO", "TU", "WE", "TH", "FR", "SA", "SU"])],
    )
    date = Occurrence.objects.filter(event=event).order_by("start").first()
    for nickname, people in [("やまだ", 1), ("さくらの母", 2), ("ゆう", 1)]:
        services.book_place(
            occurrence=date, form_key=new_form_key(), nickname=nickname, party_size=people
        )

    page = new_page(**PHONE)
    sign_in(page, site, "staff@example.org", secret=secret)
    page.goto(f"{site}/admin/signups/date/{date.pk}/")
    rows = page.locator(".signup-sheet table tbody tr")
    assert rows.count() >= 3
    # Cards: each row as wide as the content, nothing beyond the screen's right edge.
    width = page.viewport_size["width"]
    first = rows.first.bounding_box()
    assert first["width"] > width * 0.6
    for button in page.locator(".signup-sheet button, .signup-sheet .button").all():
        if button.is_visible():
            box = button.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, button.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    save_key_screen(page, "coordinator-day-list-phone")

    page.emulate_media(media="print")
    page.set_viewport_size({"width": 800, "height": 1100})
    sheet = page.locator(".signup-sheet")
    assert sheet.locator("tbody .tick-box").first.is_visible()
    booked_ticks = sheet.locator("table").first.locator("tbody .tick-box")
    assert booked_ticks.count() == 3
    assert page.locator(".walk-in-row").count() == 6
    assert page.locator(".walk-in-row").first.is_visible()
    assert page.get_by_role("columnheader", name="出席").first.is_visible()
    assert page.get_by_role("columnheader", name="来所").first.is_visible()
    # On paper: no buttons, no number fields, no e-mail addresses.
    assert not page.locator(".signup-sheet button").first.is_visible()
    assert "@" not in sheet.inner_text()
    assert page.pdf()[:4] == b"%PDF"
    save_key_screen(page, "coordinator-day-list-print")


def test_a_peer_logs_in_sees_who_they_are_and_logs_out_without_javascript(
    site, new_page, assert_no_axe_violations
):
    get_user_model().objects.create_user(
        email="hikari@example.org", password=PASSWORD, display_name="ひかり"
    )
    page = new_page(**PHONE)
    page.goto(f"{site}/")
    assert page.locator(".signed-in").count() == 0
    sign_in(page, site, "hikari@example.org")
    page.goto(f"{site}/")
    bar = page.locator(".signed-in")
    assert bar.count() == 1
    assert re.search("ログイン中.*ひかり", bar.inner_text())
    assert "hikari@example.org" not in bar.inner_text()
    assert_no_axe_violations(page)
    save_key_screen(page, "coordinator-peer-logged-in")

    quiet = new_page(java_script_enabled=False, **PHONE)
    sign_in(quiet, site, "hikari@example.org")
    quiet.goto(f"{site}/spaces/")
    quiet.get_by_role("button", name="ログアウト").click()
    quiet.wait_for_load_state()
    quiet.goto(f"{site}/")
    assert quiet.locator(".signed-in").count() == 0
