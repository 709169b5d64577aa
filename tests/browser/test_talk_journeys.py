"""Writing to the centre in a real browser, on a 360 px phone, by keyboard: write without any
personal data, keep the link and the words; staff answer; on another device the writer comes
back with the words, reads the answer and replies. axe-core checks every page on the way."""

import pytest

from talk import services
from talk.models import Conversation

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}}
FIRST_MESSAGE = "夜になると不安になります。\n誰かに聞いてほしいです。"


def test_write_keep_the_link_come_back_by_passphrase_and_reply(
    demo_site, new_page, browser_log, assert_no_axe_violations, django_user_model
):
    staff = django_user_model.objects.get(email="staff@example.org")
    page = new_page(**PHONE)

    # The footer of any page leads to "write to us".
    page.goto(demo_site + "/")
    page.locator("footer#talk-now a[href='/talk/']").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "メッセージを送る"
    assert page.context.cookies() == []  # reading it sets no cookie
    assert "3営業日以内" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    page.locator("a[href='/talk/write/']").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The form: only the message, nothing that says who they are.
    assert_no_axe_violations(page)
    page.locator("#id_body").focus()
    page.keyboard.type(FIRST_MESSAGE)
    page.get_by_role("button", name="送る", exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The private page: sent, keep the link, and the words to write down.
    assert "/talk/c/" in page.url and page.url.endswith("?new=1")
    assert "メッセージを送りました。" in page.locator("main").inner_text()
    keep = page.locator(".talk-keep")
    assert "このリンクを保存してください" in keep.inner_text()
    assert page.locator("#keep-url").input_value() == page.url.split("?")[0]
    passphrase = page.locator(".talk-passphrase").inner_text().strip()
    assert len(passphrase.split()) == 5
    assert "誰かに聞いてほしいです。" in page.locator(".talk-thread").inner_text()
    assert_no_axe_violations(page)

    # Staff answer (in the admin; here through the same service the admin calls).
    conversation = Conversation.objects.get()
    assert (conversation.email, conversation.phone) == ("", "")
    services.staff_replies(
        conversation=conversation, body="お便りありがとうございます。", user=staff
    )

    # Another device: no link, only the words on paper.
    other = new_page(**PHONE)
    other.goto(demo_site + "/talk/return/")
    assert_no_axe_violations(other)
    other.locator("#id_passphrase").focus()
    other.keyboard.type(passphrase)
    other.keyboard.press("Enter")
    other.wait_for_selector(".talk-thread")
    thread = other.locator(".talk-thread").inner_text()
    assert "お便りありがとうございます。" in thread and "誰かに聞いてほしいです。" in thread
    assert_no_axe_violations(other)

    other.locator("#id_body").focus()
    other.keyboard.type("読みました。また書きます。")
    other.get_by_role("button", name="返信する").focus()
    other.keyboard.press("Enter")
    other.wait_for_selector("text=返信を送りました。")
    assert "読みました。また書きます。" in other.locator(".talk-thread").inner_text()
    assert_no_axe_violations(other)

    # And the kept link shows the same thread.
    page.reload()
    assert "読みました。また書きます。" in page.locator(".talk-thread").inner_text()
    assert browser_log.requests_elsewhere(demo_site) == []
    assert browser_log.console_errors == []
