"""Messages through the site on a phone (360 px): the host writes to everyone coming to a date,
the visitor reads it on their manage page and replies, and the host finds the reply in the
inbox with the nickname only. axe-core checks each new screen."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from events.models import Occurrence
from events.signups import services as signups
from events.signups.tokens import new_form_key
from tests.support.dates import weekly
from tests.support.peers import make_profile
from tests.support.screens import assert_no_sideways_scroll, save_key_screen

pytestmark = pytest.mark.browser

PASSWORD = "my own long Phrase 7"
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
PHONE_360 = {"viewport": {"width": 360, "height": 740}}
EMAIL = "aoi@example.org"


@pytest.fixture
def site(live_server, transactional_db, django_db_serialized_rollback, home_page):
    return live_server.url


def test_the_host_writes_the_visitor_reads_and_replies_the_host_reads_the_reply(
    site, new_page, assert_no_axe_violations, make_space, make_event, home_page
):
    next_week = timezone.localdate() + dt.timedelta(days=7)
    session = make_event(
        title="ピアサポーターと話そう",
        kind="peer_session",
        space=make_space(title="湖南ほっとスペース", slug="konan"),
        join_mode="booking",
        capacity=6,
        rules=[weekly(next_week, [WEEKDAYS[next_week.weekday()]], count=2)],
    )
    user = get_user_model().objects.create_user(email="hikari@example.org", password=PASSWORD)
    make_profile(home_page, title="ひかり", slug="hikari", user=user, events=[session])
    date = Occurrence.objects.filter(event=session).order_by("start").first()
    _signup, token, _created = signups.book_place(
        occurrence=date, form_key=new_form_key(), nickname="あお", email=EMAIL
    )

    host = new_page(**PHONE_360)
    host.goto(f"{site}/peers/dashboard/")
    host.locator("input[name=login]").fill("hikari@example.org")
    host.locator("input[name=password]").fill(PASSWORD)
    host.keyboard.press("Enter")
    host.wait_for_url(f"{site}/peers/dashboard/")
    host.goto(f"{site}/peers/dashboard/dates/{date.pk}/")
    host.get_by_role("link", name=re.compile("メッセージ：参加する人全員に書く")).click()
    host.get_by_label("来る人みんなへのひとこと").fill(
        "今日は2号室で会いましょう。\n<b>右のドア</b>です。"
    )
    assert_no_axe_violations(host)
    assert_no_sideways_scroll(host)
    save_key_screen(host, "peer-messages-host-writes")
    host.get_by_role("button", name="全員に送る").click()
    host.wait_for_url(re.compile(r"/messages/$"))
    assert "専用ページに載りました" in host.content()

    visitor = new_page(**PHONE_360)
    visitor.goto(f"{site}/my/{token}/")
    messages = visitor.locator("#messages")
    assert "今日は2号室で会いましょう。" in messages.inner_text()
    assert "<b>右のドア</b>" in messages.inner_text()  # shown as typed, never as HTML
    visitor.get_by_label("担当者への返信").fill("わかりました。少し遅れます。")
    assert_no_axe_violations(visitor)
    assert_no_sideways_scroll(visitor)
    save_key_screen(visitor, "peer-messages-visitor-reads")
    visitor.get_by_role("button", name="返信を送る").click()
    visitor.wait_for_url(re.compile(r"done=replied"))
    assert "返信を担当者に送りました" in visitor.locator("#messages").inner_text()
    assert "わかりました。少し遅れます。" in visitor.locator("#messages").inner_text()
    save_key_screen(visitor, "peer-messages-visitor-replied")

    host.goto(f"{site}/peers/dashboard/")
    host.get_by_role("link", name="参加する人からの返信").click()
    inbox = host.locator("main").inner_text()
    assert "わかりました。少し遅れます。" in inbox and "あお" in inbox
    assert EMAIL not in host.content() and "aoi" not in host.content()
    assert_no_axe_violations(host)
    assert_no_sideways_scroll(host)
    save_key_screen(host, "peer-messages-host-inbox")
