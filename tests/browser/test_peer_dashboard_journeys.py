"""A peer supporter on a phone (320 px): signs in, sees their dates with the head counts, sets
today's status, and finds it on the space's public page. axe-core checks the dashboard."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.support.dates import weekly
from tests.support.peers import make_profile
from tests.support.screens import PHONE, assert_no_sideways_scroll, save_key_screen

pytestmark = pytest.mark.browser

PASSWORD = "my own long Phrase 7"
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@pytest.fixture
def site(live_server, transactional_db, django_db_serialized_rollback, home_page):
    return live_server.url


def test_a_host_sets_todays_status_from_the_dashboard(
    site, new_page, assert_no_axe_violations, make_space, make_event, home_page
):
    today = timezone.localdate()
    # Late in the evening, so that the date is still to come whenever the test runs.
    rule = weekly(today, [WEEKDAYS[today.weekday()]], start="23:00", end="23:50")
    space = make_space(title="湖南ほっとスペース", slug="konan")
    make_event(title="夜の居場所", space=space, rules=[rule])
    session = make_event(
        title="ピアサポーターと話そう",
        kind="peer_session",
        space=space,
        join_mode="maybe",
        rules=[rule],
    )
    user = get_user_model().objects.create_user(email="hikari@example.org", password=PASSWORD)
    make_profile(home_page, title="ひかり", slug="hikari", user=user, events=[session])

    phone = new_page(**PHONE)
    phone.goto(f"{site}/peers/dashboard/")
    assert "/accounts/login/" in phone.url
    phone.locator("input[name=login]").fill("hikari@example.org")
    phone.locator("input[name=password]").fill(PASSWORD)
    phone.keyboard.press("Enter")
    phone.wait_for_url(f"{site}/peers/dashboard/")
    assert phone.locator("h1").inner_text() == "わたしの会"
    assert "予約 0人" in phone.content()
    assert_no_axe_violations(phone)
    assert_no_sideways_scroll(phone)
    save_key_screen(phone, "peer-dashboard")

    phone.get_by_label(re.compile("今日は静かです|Quiet today")).check()
    phone.get_by_role("button", name=re.compile("今日はこれを表示する|Show this today")).click()
    phone.wait_for_url(f"{site}/peers/dashboard/")
    assert "場所のページに表示しました" in phone.content()
    save_key_screen(phone, "peer-dashboard-status-set")

    visitor = new_page(**PHONE)
    visitor.goto(f"{site}{space.url}")
    assert "今日は静かです" in visitor.locator("main").inner_text()
    save_key_screen(visitor, "peer-dashboard-space-page")
