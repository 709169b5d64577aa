"""The sign-up pages as people use them: a nickname is enough, the private manage link, one-click
cancel, the waiting list, enrolment, and every kind of bad input answered kindly."""

import datetime as dt
import re
from urllib.parse import urlparse

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from icalendar import Calendar

from events.changes import services as changes
from events.models import ManageToken, Occurrence, SignUp, SignUpStatus
from events.pages.models import sync_all_events
from events.signups import retention, services
from tests.support.dates import at, weekly
from tests.support.mail import calendar_of
from tests.support.pages import book, form_of, signup_url

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
# E-mail leaves after the transaction commits: tests about e-mail run with real commits.
with_commits = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def hidden_space(make_space):
    return make_space(
        title="湖南ほっとスペース",
        address="みなと町港2丁目5-8 保健センター2階",
        location_policy="after_signup",
        finding_the_door="裏の駐車場側の入口からどうぞ。",
    )


@pytest.fixture
def booking_event(make_event, hidden_space):
    return make_event(
        title="月曜・木曜の午後",
        space=hidden_space,
        join_mode="booking",
        capacity=2,
        rules=[weekly(D(2026, 12, 1), ["TU"])],
    )


@pytest.fixture
def date(booking_event):
    return Occurrence.objects.get(event=booking_event, start=at(2026, 12, 8, 13))


