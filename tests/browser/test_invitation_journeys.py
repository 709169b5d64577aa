"""Invitation journey in a real browser: staff sign in with their second factor and invite a
peer supporter; the peer opens the link on a phone, chooses a password and signs in; the used
link then gets a kind page. axe-core checks every page the peer sees."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from events.messages import delivery
from tests.support.staff import give_totp
from tests.support.totp import totp_code

pytestmark = pytest.mark.browser

STAFF_PASSWORD = "staff-Phrase-42"
PEER_PASSWORD = "my own long Phrase 7"
PHONE = {"viewport": {"width": 360, "height": 740}}


@pytest.fixture
def site(live_server, transactional_db, django_db_serialized_rollback, home_page):
    return live_server.url


def test_staff_invite_a_peer_who_accepts_and_signs_in(site, new_page, assert_no_axe_violations):
    staff = get_user_model().objects.create_superuser(
        email="staff@example.org", password=STAFF_PASSWORD
    )
    secret = give_totp(staff)

    desk = new_page()
    desk.goto(f"{site}/admin/")
    assert "/accounts/login/" in desk.url  # Wagtail's sign-in is allauth's
    desk.get_by_label(re.compile("メール|E-mail", re.I)).first.fill("staff@example.org")
    desk.get_by_label(re.compile("パスワード|Password", re.I)).first.fill(STAFF_PASSWORD)
    desk.keyboard.press("Enter")
    desk.wait_for_url("**/accounts/2fa/authenticate/")
    assert_no_axe_violations(desk)
    desk.locator("input[name=code]").fill(totp_code(secret))
    desk.keyboard.press("Enter")
    desk.wait_for_url("**/admin/")
    desk.goto(f"{site}/admin/invitations/")
    desk.locator("input[name=email]").fill("hikari@example.org")
    desk.locator("select[name=language]").select_option("ja")
    desk.get_by_role("button", name=re.compile("招待を送る|Send the invitation")).click()
    desk.wait_for_url("**/admin/invitations/")
    assert "hikari@example.org" in desk.content()

    delivery.send_due()  # whatever the fast path has not sent yet
    (message,) = [m for m in mail.outbox if m.to == ["hikari@example.org"]]
    path = re.search(r"https?://[^/\s]+(/\S*invitation/\S+/)", message.body).group(1)

    phone = new_page(**PHONE)
    phone.goto(f"{site}{path}")
    assert phone.locator("h1").inner_text() == "招待を承諾する"
    assert_no_axe_violations(phone)
    assert phone.locator("input[autocomplete=username]").input_value() == "hikari@example.org"
    # By keyboard alone: the name, then the password twice, then Enter.
    phone.locator("input[name=display_name]").focus()
    phone.keyboard.type("ひかり")
    phone.keyboard.press("Tab")
    phone.keyboard.type(PEER_PASSWORD)
    phone.keyboard.press("Tab")
    phone.keyboard.insert_text(PEER_PASSWORD)  # as a paste would put it there
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/accounts/login/")
    assert "アカウントができました" in phone.content()
    assert_no_axe_violations(phone)

    phone.locator("input[name=login]").fill("hikari@example.org")
    phone.locator("input[name=password]").fill(PEER_PASSWORD)
    phone.keyboard.press("Enter")
    phone.wait_for_url(f"{site}/")
    phone.goto(f"{site}/accounts/email/")
    assert "/accounts/email/" in phone.url  # signed in, not sent back to the sign-in page

    again = new_page(**PHONE)
    response = again.goto(f"{site}{path}")
    assert response.status == 410
    assert again.locator("h1").inner_text() == "この招待リンクは使えません"
    assert_no_axe_violations(again)
