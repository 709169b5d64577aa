"""Writing to the centre without a name: the form (JavaScript off), the private page behind its
link and its passphrase, replies, erasure by the writer, and every refusal said kindly."""

import re

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from wagtail.models import Site

from talk.models import Conversation, Message, MonthlyCount, TalkSettings
from tests.support.talk import RETURN_URL, WRITE_URL, send, start, text, write_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_settings(contacts):
    talk = TalkSettings.for_site(Site.objects.get(is_default_site=True))
    talk.answer_time = "3営業日以内"
    talk.answer_time_en = "within 3 working days"
    talk.save()
    return talk


def test_reading_talk_sets_no_cookie_and_says_when_the_centre_answers(client, site_settings):
    response = client.get("/talk/")
    assert response.status_code == 200
    assert response.cookies == {}
    page = text(response)
    assert "3営業日以内" in page
    assert "0120-279-338" in page  # the crisis line answers now
    assert BeautifulSoup(response.content, "html.parser").find("a", href=WRITE_URL)


def test_every_page_links_to_talk(client, site_settings):
    footer = BeautifulSoup(client.get("/").content, "html.parser").find("footer", id="talk-now")
    assert footer.find("a", href="/talk/")


def test_the_form_works_without_javascript_and_labels_every_field(client, site_settings):
    response = client.get(WRITE_URL)
    soup = BeautifulSoup(response.content, "html.parser")
    form = soup.find("form", method="post")
    assert form.find("input", {"name": "csrfmiddlewaretoken"})
    assert not soup.find("script", src=False, type=lambda t: t != "application/ld+json")
    for field in form.find_all(["input", "textarea", "select"]):
        if field.get("type") in ("hidden", "submit"):
            continue
        assert soup.find("label", attrs={"for": field["id"]}), field
    assert "3営業日以内" in text(response) and "0120-279-338" in text(response)


def test_a_message_alone_starts_a_private_conversation(client, site_settings):
    token, passphrase, page = start(client, "夜になると不安で、誰かに聞いてほしい。")
    assert len(token) >= 43  # 256 bits
    assert "このリンクを保存" in page or "Keep this link" in page
    assert len(passphrase.split()) == 5
    conversation = Conversation.objects.get()
    assert conversation.token_hash != token and token not in conversation.token_hash
    assert passphrase not in conversation.passphrase_hash
    assert "夜になると不安で" in page
    assert conversation.writer == "unsaid" and conversation.wish == "unsaid"