def text(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ")


def test_a_nickname_is_enough_and_the_manage_page_shows_the_place(client, booking_event, date):
    response = book(client, booking_event, date, nickname="ゆう")
    assert response.status_code == 302
    manage_url = response["Location"]
    assert re.fullmatch(r"/my/[A-Za-z0-9_-]{43}/\?new=1", manage_url)
    page = text(client.get(manage_url))
    assert "ブックマーク" in page and "確定" in page and "ゆう" in page
    # The hidden address is on the manage page of a confirmed booking...
    assert "みなと町港2丁目5-8" in page and "裏の駐車場側" in page
    # ...and nowhere public.
    assert "みなと町港2丁目5-8" not in text(client.get(booking_event.url))
    assert SignUp.objects.get().status == SignUpStatus.CONFIRMED
    assert mail.outbox == []  # no e-mail given, none sent


def test_the_event_page_sets_no_cookie_and_links_each_date(client, booking_event, date):
    response = client.get(booking_event.url)
    assert not response.cookies
    soup = BeautifulSoup(response.content, "html.parser")
    links = [a["href"] for a in soup.select(".occurrence__join a")]
    assert signup_url(booking_event, date) in links
    assert "残り2席" in soup.get_text()


@with_commits
def test_e_mail_brings_the_link_and_a_calendar_invitation(client, booking_event, date):
    response = book(client, booking_event, date, nickname="ゆう", email="yu@example.org")
    manage_url = response["Location"].split("?")[0]
    [message] = mail.outbox
    assert message.to == ["yu@example.org"]
    assert "理由" in message.body
    # The mail carries its own link, minted when it was sent (the outbox keeps no token), to the
    # same private page.
    mailed_path = urlparse(re.search(r"http://\S+/my/\S+/", message.body).group(0)).path
    assert mailed_path != manage_url
    token_of = lambda path: path.split("/")[2]  # noqa: E731
    assert (
        SignUp.objects.with_token(token_of(mailed_path)).get()
        == SignUp.objects.with_token(token_of(manage_url)).get()
    )
    content, content_type = calendar_of(message)
    # One charset, and the METHOD of the calendar (RFC 6047 §2.4).
    assert content_type == 'text/calendar; charset="utf-8"; method="REQUEST"'
    calendar = Calendar.from_ical(content)
    assert calendar["METHOD"] == "REQUEST"
    [vevent] = calendar.walk("VEVENT")
    assert vevent["DTSTART"].dt == at(2026, 12, 8, 13)
    assert "ゆう" not in str(content)  # no personal data in the invitation


@with_commits
def test_the_calendar_download_has_the_same_uid_as_the_e_mail(client, booking_event, date):
    response = book(client, booking_event, date, email="yu@example.org")
    manage_url = response["Location"].split("?")[0]
    download = client.get(manage_url + "calendar.ics")
    assert download["Content-Type"] == "text/calendar; charset=utf-8"
    downloaded = Calendar.from_ical(download.content).walk("VEVENT")[0]
    mailed = Calendar.from_ical(calendar_of(mail.outbox[0])[0]).walk("VEVENT")[0]
    assert downloaded["UID"] == mailed["UID"]
    assert "みなと町港2丁目5-8" in str(downloaded["LOCATION"])


def test_a_double_click_makes_one_booking(client, booking_event, date):
    data = {**form_of(client, signup_url(booking_event, date)), "nickname": "ゆう"}
    first = client.post(signup_url(booking_event, date), data)
    second = client.post(signup_url(booking_event, date), data)
    assert first["Location"] == second["Location"]
    assert SignUp.objects.count() == 1


@with_commits
def test_full_then_waiting_then_offered_then_taken(client, booking_event, date):
    first = book(Client(), booking_event, date, nickname="あ", party_size="2")["Location"]
    waiting = book(client, booking_event, date, nickname="い", email="i@example.org")["Location"]
    assert "キャンセル待ち" in text(client.get(waiting))
    assert "みなと町港2丁目5-8" not in text(client.get(waiting))  # not confirmed yet
    assert "満席" in text(client.get(booking_event.url))
    mail.outbox.clear()
    client.post(first.split("?")[0], {"action": "cancel"})
    assert SignUp.objects.get(nickname="あ").status == SignUpStatus.CANCELLED
    [offer] = mail.outbox
    link = re.search(r"http://\S+/my/\S+/", offer.body).group(0)
    assert "次の方" in offer.body
    offered_page = client.get(urlparse(link).path)
    assert "席が空きました" in text(offered_page)
    client.post(waiting.split("?")[0], {"action": "accept"})
    assert SignUp.objects.get(nickname="い").status == SignUpStatus.CONFIRMED
    assert "みなと町港2丁目5-8" in text(client.get(waiting.split("?")[0]))


def test_cancel_is_one_click_without_a_reason(client, booking_event, date):
    manage_url = book(client, booking_event, date)["Location"].split("?")[0]
    page = BeautifulSoup(client.get(manage_url).content, "html.parser")
    cancel = next(f for f in page.find_all("form") if f.find("input", value="cancel"))
    assert not cancel.find("textarea") and not cancel.find("input", type="text")
    response = client.post(manage_url, {"action": "cancel"})
    assert response.status_code == 302
    assert "取り消しました" in text(client.get(response["Location"]))


def test_changing_the_party_size_is_checked_and_kind(client, booking_event, date):
    manage_url = book(client, booking_event, date)["Location"].split("?")[0]
    book(Client(), booking_event, date)  # someone else takes the other place
    response = client.post(manage_url, {"action": "party_size", "party_size": "2"})
    assert response.status_code == 200
    assert "2人分の空きがありません" in text(response)
    response = client.post(manage_url, {"action": "party_size", "party_size": "two"})
    assert "1から10までの数字" in text(response)


@pytest.mark.parametrize(
    "token",
    ["nothing-here", "A" * 43, "x" * 5000, "A" * 42 + "!", "%00"],
)
def test_forged_links_get_a_kind_404(client, token):
    response = client.get(f"/my/{token}/")
    assert response.status_code == 404
    assert "このリンクは使えません" in text(response)


def test_an_erased_sign_up_link_gets_the_same_404(client, booking_event, date):
    manage_url = book(client, booking_event, date, nickname="ゆう")["Location"].split("?")[0]
    with time_machine.travel(at(2027, 2, 1, 9, 0), tick=False):
        retention.erase_personal_data()
        response = client.get(manage_url)
    assert response.status_code == 404 and "ゆう" not in text(response)
    assert not ManageToken.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"nickname": "あ" * 10_000}, "40文字以内"),
        ({"nickname": "ゆう\r\nBcc: x@example.org"}, "1行で"),
        ({"nickname": "ゆう\x07"}, "1行で"),
        ({"note": "こんにちは\x1b[31m"}, "保存できない特殊な文字"),
        ({"email": "not-an-address"}, "メールアドレスではないようです"),
        ({"party_size": "0"}, "1から10までの数字"),
        ({"party_size": "999"}, "センターにご連絡"),
        ({"party_size": "two"}, "1から10までの数字"),
        ({"wants_reminder": "on"}, "メールアドレスを"),
        ({"form_key": ""}, "もう一度送って"),
        ({"form_key": "short"}, "もう一度送って"),
    ],
)
def test_bad_input_gets_a_kind_message_and_loses_nothing(
    client, booking_event, date, fields, message
):
    data = {"nickname": "ゆう", "note": "入口で迎えてほしいです", **fields}
    response = book(client, booking_event, date, **data)
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert message in page.get_text()
    kept = page.find("textarea", attrs={"name": "note"})
    if "note" not in fields:
        assert kept.text.strip() == "入口で迎えてほしいです"
    assert not SignUp.objects.exists()


