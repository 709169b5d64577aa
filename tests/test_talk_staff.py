"""The centre's side of writing to us: the inbox in the admin (unassigned, mine, waiting for a
reply, closed), assignment, internal notes the writer never sees, kind replies staff edit
before sending, the urgent flag and the danger words, and e-mail that never carries a word of
any message."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from wagtail.models import Site

from events.messages.delivery import send_due
from talk.models import CannedReply, Conversation, Message, TalkSettings
from tests.support.staff import sign_in_staff
from tests.support.talk import RETURN_URL, start, text

pytestmark = pytest.mark.django_db

SECRET_TEXT = "誰にも言えないことがあって眠れません"


@pytest.fixture
def talk_settings(contacts):
    talk = TalkSettings.for_site(Site.objects.get(is_default_site=True))
    talk.save()
    return talk


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(email="staff@example.org", password="x")


@pytest.fixture
def staff(superuser):
    from django.test import Client

    client = Client()
    sign_in_staff(client, superuser)  # with the second factor staff must pass
    return client


def all_mail_text():
    return "\n".join(f"{m.subject}\n{m.body}" for m in mail.outbox)


def test_staff_hear_of_a_new_message_without_its_text(client, staff, talk_settings):
    token, passphrase, _ = start(client, SECRET_TEXT)
    send_due()
    [message] = mail.outbox
    assert message.to == ["staff@example.org"]
    conversation = Conversation.objects.get()
    assert f"/admin/talk/{conversation.pk}/" in message.body
    for secret in (SECRET_TEXT, "眠れません", token, passphrase):
        assert secret not in all_mail_text()


def test_the_writer_hears_of_an_answer_without_any_text(client, staff, superuser, talk_settings):
    from talk import services

    token, passphrase, _ = start(client, SECRET_TEXT, email="writer@example.org")
    conversation = Conversation.objects.get()
    services.staff_replies(
        conversation=conversation, body="お返事です。大丈夫ですよ。", user=superuser
    )
    send_due()
    [to_writer] = [m for m in mail.outbox if m.to == ["writer@example.org"]]
    assert "/talk/return/" in to_writer.body
    for secret in (SECRET_TEXT, "お返事です", token, passphrase):
        assert secret not in all_mail_text()
    # The answer itself is on the private page.
    assert "お返事です。大丈夫ですよ。" in text(client.get(f"/talk/c/{token}/"))


def test_a_writer_without_an_address_gets_no_mail(client, staff, superuser, talk_settings):
    from talk import services

    start(client, SECRET_TEXT)
    services.staff_replies(conversation=Conversation.objects.get(), body="返事", user=superuser)
    send_due()
    assert [m.to for m in mail.outbox] == [["staff@example.org"]]


def test_a_danger_word_shows_the_crisis_lines_at_once_and_flags_the_conversation(
    client, talk_settings, staff
):
    # (The centre's lines are set up before anyone visits: the page chrome keeps what it read
    # until a change is committed, which a test's rolled-back writes never are.)
    # A full-width space inside the word: NFKC and the folding still find it.
    _token, _passphrase, page = start(client, "もう死に　たいと思ってしまう")
    assert "0120-279-338" in page
    assert "いますぐ" in page
    conversation = Conversation.objects.get()
    assert conversation.urgent and conversation.danger_words_seen
    # Never answered automatically: the writer's message is the only one.
    assert list(Message.objects.values_list("author", flat=True)) == ["writer"]
    send_due()
    [alert] = mail.outbox
    assert "【至急】" in alert.subject and "死にたい" not in all_mail_text()
    listing = text(staff.get("/admin/talk/?show=urgent"))
    assert f"#{conversation.pk}" in listing


def test_an_ordinary_message_shows_no_alarm(client, talk_settings):
    _token, _passphrase, page = start(client, "居場所の場所を教えてください")
    assert "いますぐ" not in page
    assert not Conversation.objects.get().urgent


def test_staff_edit_the_danger_words(client, talk_settings):
    talk_settings.danger_words = "ｔｏｏ ｍｕｃｈ"
    talk_settings.save()
    start(client, "It is all TOO MUCH today")
    assert Conversation.objects.get().danger_words_seen


def test_a_danger_word_in_a_reply_shows_the_crisis_lines_too(client, talk_settings):
    token, _passphrase, _ = start(client, "こんにちは")
    response = client.post(f"/talk/c/{token}/", {"action": "reply", "body": "消えたいです"})
    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert "0120-279-338" in page and "いますぐ" in page
    assert Conversation.objects.get().urgent


def test_the_inbox_sorts_conversations_by_where_they_stand(client, staff, superuser, talk_settings):
    from talk import services

    start(client, "一通目")
    start(client, "二通目")
    first, second = Conversation.objects.order_by("pk")
    services.assign(conversation=second, user=superuser)
    assert f"#{first.pk}" in text(staff.get("/admin/talk/?show=unassigned"))
    assert f"#{second.pk}" not in text(staff.get("/admin/talk/?show=unassigned"))
    assert f"#{second.pk}" in text(staff.get("/admin/talk/?show=mine"))
    waiting = text(staff.get("/admin/talk/?show=waiting"))
    assert f"#{first.pk}" in waiting and f"#{second.pk}" in waiting
    services.staff_replies(conversation=second, body="お返事", user=superuser)
    assert f"#{second.pk}" not in text(staff.get("/admin/talk/?show=waiting"))
    staff.post(f"/admin/talk/{first.pk}/", {"action": "close"})
    assert f"#{first.pk}" in text(staff.get("/admin/talk/?show=closed"))
    assert f"#{first.pk}" not in text(staff.get("/admin/talk/?show=unassigned"))


def test_staff_answer_assign_and_flag_from_the_conversation_page(
    client, staff, superuser, talk_settings
):
    token, _passphrase, _ = start(client, "<b>太字</b>になりますか")
    conversation = Conversation.objects.get()
    page = staff.get(f"/admin/talk/{conversation.pk}/")
    assert "&lt;b&gt;太字&lt;/b&gt;" in page.content.decode()  # escaped, as text
    staff.post(f"/admin/talk/{conversation.pk}/", {"action": "assign_me"})
    staff.post(f"/admin/talk/{conversation.pk}/", {"action": "urgent"})
    conversation.refresh_from_db()
    assert conversation.assigned_to == superuser and conversation.urgent
    response = staff.post(
        f"/admin/talk/{conversation.pk}/", {"action": "reply", "reply-body": "読みました。"}
    )
    assert response.status_code == 302
    assert "読みました。" in text(client.get(f"/talk/c/{token}/"))


def test_internal_notes_never_reach_the_writer(client, staff, talk_settings):
    token, passphrase, _ = start(client, "相談です")
    conversation = Conversation.objects.get()
    staff.post(f"/admin/talk/{conversation.pk}/", {"action": "note", "note-body": "職員だけのメモ"})
    assert "職員だけのメモ" in text(staff.get(f"/admin/talk/{conversation.pk}/"))
    assert "職員だけのメモ" not in text(client.get(f"/talk/c/{token}/"))
    assert "職員だけのメモ" not in text(client.post(RETURN_URL, {"passphrase": passphrase}))


def test_a_kind_reply_is_a_starting_point_staff_edit_before_sending(client, staff, talk_settings):
    CannedReply.objects.create(
        settings=talk_settings, title="はじめての方へ", body="メッセージをありがとうございます。"
    )
    token, _passphrase, _ = start(client, "はじめて書きます")
    conversation = Conversation.objects.get()
    reply = CannedReply.objects.get()
    page = BeautifulSoup(
        staff.get(f"/admin/talk/{conversation.pk}/?canned={reply.pk}").content, "html.parser"
    )
    assert page.find("textarea", {"name": "reply-body"}).text.strip() == reply.body
    # Picking it sent nothing: the writer still waits for a person's answer.
    assert Message.objects.filter(author="staff").count() == 0
    staff.post(
        f"/admin/talk/{conversation.pk}/",
        {"action": "reply", "reply-body": reply.body + "\nまたいつでもどうぞ。"},
    )
    assert "またいつでもどうぞ" in text(client.get(f"/talk/c/{token}/"))


def test_the_inbox_is_for_staff_only(client, django_user_model, talk_settings):
    start(client, SECRET_TEXT)
    conversation = Conversation.objects.get()
    peer = django_user_model.objects.create_user(email="peer@example.org", password="x")
    from django.contrib.auth.models import Permission

    peer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(peer)
    for url in ("/admin/talk/", f"/admin/talk/{conversation.pk}/"):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert SECRET_TEXT not in response.content.decode()


def test_staff_search_the_text_they_can_read(client, staff, talk_settings):
    from talk import services

    start(client, "居場所ひだまりについて聞きたい")
    start(client, "家族のことで相談です")
    first, second = Conversation.objects.order_by("pk")
    services.add_note(conversation=second, body="折り返し電話を希望", user=None)
    found = text(staff.get("/admin/talk/", {"show": "unassigned", "q": "ひだまり"}))
    assert f"#{first.pk}" in found and f"#{second.pk}" not in found
    by_note = text(staff.get("/admin/talk/", {"show": "unassigned", "q": "折り返し"}))
    assert f"#{second.pk}" in by_note and f"#{first.pk}" not in by_note