def test_the_private_page_is_not_cached_and_leaks_no_referrer(client, site_settings):
    token, _passphrase, _page = start(client)
    response = client.get(f"/talk/c/{token}/")
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_a_double_submit_gives_one_conversation(client, site_settings):
    data = {**write_form(client), "body": "二度押してしまいました"}
    first = client.post(WRITE_URL, data)
    second = client.post(WRITE_URL, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Conversation.objects.count() == 1
    assert Message.objects.count() == 1
    assert MonthlyCount.objects.get().count == 1


def test_an_empty_message_is_refused_kindly(client, site_settings):
    response = send(client, body="   ")
    assert response.status_code == 400
    assert "一行でも" in text(response) or "even one line" in text(response)
    assert Conversation.objects.count() == 0


def test_an_over_long_message_is_refused_and_kept_on_screen(client, site_settings):
    body = "あ" * 50_000
    response = send(client, body=body)
    assert response.status_code == 400
    assert "4000" in text(response)
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("textarea", {"name": "body"}).text.strip() == body
    assert Conversation.objects.count() == 0


@pytest.mark.parametrize("bad", ["こんにちは\x00", "ベル\x07です", "a\x1bb"])
def test_control_characters_in_the_message_are_refused(client, site_settings, bad):
    response = send(client, body=bad)
    assert response.status_code == 400
    assert Conversation.objects.count() == 0


@pytest.mark.parametrize(
    "field,value",
    [("email", "a@example.org\r\nBcc: b@example.org"), ("phone", "090-0000-0000\r\nX: y")],
)
def test_a_line_break_in_a_contact_is_refused(client, site_settings, field, value):
    response = send(client, **{field: value})
    assert response.status_code == 400
    assert Conversation.objects.count() == 0


def test_html_is_shown_as_text_in_the_thread(client, site_settings):
    token, _passphrase, _page = start(client, "<script>alert(1)</script><b>太字</b>")
    html = client.get(f"/talk/c/{token}/").content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_the_honeypot_refuses_an_automated_form(client, site_settings):
    response = send(client, website="http://spam.example")
    assert response.status_code == 400
    assert Conversation.objects.count() == 0


@pytest.mark.parametrize(
    "token",
    ["A" * 43, "x", "A" * 42 + "!", "a" * 300, "Ｔ" * 43],
)
def test_a_forged_link_gets_the_kind_404(client, site_settings, token):
    start(client)
    response = client.get(f"/talk/c/{token}/")
    assert response.status_code == 404
    assert "見つかりません" in text(response) or "could not find" in text(response)


def test_a_wrong_passphrase_gets_the_same_404_as_a_wrong_link(client, site_settings):
    start(client)
    wrong_link = client.get("/talk/c/" + "A" * 43 + "/")
    wrong_words = client.post(RETURN_URL, {"passphrase": "ねこ いぬ そら うみ やま"})
    assert wrong_link.status_code == wrong_words.status_code == 404
    assert text(wrong_link) == text(wrong_words)


def test_the_passphrase_opens_the_thread_and_lets_the_writer_reply(client, site_settings):
    _token, passphrase, _page = start(client, "最初の手紙です")
    # Typed back in katakana, full-width, with other spaces: still the same words.
    import jaconv

    typed = "　".join(jaconv.hira2kata(w) for w in passphrase.split())
    response = client.post(RETURN_URL, {"passphrase": typed})
    assert response.status_code == 200
    assert "最初の手紙です" in text(response)
    reply = client.post(
        RETURN_URL, {"passphrase": passphrase, "action": "reply", "body": "二通目です"}
    )
    assert reply.status_code == 200
    assert "二通目です" in text(reply)
    assert Message.objects.count() == 2


def test_one_conversation_never_opens_another(client, site_settings):
    token_a, phrase_a, _ = start(client, "Aの手紙")
    token_b, phrase_b, _ = start(client, "Bの手紙")
    assert token_a != token_b and phrase_a != phrase_b
    page_a = text(client.get(f"/talk/c/{token_a}/"))
    assert "Aの手紙" in page_a and "Bの手紙" not in page_a
    page_b = text(client.post(RETURN_URL, {"passphrase": phrase_b}))
    assert "Bの手紙" in page_b and "Aの手紙" not in page_b


def test_many_wrong_passphrases_from_one_address_are_slowed(client, site_settings, settings):
    settings.IBASHO_TALK_PASSPHRASE_RATE_PER_IP = "3/h"
    _token, passphrase, _ = start(client)
    for _ in range(3):
        assert client.post(RETURN_URL, {"passphrase": "ちがう ことば"}).status_code == 404
    slowed = client.post(RETURN_URL, {"passphrase": passphrase})
    assert slowed.status_code == 429
    assert "しばらく" in text(slowed) or "wait a while" in text(slowed)


def test_many_messages_from_one_address_are_slowed_and_nothing_is_lost(
    client, site_settings, settings
):
    settings.IBASHO_TALK_RATE_PER_IP = "2/h"
    for _ in range(2):
        assert send(client).status_code == 302
    response = send(client, body="三通目の文章")
    assert response.status_code == 429
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("textarea", {"name": "body"}).text.strip() == "三通目の文章"
    assert Conversation.objects.count() == 2


def test_the_writer_erases_their_conversation_and_the_count_stays(client, site_settings):
    token, passphrase, _ = start(client, "消してほしい話", writer="family", wish="place")
    confirm = client.post(f"/talk/c/{token}/", {"action": "erase"})
    assert confirm.status_code == 200 and "元に戻せません" in text(confirm)
    assert Conversation.objects.count() == 1  # asked first, nothing gone yet
    response = client.post(f"/talk/c/{token}/", {"action": "erase_confirmed"})
    assert response.status_code == 302
    assert Conversation.objects.count() == 0 and Message.objects.count() == 0
    assert client.get(f"/talk/c/{token}/").status_code == 404
    assert client.post(RETURN_URL, {"passphrase": passphrase}).status_code == 404
    [count] = MonthlyCount.objects.all()
    assert (count.writer, count.wish, count.count) == ("family", "place", 1)


def test_replying_to_a_closed_conversation_is_told_kindly(client, site_settings):
    from talk import services

    token, _passphrase, _ = start(client)
    services.close(conversation=Conversation.objects.get())
    response = client.post(f"/talk/c/{token}/", {"action": "reply", "body": "まだ話したい"})
    assert response.status_code == 409
    page = BeautifulSoup(response.content, "html.parser")
    assert page.find("a", href=WRITE_URL)
    assert Message.objects.count() == 1


def test_english_pages(client, site_settings):
    page = text(client.get("/en/talk/"))
    assert "Write to us" in page and "within 3 working days" in page
    response = send(client, body="I can't sleep.", url="/en/talk/write/")
    assert response.status_code == 302 and response["Location"].startswith("/en/talk/c/")
    conversation = client.get(response["Location"])
    words = BeautifulSoup(conversation.content, "html.parser").select_one(".talk-passphrase")
    assert re.fullmatch(r"[a-z]+( [a-z]+){4}", words.get_text(strip=True))
    assert "Keep this link" in text(conversation)


def test_no_mail_goes_to_a_writer_who_gave_no_address(client, site_settings):
    start(client)
    assert [m for m in mail.outbox if m.to and "@" in m.to[0] and "staff" not in m.to[0]] == []