def test_html_in_every_field_is_shown_as_text(client, booking_event, date):
    script = "<script>alert(1)</script>"
    response = book(client, booking_event, date, nickname=script[:40], note=script)
    page = client.get(response["Location"]).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("when", ["cancelled", "past"])
def test_no_booking_for_a_cancelled_or_past_date(client, booking_event, date, when):
    data = form_of(client, signup_url(booking_event, date))
    if when == "cancelled":
        changes.cancel_occurrence(occurrence=date, message="お休みします")
        response = client.post(signup_url(booking_event, date), data)
    else:
        with time_machine.travel(at(2026, 12, 8, 13, 30), tick=False):
            response = client.post(signup_url(booking_event, date), data)
    assert response.status_code == 409
    assert ("中止" if when == "cancelled" else "始まっているか") in text(response)
    assert not SignUp.objects.exists()


def test_an_unknown_date_or_a_date_of_another_event_is_404(client, booking_event, make_event):
    other = make_event(join_mode="booking", rules=[weekly(D(2026, 12, 1), ["WE"])])
    other_date = Occurrence.objects.filter(event=other).first()
    assert client.get(f"{booking_event.url}signup/{other_date.pk}/").status_code == 404
    assert client.get(f"{booking_event.url}signup/99999999/").status_code == 404


def test_the_honeypot_keeps_out_form_fillers_with_a_message(client, booking_event, date):
    response = book(client, booking_event, date, website="http://spam.example")
    assert response.status_code == 400
    assert "空のまま" in text(response)
    assert not SignUp.objects.exists()


