"""Messages through the site (issue 15): a host writes to everyone coming to a date, the outbox
mails it to those who gave an address and every manage page shows it; a booker replies from
their manage page and the reply is in the host's inbox with the nickname only. And a booking
a host adds for someone who phoned, through the same service as online."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import DateMessage, Occurrence, OutboxMessage, SignUp, SignUpStatus
from events.signups import retention
from events.signups import services as signups
from events.signups.links import new_manage_link
from events.signups.tokens import new_form_key
from peers.models import HostedEvent, PeerProfilePage
from tests.support.dates import at, weekly
from tests.support.peers import make_profile
from tests.support.staff import sign_in_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

EMAIL, PHONE, NOTE = "aoi@example.org", "090-1234-5678", "階段が苦手です（スタッフだけに）"
ROOM = "今日は2号室で会いましょう。"


@pytest.fixture
def session(make_event, make_space):
    """Tuesdays 13:00 from today (2026-12-01), 3 places."""
    return make_event(
        title="ピアサポーターと話そう",
        slug="peer-talk",
        kind="peer_session",
        space=make_space(title="湖南ほっとスペース", slug="konan"),
        join_mode="booking",
        capacity=3,
        rules=[weekly(dt.date(2026, 12, 1), ["TU"])],
    )


@pytest.fixture
def host(django_user_model, home_page, session):
    user = django_user_model.objects.create_user(email="hikari@example.org", password="x" * 12)
    make_profile(home_page, title="ひかり", slug="hikari", user=user, events=[session])
    return user


@pytest.fixture
def other_host(django_user_model, home_page, make_event):
    """Another peer, with a session of their own."""
    event = make_event(
        title="そらとゲーム", slug="games", rules=[weekly(dt.date(2026, 12, 5), ["SA"])]
    )
    user = django_user_model.objects.create_user(email="sora@example.org")
    make_profile(home_page, title="そら", slug="sora", user=user, events=[event])
    return user


@pytest.fixture
def date(session):
    return Occurrence.objects.get(event=session, start=at(2026, 12, 8, 13))


def book(date, **fields):
    signup, token, _created = signups.book_place(occurrence=date, form_key=new_form_key(), **fields)
    return signup, token


def text(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ")


def write(client, date, body=ROOM, **extra):
    return client.post(
        f"/peers/dashboard/dates/{date.pk}/messages/",
        {"body": body, "form_key": new_form_key(), **extra},
    )


def reply(client, token, body):
    return client.post(
        f"/my/{token}/", {"action": "reply", "body": body, "form_key": new_form_key()}
    )


def endpoints(date):
    base = f"/peers/dashboard/dates/{date.pk}/"
    return [
        ("get", base + "messages/"),
        ("post", base + "messages/"),
        ("get", base + "add-booking/"),
        ("post", base + "add-booking/"),
    ]


def test_the_host_writes_the_bookers_read_and_reply_the_host_reads_the_reply(
    client, host, date, mailoutbox, django_capture_on_commit_callbacks
):
    aoi, aoi_token = book(date, nickname="あお", email=EMAIL, note=NOTE)
    _midori, midori_token = book(date, nickname="みどり")  # no e-mail: the page only
    SignUp.objects.filter(pk=aoi.pk).update(phone=PHONE)
    mailoutbox.clear()

    client.force_login(host)
    with django_capture_on_commit_callbacks(execute=True):
        response = write(client, date, body="今日は2号室です。\n<b>ドアは右</b>")
    assert response.status_code == 302
    # By e-mail to the one who gave an address, with the host's words, and no one else's.
    [mail] = mailoutbox
    assert mail.to == [EMAIL]
    assert "今日は2号室です。" in mail.body and "/my/" in mail.body
    assert "みどり" not in mail.body

    client.logout()
    for token in (aoi_token, midori_token):
        page = client.get(f"/my/{token}/")
        assert "今日は2号室です。" in text(page)
        # Written as text, never as HTML.
        assert "&lt;b&gt;ドアは右&lt;/b&gt;" in page.content.decode()
        assert "<b>ドアは右</b>" not in page.content.decode()

    response = reply(client, aoi_token, "わかりました。少し遅れます。")
    assert response.status_code == 302 and response["Location"].endswith("#messages")
    page = text(client.get(response["Location"]))
    assert "わかりました。少し遅れます。" in page
    # Another booker never sees it.
    assert "少し遅れます" not in text(client.get(f"/my/{midori_token}/"))

    client.force_login(host)
    for url in ("/peers/dashboard/messages/", f"/peers/dashboard/dates/{date.pk}/messages/"):
        response = client.get(url)
        body = response.content.decode()
        assert "わかりました。少し遅れます。" in text(response) and "あお" in text(response)
        assert EMAIL not in body and "aoi" not in body
        assert PHONE not in body and "1234" not in body and NOTE not in body
    assert "/peers/dashboard/messages/" in client.get("/peers/dashboard/").content.decode()


def test_a_reply_needs_a_message_to_reply_to_and_a_sign_up_still_on(client, host, date):
    signup, token = book(date, nickname="あお")
    response = reply(client, token, "こんにちは")
    assert not DateMessage.objects.exists()
    assert "返信できるメッセージ" in text(response) or "no message from the host" in text(response)
    signups.write_to_everyone(occurrence=date, body=ROOM, form_key=new_form_key())
    signups.cancel_signup(signup=signup)
    page = client.get(f"/my/{token}/")
    assert ROOM in text(page)  # what was said stays readable
    assert 'value="reply"' not in page.content.decode()
    reply(client, token, "こんにちは")
    assert not DateMessage.objects.filter(author="booker").exists()


def test_bad_input_is_refused_kindly_and_what_was_typed_stays(client, host, date):
    _signup, token = book(date, nickname="あお")
    client.force_login(host)
    response = write(client, date, body="長" * 1001)
    assert response.status_code == 400
    assert "1000" in text(response) and "長" * 1001 in response.content.decode()
    response = write(client, date, body="ベルの音\x07")
    assert response.status_code == 400
    assert "特殊な文字" in text(response) or "special characters" in text(response)
    response = write(client, date, body="   ")
    assert response.status_code == 400
    assert not DateMessage.objects.exists()

    signups.write_to_everyone(occurrence=date, body=ROOM, form_key=new_form_key())
    client.logout()
    response = reply(client, token, "返事\x1b[31m")
    assert response.status_code == 400
    assert "特殊な文字" in text(response) or "special characters" in text(response)
    assert not DateMessage.objects.filter(author="booker").exists()


def test_a_double_click_sends_one_message(client, host, date, mailoutbox):
    book(date, nickname="あお", email=EMAIL)
    client.force_login(host)
    key = new_form_key()
    for _ in range(2):
        write(client, date, form_key=key)
    assert DateMessage.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="from_host").count() == 1


def test_a_flood_of_messages_is_slowed(client, host, date, settings):
    settings.IBASHO_HOST_MESSAGE_RATE = "3/h"
    settings.IBASHO_REPLY_RATE_PER_SIGNUP = "2/h"
    _signup, token = book(date, nickname="あお")
    client.force_login(host)
    statuses = [write(client, date, body=f"お知らせ {n}").status_code for n in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert DateMessage.objects.filter(author="host").count() == 3
    response = write(client, date, body="もう一つ")
    assert "もう一つ" in response.content.decode()  # nothing typed is lost

    client.logout()
    statuses = [reply(client, token, f"返事 {n}").status_code for n in range(4)]
    assert statuses == [302, 302, 429, 429]
    assert DateMessage.objects.filter(author="booker").count() == 2
    # Another link to the same sign-up counts together with the first.
    other = new_manage_link(signup=_signup)
    assert reply(client, other, "別のリンクから").status_code == 429


def test_a_second_peer_cannot_read_or_post_to_another_hosts_date(
    client, host, other_host, date, session
):
    book(date, nickname="あお")
    signups.write_to_everyone(occurrence=date, body=ROOM, form_key=new_form_key())
    client.force_login(other_host)
    for method, url in endpoints(date):
        response = getattr(client, method)(
            url, {"body": "乗っ取り", "nickname": "x", "party_size": 1, "form_key": new_form_key()}
        )
        assert response.status_code == 404, url
    assert not DateMessage.objects.filter(body="乗っ取り").exists()
    assert SignUp.objects.filter(occurrence=date).count() == 1
    # The other host's inbox has nothing of this date.
    assert ROOM not in text(client.get("/peers/dashboard/messages/"))
    client.logout()
    for method, url in [*endpoints(date), ("get", "/peers/dashboard/messages/")]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_a_booking_for_someone_who_phoned_and_a_full_date(client, host, date):
    client.force_login(host)
    url = f"/peers/dashboard/dates/{date.pk}/add-booking/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="note"' not in page.content.decode()
    assert 'name="phone"' not in page.content.decode()
    response = client.post(url, {"nickname": "たなか", "party_size": 3, "form_key": new_form_key()})
    assert response.status_code == 200
    [signup] = SignUp.objects.filter(occurrence=date)
    assert signup.status == SignUpStatus.CONFIRMED and signup.source == "host"
    assert signup.party_size == 3 and signup.email == "" and signup.phone == ""
    assert "予約コード" in text(response) or "booking code" in text(response)
    # The date is full now: the next one waits in line, and the host is told so plainly.
    response = client.post(url, {"nickname": "すずき", "party_size": 1, "form_key": new_form_key()})
    assert SignUp.objects.get(nickname="すずき").status == SignUpStatus.WAITING
    page = text(response)
    assert "キャンセル待ち" in page or "waiting list" in page
    # Typed badly: said on the form, nothing added.
    response = client.post(url, {"nickname": "a\nb", "party_size": 11, "form_key": new_form_key()})
    assert response.status_code == 400
    assert SignUp.objects.filter(occurrence=date).count() == 2
    # The head counts follow.
    assert "予約 3" in text(client.get(f"/peers/dashboard/dates/{date.pk}/")) or "Booked 3" in text(
        client.get(f"/peers/dashboard/dates/{date.pk}/")
    )


def test_a_host_adds_no_booking_to_a_date_that_takes_none(client, host, make_event, home_page):
    drop_in = make_event(
        title="ふらっと",
        slug="drop-in",
        join_mode="just_come",
        rules=[weekly(dt.date(2026, 12, 2), ["WE"])],
    )
    HostedEvent.objects.create(profile=PeerProfilePage.objects.get(user=host), event=drop_in)
    date = Occurrence.objects.filter(event=drop_in).first()
    client.force_login(host)
    assert "add-booking" not in client.get(f"/peers/dashboard/dates/{date.pk}/").content.decode()
    response = client.post(
        f"/peers/dashboard/dates/{date.pk}/add-booking/",
        {"nickname": "たなか", "party_size": 1, "form_key": new_form_key()},
    )
    assert "予約を受け付けていません" in text(response) or "takes no bookings" in text(response)
    assert not SignUp.objects.filter(occurrence=date).exists()


def test_staff_read_the_threads_in_the_admin_and_change_nothing(
    client, host, date, django_user_model
):
    signup, _token = book(date, nickname="あお")
    signups.write_to_everyone(occurrence=date, body=ROOM, form_key=new_form_key(), written_by=host)
    signups.reply_to_host(signup=signup, body="了解です", form_key=new_form_key())
    staff = django_user_model.objects.create_superuser(email="staff@example.org", password="x" * 12)
    sign_in_staff(client, staff)
    listing = client.get("/admin/date-messages/")
    assert listing.status_code == 200
    assert ROOM in text(listing) and "了解です" in text(listing) and "あお" in text(listing)
    reply_message = DateMessage.objects.get(author="booker")
    assert client.get(f"/admin/date-messages/inspect/{reply_message.pk}/").status_code == 200
    assert client.get("/admin/date-messages/new/").status_code in (302, 403)
    client.post(f"/admin/date-messages/edit/{reply_message.pk}/", {"body": "書き換え"})
    client.post(f"/admin/date-messages/delete/{reply_message.pk}/")
    reply_message.refresh_from_db()
    assert reply_message.body == "了解です"
    # A peer never reaches it.
    client.force_login(host)
    assert client.get("/admin/date-messages/").status_code in (302, 403)


def test_messages_are_erased_with_the_sign_ups_after_the_retention_period(
    host, date, session, frozen_now, settings
):
    signup, _token = book(date, nickname="あお", email=EMAIL)
    signups.write_to_everyone(occurrence=date, body=ROOM, form_key=new_form_key())
    signups.reply_to_host(signup=signup, body="了解です", form_key=new_form_key())
    later = Occurrence.objects.get(event=session, start=at(2027, 1, 12, 13))
    _keeps, _ = book(later, nickname="みどり")
    signups.write_to_everyone(occurrence=later, body="来月もどうぞ", form_key=new_form_key())

    frozen_now.move_to(
        at(2026, 12, 8, 16) + dt.timedelta(days=settings.IBASHO_SIGNUP_RETENTION_DAYS - 1)
    )
    retention.erase_personal_data()
    assert DateMessage.objects.filter(occurrence=date).count() == 2

    frozen_now.move_to(
        at(2026, 12, 8, 16) + dt.timedelta(days=settings.IBASHO_SIGNUP_RETENTION_DAYS + 1)
    )
    retention.erase_personal_data()
    assert not DateMessage.objects.filter(occurrence=date).exists()
    assert not DateMessage.objects.filter(body__contains="了解").exists()
    # A later date's thread stays until its own time comes.
    assert DateMessage.objects.filter(occurrence=later).count() == 1
    retention.erase_personal_data()  # idempotent
    assert DateMessage.objects.filter(occurrence=later).count() == 1


def test_the_pages_speak_english_under_en(client, host, date):
    _signup, token = book(date, nickname="あお", language="en")
    signups.write_to_everyone(occurrence=date, body="Room 2 today.", form_key=new_form_key())
    page = text(client.get(f"/en/my/{token}/"))
    assert "From the host" in page and "Your reply to the host" in page and "Send my reply" in page
    client.force_login(host)
    page = text(client.get(f"/en/peers/dashboard/dates/{date.pk}/messages/"))
    assert "Write to everyone coming" in page and "Room 2 today." in page
    assert "Add a booking for someone who phoned" in text(
        client.get(f"/en/peers/dashboard/dates/{date.pk}/add-booking/")
    )


def test_the_inbox_reads_its_replies_in_the_same_queries_for_any_number(
    client, host, session, date
):
    client.force_login(host)
    first, _token = book(date, nickname="あお")
    signups.write_to_everyone(occurrence=date, body=ROOM, form_key=new_form_key())
    signups.reply_to_host(signup=first, body="はい", form_key=new_form_key())
    client.get("/peers/dashboard/messages/")  # per-process look-ups made once
    with CaptureQueriesContext(connection) as few:
        assert client.get("/peers/dashboard/messages/").status_code == 200
    for when in (at(2026, 12, 15, 13), at(2026, 12, 22, 13)):
        other = Occurrence.objects.get(event=session, start=when)
        signups.write_to_everyone(occurrence=other, body=ROOM, form_key=new_form_key())
        for nickname in ("みどり", "きいろ"):
            signup, _token = book(other, nickname=nickname)
            signups.reply_to_host(signup=signup, body="はい", form_key=new_form_key())
    with CaptureQueriesContext(connection) as many:
        response = client.get("/peers/dashboard/messages/")
    assert text(response).count("はい") == 5
    assert len(many) == len(few)


def test_staff_read_the_threads_only_with_the_permission(client, host, date, django_user_model):
    from django.contrib.auth.models import Group, Permission

    signups.write_to_everyone(occurrence=date, body=ROOM, form_key=new_form_key())
    group = Group.objects.create(name="職員")
    group.permissions.add(*Permission.objects.filter(codename="access_admin"))
    staff = django_user_model.objects.create_user(email="kato@example.org", is_staff=True)
    staff.groups.add(group)
    sign_in_staff(client, staff)
    assert client.get("/admin/date-messages/").status_code in (302, 403)
    group.permissions.add(Permission.objects.get(codename="view_datemessage"))
    listing = client.get("/admin/date-messages/")
    assert listing.status_code == 200 and ROOM in text(listing)