def test_too_many_sign_ups_from_one_address_get_a_kind_429(client, booking_event, date, settings):
    settings.IBASHO_SIGNUP_RATE_PER_IP = "3/h"
    for _ in range(3):  # three people at one address (a family, a library)
        assert book(Client(), booking_event, date).status_code == 302
    response = book(client, booking_event, date, nickname="ゆう", note="よろしくお願いします")
    assert response.status_code == 429
    page = BeautifulSoup(response.content, "html.parser")
    assert "少し時間をおいて" in page.get_text()
    assert page.find("input", attrs={"name": "nickname"})["value"] == "ゆう"
    # Another address is not affected.
    data = form_of(client, signup_url(booking_event, date))
    other = client.post(signup_url(booking_event, date), data, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302


def test_i_might_come_is_one_button_and_can_be_taken_back(client, make_event):
    event = make_event(join_mode="maybe", rules=[weekly(D(2026, 12, 1), ["WE"])])
    date = Occurrence.objects.filter(event=event).first()
    page = BeautifulSoup(client.get(signup_url(event, date)).content, "html.parser")
    visible = [
        i
        for i in page.find("form", method="post").find_all(["input", "textarea"])
        if i.get("type") != "hidden"
    ]
    assert [i["name"] for i in visible] == ["website"]  # only the honeypot, hidden from sight
    response = book(client, event, date)
    assert SignUp.objects.get().kind == "maybe"
    client.post(response["Location"].split("?")[0], {"action": "cancel"})
    assert SignUp.objects.get().status == SignUpStatus.CANCELLED


@pytest.fixture
def family_class(make_space, make_event):
    return make_event(
        title="家族教室",
        kind="family_class",
        space=make_space(title="家族のための相談室"),
        join_mode="enrolment",
        capacity=10,
        intake_required=True,
        rules=[weekly(D(2026, 12, 5), ["SA"], count=3)],
    )


def test_enrolment_needs_one_way_to_reach_the_family(client, family_class):
    url = f"{family_class.url}enrol/"
    data = {**form_of(client, url), "nickname": "山田", "relationship": "母"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "メールアドレスか電話番号" in text(response)
    response = client.post(url, {**data, "phone": "090-1234-5678", "party_size": "2"})
    assert response.status_code == 302
    signup = SignUp.objects.get()
    assert (signup.status, signup.party_size, signup.phone) == ("pending", 2, "090-1234-5678")
    assert "お話" in text(client.get(response["Location"]))


def test_an_enrolled_family_can_say_they_miss_one_date(client, family_class):
    url = f"{family_class.url}enrol/"
    data = {**form_of(client, url), "nickname": "山田", "email": "yamada@example.org"}
    manage_url = client.post(url, data)["Location"].split("?")[0]
    services.decide_enrolment(signup=SignUp.objects.get(), accept=True)
    second = Occurrence.objects.filter(event=family_class).order_by("start")[1]
    response = client.post(manage_url, {"action": "absence", "occurrence": second.pk})
    assert response.status_code == 302
    assert SignUp.objects.get().absences.get().occurrence == second
    assert SignUp.objects.get().status == SignUpStatus.CONFIRMED


@with_commits
def test_send_me_my_links(client, booking_event, date):
    book(client, booking_event, date, email="yu@example.org")
    mail.outbox.clear()
    response = client.post("/my/", {"email": "YU@example.org"})
    assert response.status_code == 200
    [message] = mail.outbox
    assert re.search(r"/my/[A-Za-z0-9_-]{43}/", message.body)
    sent_page = text(response)
    mail.outbox.clear()
    unknown = client.post("/my/", {"email": "nobody@example.org"})
    assert text(unknown) == sent_page  # says the same: nobody learns who signed up
    assert mail.outbox == []


@with_commits
def test_english_sign_ups_get_english_pages_and_mail(client, booking_event, date, en_locale):
    english = booking_event.copy_for_translation(en_locale, copy_parents=True, alias=False)
    english.title = "Monday and Thursday afternoons"
    english.save_revision().publish()
    url = f"{english.url}signup/{date.pk}/"
    data = {**form_of(client, url), "email": "yu@example.org"}
    response = client.post(url, data)
    assert response["Location"].startswith("/en/my/")
    assert "Your place is confirmed" in text(client.get(response["Location"]))
    assert "Your place" in mail.outbox[0].subject
    assert "/en/my/" in mail.outbox[0].body


@with_commits
def test_a_cancelled_date_is_taken_out_of_the_calendar_with_a_kind_word(
    client, booking_event, date
):
    book(client, booking_event, date, email="yu@example.org")
    book(client, booking_event, date)  # no e-mail: nothing to send
    [confirmation] = mail.outbox
    mail.outbox.clear()
    changes.cancel_occurrence(occurrence=date, message="職員研修のためお休みします")
    [message] = mail.outbox
    assert message.to == ["yu@example.org"] and "中止" in message.subject
    assert "職員研修のためお休みします" in message.body
    before = Calendar.from_ical(calendar_of(confirmation)[0]).walk("VEVENT")[0]
    after_calendar = Calendar.from_ical(calendar_of(message)[0])
    after = after_calendar.walk("VEVENT")[0]
    assert after_calendar["METHOD"] == "CANCEL" and after["STATUS"] == "CANCELLED"
    assert after["UID"] == before["UID"] and after["SEQUENCE"] > before["SEQUENCE"]


@with_commits
def test_a_moved_date_updates_the_calendar_in_place(client, booking_event, date):
    book(client, booking_event, date, email="yu@example.org")
    [confirmation] = mail.outbox
    mail.outbox.clear()
    changes.move_occurrence(occurrence=date, start=at(2026, 12, 8, 14), end=at(2026, 12, 8, 17))
    [message] = mail.outbox
    calendar = Calendar.from_ical(calendar_of(message)[0])
    vevent = calendar.walk("VEVENT")[0]
    before = Calendar.from_ical(calendar_of(confirmation)[0]).walk("VEVENT")[0]
    assert calendar["METHOD"] == "REQUEST" and vevent["UID"] == before["UID"]
    assert vevent["DTSTART"].dt == at(2026, 12, 8, 14) and vevent["SEQUENCE"] > before["SEQUENCE"]
    assert "14:00" in message.body


@with_commits
def test_closed_days_tell_the_people_who_booked(client, booking_event, date):
    from events.models import ClosedDays

    book(client, booking_event, date, email="yu@example.org")
    mail.outbox.clear()
    ClosedDays.objects.create(first_day=D(2026, 12, 8), last_day=D(2026, 12, 8), message="点検日")
    sync_all_events()
    [message] = mail.outbox
    assert "点検日" in message.body
    sync_all_events()
    assert len(mail.outbox) == 1  # once


def test_the_same_browser_booking_the_same_date_again_is_asked_first(client, booking_event, date):
    first = book(client, booking_event, date, nickname="ゆう")
    assert first.status_code == 302
    again = book(client, booking_event, date, nickname="ゆう")
    assert again.status_code == 400
    assert "このブラウザから" in text(again)
    assert SignUp.objects.count() == 1
    confirmed = book(client, booking_event, date, nickname="ゆうの母", another_person="on")
    assert confirmed.status_code == 302
    assert SignUp.objects.count() == 2
    # Another browser is not asked.
    assert book(Client(), booking_event, date).status_code == 302


def test_a_private_join_link_is_given_only_to_people_with_a_place(client, make_space, make_event):
    online = make_space(
        title="よるのまど",
        is_online=True,
        online_join_url="https://meet.example.org/yoru-no-mado",
        show_join_url=False,
    )
    event = make_event(
        space=online, join_mode="booking", capacity=1, rules=[weekly(D(2026, 12, 2), ["WE"])]
    )
    date = Occurrence.objects.filter(event=event).first()
    assert "meet.example.org" not in client.get(online.url).content.decode()
    assert "meet.example.org" not in client.get(event.url).content.decode()
    confirmed = book(Client(), event, date)["Location"]
    waiting = book(client, event, date)["Location"]
    assert "meet.example.org" in client.get(confirmed).content.decode()
    assert "meet.example.org" not in client.get(waiting).content.decode()


@with_commits
def test_an_invitation_comes_from_the_sites_sender_and_invites_nobody_by_name(
    client, booking_event, date, settings
):
    settings.DEFAULT_FROM_EMAIL = "湖南ひきこもり地域支援センター <no-reply@konan-center.jp>"
    manage = book(client, booking_event, date, email="yu@example.org")["Location"].split("?")[0]
    [message] = mail.outbox
    [invitation] = Calendar.from_ical(calendar_of(message)[0]).walk("VEVENT")
    # RFC 5546: a REQUEST (and a CANCEL) is sent by an organiser; here the site's own sender.
    assert str(invitation["ORGANIZER"]) == "mailto:no-reply@konan-center.jp"
    assert invitation["ORGANIZER"].params["CN"] == "湖南ひきこもり地域支援センター"
    assert "ATTENDEE" not in invitation
    # A file to keep (PUBLISH) has no organiser: nobody to answer.
    [kept] = Calendar.from_ical(client.get(manage + "calendar.ics").content).walk("VEVENT")
    assert "ORGANIZER" not in kept
    feed = Calendar.from_ical(client.get("/events/feed.ics").content).walk("VEVENT")
    assert feed and all("ORGANIZER" not in entry for entry in feed)


@with_commits
def test_calendars_and_subjects_use_the_discreet_title(client, booking_event, date):
    booking_event.discreet_title = "火曜の集まり"
    booking_event.save_revision().publish()
    book(client, booking_event, date, email="yu@example.org")
    [message] = mail.outbox
    assert "火曜の集まり" in message.subject and "月曜・木曜の午後" not in message.subject
    summary = Calendar.from_ical(calendar_of(message)[0]).walk("VEVENT")[0]["SUMMARY"]
    assert str(summary) == "火曜の集まり"


@with_commits
def test_the_waiting_list_gets_no_calendar_invitation(client, booking_event, date):
    book(Client(), booking_event, date, party_size="2")
    book(client, booking_event, date, email="yu@example.org")
    [message] = mail.outbox
    assert "キャンセル待ち" in message.subject and calendar_of(message) is None


@with_commits
def test_closing_a_course_sends_one_message_per_family(client, family_class):
    url = f"{family_class.url}enrol/"
    data = {**form_of(client, url), "nickname": "山田", "email": "yamada@example.org"}
    client.post(url, data)
    services.decide_enrolment(signup=SignUp.objects.get(), accept=True)
    mail.outbox.clear()
    family_class.closed_until_further_notice = True
    family_class.closure_message = "しばらくお休みします"
    family_class.save_revision().publish()
    [message] = mail.outbox
    cancelled = Calendar.from_ical(calendar_of(message)[0]).walk("VEVENT")
    assert len(cancelled) == 3 and all(v["STATUS"] == "CANCELLED" for v in cancelled)


def test_a_date_moved_to_another_room_shows_that_room(client, booking_event, date, make_space):
    other = make_space(title="さくら会館", address="さくら市本町1-2-3")
    manage_url = book(client, booking_event, date)["Location"].split("?")[0]
    changes.move_occurrence(occurrence=date, start=date.start, end=date.end, space=other)
    page = text(client.get(manage_url))
    assert "さくら市本町1-2-3" in page and "みなと町港2丁目5-8" not in page


def test_private_pages_send_no_referrer_and_odd_input_is_no_error(client, family_class):
    url = f"{family_class.url}enrol/"
    data = {**form_of(client, url), "nickname": "山田", "phone": "090-1234-5678"}
    manage_url = client.post(url, data)["Location"].split("?")[0]
    response = client.get(manage_url)
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    for value in ["abc", "", "-1", "9" * 30]:
        response = client.post(manage_url, {"action": "absence", "occurrence": value})
        # None of these is a date of the course: nothing is recorded (that would redirect to
        # ?done=absence) and the page is shown again.
        assert response.status_code == 200, value
    assert client.post(manage_url, {}).status_code == 200
    assert client.post(manage_url, {"action": "party_size"}).status_code == 200


def test_after_cancelling_the_calendar_file_takes_the_date_out(client, booking_event, date):
    manage_url = book(client, booking_event, date)["Location"].split("?")[0]
    added = Calendar.from_ical(client.get(manage_url + "calendar.ics").content)
    client.post(manage_url, {"action": "cancel"})
    assert "カレンダーから" in text(client.get(manage_url))
    removed = Calendar.from_ical(client.get(manage_url + "calendar.ics").content)
    assert removed["METHOD"] == "CANCEL"
    [before], [after] = added.walk("VEVENT"), removed.walk("VEVENT")
    assert after["UID"] == before["UID"] and after["STATUS"] == "CANCELLED"


@with_commits
def test_a_date_given_back_is_put_back_in_the_calendar(client, booking_event, date):
    from events.models import ClosedDays

    book(client, booking_event, date, email="yu@example.org")
    closure = ClosedDays.objects.create(
        first_day=D(2026, 12, 8), last_day=D(2026, 12, 8), message="点検日"
    )
    sync_all_events()
    mail.outbox.clear()
    closure.delete()
    sync_all_events()
    [message] = mail.outbox
    calendar = Calendar.from_ical(calendar_of(message)[0])
    [vevent] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "REQUEST" and vevent["STATUS"] == "CONFIRMED"
    assert "予定どおり" in message.body


def feed_entry(client, date):
    """The feed's entry for the date: its series' master while the date is as the rule says."""
    body = client.get("/events/feed.ics").content
    [entry] = [e for e in Calendar.from_ical(body).walk("VEVENT") if "RRULE" in e]
    return entry


@with_commits
def test_cancelling_your_own_place_says_so_and_takes_it_out_of_your_calendar(
    client, booking_event, date
):
    manage = book(client, booking_event, date, email="yu@example.org")["Location"].split("?")[0]
    feed_before = feed_entry(client, date)
    [confirmation] = mail.outbox
    [invited] = Calendar.from_ical(calendar_of(confirmation)[0]).walk("VEVENT")

    assert client.post(manage, {"action": "cancel"}).status_code in (200, 302)
    [_, note] = mail.outbox
    assert note.to == ["yu@example.org"] and "キャンセルしました" in note.subject
    assert "いつでもどうぞ" in note.body and "/my/" in note.body
    calendar = Calendar.from_ical(calendar_of(note)[0])
    assert calendar["METHOD"] == "CANCEL"
    [removed] = calendar.walk("VEVENT")
    assert (removed["UID"], removed["RECURRENCE-ID"].dt) == (
        invited["UID"],
        invited["RECURRENCE-ID"].dt,
    )
    # Above the invitation they imported, so their calendar app takes the entry out.
    assert int(removed["SEQUENCE"]) == int(invited["SEQUENCE"]) + 1
    [downloaded] = Calendar.from_ical(client.get(manage + "calendar.ics").content).walk("VEVENT")
    assert int(downloaded["SEQUENCE"]) == int(removed["SEQUENCE"])
    # One person's change of plan is nothing the public calendars need to know.
    assert feed_entry(client, date)["SEQUENCE"] == feed_before["SEQUENCE"]

    # They change their mind again: the new invitation stands above the CANCEL.
    book(Client(), booking_event, date, email="YU@example.org")
    again = Calendar.from_ical(calendar_of(mail.outbox[2])[0]).walk("VEVENT")[0]
    assert int(again["SEQUENCE"]) > int(removed["SEQUENCE"])


@with_commits
def test_cancelling_a_place_waited_for_sends_a_note_without_a_calendar(client, booking_event, date):
    book(Client(), booking_event, date, party_size="2")  # the two places, no e-mail
    manage = book(client, booking_event, date, email="yu@example.org")["Location"].split("?")[0]
    assert SignUp.objects.get(email="yu@example.org").status == SignUpStatus.WAITING
    client.post(manage, {"action": "cancel"})
    [_, note] = mail.outbox
    assert "キャンセルしました" in note.subject and calendar_of(note) is None
    assert "カレンダー" not in note.body


@with_commits
def test_cancelling_without_an_e_mail_address_sends_nothing(client, booking_event, date):
    manage = book(client, booking_event, date, nickname="ゆう")["Location"].split("?")[0]
    client.post(manage, {"action": "cancel"})
    assert SignUp.objects.get().status == SignUpStatus.CANCELLED and mail.outbox == []
