"""The outbox: every e-mail a person must receive is a row written with the change that causes
it, and leaves exactly once, whatever happens to the broker, a worker or the mail server."""

import datetime as dt
import logging
import re
import smtplib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from unittest import mock
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connections, transaction
from icalendar import Calendar

from events import tasks
from events.changes import services as changes
from events.messages import delivery
from events.models import (
    Absence,
    ManageToken,
    MessageKind,
    MessageStatus,
    Occurrence,
    OutboxMessage,
    SignUp,
)
from events.signups import notifications, retention, services
from events.signups.tokens import new_form_key
from tests.support.dates import JST, at, weekly
from tests.support.pages import book as book_on_the_page
from tests.support.staff import sign_in_staff

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
# The fast path runs when a transaction commits: tests about it run with real commits.
with_commits = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def family_class(make_space, make_event):
    """Three Saturdays from 2026-12-05, no intake talk."""
    return make_event(
        title="家族教室",
        kind="family_class",
        space=make_space(title="家族のための相談室"),
        join_mode="enrolment",
        capacity=10,
        rules=[weekly(D(2026, 12, 5), ["SA"], count=3)],
    )


def book(date, **fields):
    fields.setdefault("email", "yu@example.org")
    signup, _token, _created = services.book_place(
        occurrence=date, form_key=new_form_key(), **fields
    )
    return signup


def sent_mail(kind=None):
    return [m for m in mail.outbox if kind is None or kind in m.subject]


def body_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


# --- Written with the change, or not at all --------------------------------------------------


def test_the_confirmation_is_a_row_of_the_sign_up_transaction(date):
    signup = book(date)
    [message] = OutboxMessage.objects.all()
    assert (message.kind, message.signup, message.status) == (
        MessageKind.CONFIRMATION,
        signup,
        MessageStatus.PENDING,
    )
    # Ids only, no address; the booking code only sealed (events.signups.tokens.seal_code).
    assert list(message.payload) == ["code_box"] and message.to_address == ""
    assert mail.outbox == []  # nothing left yet: the commit has not happened


class Rollback(Exception):
    pass


def test_a_sign_up_rolled_back_leaves_no_message(date):
    with pytest.raises(Rollback), transaction.atomic():
        book(date, wants_reminder=True)
        assert OutboxMessage.objects.count() == 2  # confirmation and reminder
        raise Rollback
    assert not SignUp.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_no_e_mail_no_message(date):
    book(date, email="")
    assert not OutboxMessage.objects.exists()


def test_outbox_writes_do_not_empty_the_page_cache(date):
    from ibasho import page_cache

    with mock.patch.object(page_cache, "invalidate_pages") as invalidate:
        OutboxMessage.objects.create(kind=MessageKind.LOST_LINKS, to_address="a@example.org")
        delivery.send_due()
    invalidate.assert_not_called()


# --- Through a real SMTP server ----------------------------------------------------------------


def test_a_confirmation_arrives_once_with_its_calendar_file(date, smtp_sink):
    book(date, nickname="ゆう")
    assert delivery.send_due() == 1
    assert delivery.send_due() == 0  # a second sweep finds nothing to do
    [message] = smtp_sink.messages
    assert message["To"] == "yu@example.org"
    assert "お席が確定しました" in body_of(message)
    [attachment] = [part for part in message.iter_attachments()]
    # As iMIP asks (RFC 6047 §2.4): one charset, and the calendar's METHOD.
    assert attachment["Content-Type"] == 'text/calendar; charset="utf-8"; method="REQUEST"'
    [vevent] = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert vevent["DTSTART"].dt == at(2026, 12, 8, 13)
    assert OutboxMessage.objects.get().status == MessageStatus.SENT


def test_a_sweep_sends_its_whole_batch_over_one_smtp_connection(date, smtp_sink):
    for number in range(3):
        book(date, nickname=f"n{number}", email=f"person{number}@example.org")
    assert delivery.send_due() == 3
    assert len(smtp_sink.messages) == 3
    assert len(smtp_sink.connections) == 1


def test_after_a_failed_message_the_sweep_sends_the_rest_on_a_new_connection(date, smtp_sink):
    refused = book(date, nickname="a", email="refused@example.org")
    book(date, nickname="b", email="b@example.org")

    # The local server refuses one recipient, as a real one refuses an unknown address.
    original = smtp_sink.handle_DATA

    async def refuse_one(server, session, envelope):
        if "refused@example.org" in envelope.rcpt_tos:
            return "550 no such user"
        return await original(server, session, envelope)

    smtp_sink.handle_DATA = refuse_one
    assert delivery.send_due() == 2
    assert [m["To"] for m in smtp_sink.messages] == ["b@example.org"]
    failed = OutboxMessage.objects.get(signup=refused)
    assert (failed.status, failed.attempts) == (MessageStatus.PENDING, 1)  # tried again later
    assert failed.last_error == "SMTPDataError"


def test_a_reminder_arrives_once_the_day_before_with_a_working_link(
    client, date, smtp_sink, frozen_now
):
    book(date, nickname="ゆう", wants_reminder=True)
    delivery.send_due()  # the confirmation
    smtp_sink.messages.clear()
    reminder = OutboxMessage.objects.get(kind=MessageKind.REMINDER)
    assert reminder.due_at == at(2026, 12, 7, 10, 0)
    frozen_now.move_to(at(2026, 12, 7, 9, 59))
    assert delivery.send_due() == 0  # not yet
    frozen_now.move_to(at(2026, 12, 7, 10, 1))
    assert delivery.send_due() == 1
    assert delivery.send_due() == 0
    [message] = smtp_sink.messages
    body = body_of(message)
    assert "来られなくなっても大丈夫" in body
    link = re.search(r"http://\S+/my/\S+/", body).group(0)
    page = client.get(urlparse(link).path)
    assert page.status_code == 200 and "ゆう" in page.content.decode()
    # The link was minted when the mail left: only its hash is stored, nowhere in plain text.
    token = urlparse(link).path.split("/")[2]
    assert ManageToken.objects.filter(signup__nickname="ゆう").count() == 3
    assert not OutboxMessage.objects.filter(payload__icontains=token).exists()


# --- The broker is down ------------------------------------------------------------------------


@with_commits
def test_a_broker_outage_does_not_break_a_sign_up_and_the_sweep_sends_once(
    client, date, broker_down, caplog
):
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        response = book_on_the_page(
            client, date.event, date, party_size="1", email="yu@example.org"
        )
    assert time.monotonic() - started < 10
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and "ブックマーク" in page.content.decode()
    [message] = OutboxMessage.objects.all()
    assert message.status == MessageStatus.PENDING and mail.outbox == []
    assert "the sweep will send it" in caplog.text and "OperationalError" in caplog.text
    assert "yu@example.org" not in caplog.text
    # The broker comes back; beat runs the sweep (here: the task's function itself).
    assert tasks.send_due_messages() == 1
    assert tasks.send_due_messages() == 0
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().status == MessageStatus.SENT


@with_commits
def test_a_sign_up_is_taken_when_redis_is_down_for_broker_and_cache_alike(
    client, date, broker_down, cache_down
):
    response = book_on_the_page(client, date.event, date, party_size="1", email="yu@example.org")
    assert response.status_code == 302  # taken, though sign-ups cannot be counted just now
    assert client.get(response["Location"]).status_code == 200
    assert OutboxMessage.objects.get().status == MessageStatus.PENDING  # the sweep sends it


@with_commits
def test_the_fast_path_sends_at_once_and_the_sweep_then_has_nothing_to_do(date):
    # In the tests Celery runs a queued task in the same process, right after the commit.
    book(date)
    assert len(mail.outbox) == 1
    assert delivery.send_due() == 0
    assert len(mail.outbox) == 1


def test_only_ids_go_into_task_arguments(date, django_capture_on_commit_callbacks):
    with (
        mock.patch.object(tasks.deliver_message, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        book(date, wants_reminder=True)
        assert not delay.called  # queued only once the transaction commits
    confirmation = OutboxMessage.objects.get(kind=MessageKind.CONFIRMATION)
    # One task, for the message already due (the reminder waits for the sweep), by its id.
    delay.assert_called_once_with(confirmation.pk)


# --- Several deliverers at once (PostgreSQL row locks) -----------------------------------------


class SlowBackend(LocmemBackend):
    """Takes a while to send, so that other deliverers arrive while it holds the row."""

    def send_messages(self, messages):
        time.sleep(0.3)
        return super().send_messages(messages)


@pytest.mark.postgresql
@with_commits
def test_a_duplicate_task_and_two_sweeps_racing_send_one_e_mail(date, settings):
    settings.EMAIL_BACKEND = "tests.test_outbox.SlowBackend"
    settings.IBASHO_OUTBOX_FAST_PATH = False
    book(date)
    [message] = OutboxMessage.objects.all()
    start = threading.Barrier(4)

    def deliverer(number):
        start.wait()
        try:
            if number % 2:
                return delivery.deliver(message.pk)  # the fast-path task, twice
            return delivery.send_due()  # two sweeps
        finally:
            connections.close_all()

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(deliverer, range(4)))
    assert len(mail.outbox) == 1
    assert results.count(MessageStatus.SENT) + results.count(1) == 1
    assert OutboxMessage.objects.get().status == MessageStatus.SENT


# --- The mail server refuses ---------------------------------------------------------------------


class FailingBackend(BaseEmailBackend):
    """Raises what a mail server says; SMTP errors quote the recipient's address."""

    error = None

    def send_messages(self, messages):
        raise FailingBackend.error


@pytest.fixture
def failing_mail(settings):
    settings.EMAIL_BACKEND = "tests.test_outbox.FailingBackend"
    FailingBackend.error = smtplib.SMTPDataError(451, b"try later, yu@example.org")
    yield FailingBackend
    FailingBackend.error = None


def test_a_temporary_smtp_error_is_retried_with_backoff_then_fails(
    date, failing_mail, frozen_now, settings, caplog
):
    settings.IBASHO_OUTBOX_MAX_ATTEMPTS = 4
    book(date)
    with caplog.at_level(logging.INFO):
        waits = []
        for _attempt in range(4):
            assert delivery.send_due() == 1
            message = OutboxMessage.objects.get()
            if message.status == MessageStatus.PENDING:
                waits.append(message.next_attempt_at - dt.datetime.now(tz=JST))
                assert delivery.send_due() == 0  # not before its time
                frozen_now.move_to(message.next_attempt_at)
    assert waits == [dt.timedelta(minutes=m) for m in (1, 5, 25)]
    message = OutboxMessage.objects.get()
    assert message.status == MessageStatus.FAILED
    assert (message.attempts, message.last_error) == (4, "SMTPDataError")
    assert "SMTPDataError" in caplog.text
    assert "yu@example.org" not in caplog.text
    assert ManageToken.objects.count() == 1  # no link was minted for mail that never left


def test_a_refused_address_fails_at_once(date, failing_mail, caplog):
    failing_mail.error = smtplib.SMTPRecipientsRefused({"yu@example.org": (550, b"no such user")})
    book(date)
    with caplog.at_level(logging.INFO):
        delivery.send_due()
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1)
    assert message.last_error == "SMTPRecipientsRefused"
    assert "yu@example.org" not in caplog.text


def test_the_retry_delays_grow_and_are_capped(settings):
    settings.IBASHO_OUTBOX_MAX_RETRY_MINUTES = 240
    minutes = [delivery.retry_delay(n).total_seconds() / 60 for n in range(1, 7)]
    assert minutes == [1, 5, 25, 125, 240, 240]


# --- Reminders ---------------------------------------------------------------------------------


def reminders():
    return OutboxMessage.objects.filter(kind=MessageKind.REMINDER)


def test_reminders_are_planned_only_for_people_who_asked(date):
    book(date, wants_reminder=True)
    book(date)  # an e-mail, but no reminder wanted
    book(date, email="")  # no e-mail
    [reminder] = reminders()
    assert reminder.due_at == at(2026, 12, 7, 10)
    assert reminder.payload == {"occurrence": date.pk}


def test_the_reminder_time_comes_from_the_settings(date, settings):
    settings.IBASHO_REMINDER_DAYS_BEFORE = 2
    settings.IBASHO_REMINDER_HOUR = 18
    book(date, wants_reminder=True)
    assert reminders().get().due_at == at(2026, 12, 6, 18)


def test_planning_twice_makes_one_reminder(date):
    signup = book(date, wants_reminder=True)
    notifications.plan_reminders(signup)
    notifications.replan_reminders([date])
    assert reminders().count() == 1


def test_no_reminder_after_cancelling(date, frozen_now):
    signup = book(date, wants_reminder=True)
    services.cancel_signup(signup=signup)
    frozen_now.move_to(at(2026, 12, 7, 10))
    delivery.send_due()
    assert reminders().get().status == MessageStatus.SKIPPED
    assert sent_mail("ご案内") == []


def test_no_reminder_for_a_cancelled_date(date, frozen_now):
    book(date, wants_reminder=True)
    changes.cancel_occurrence(occurrence=date, message="お休みします")
    frozen_now.move_to(at(2026, 12, 7, 10))
    delivery.send_due()
    assert reminders().get().status == MessageStatus.SKIPPED
    assert sent_mail("ご案内") == []
    assert sent_mail("中止")  # that news did go out


def test_a_cancelled_date_moved_to_a_later_day_gets_its_reminder_again(date, frozen_now):
    book(date, wants_reminder=True)
    changes.cancel_occurrence(occurrence=date, message="お休みします")
    frozen_now.move_to(at(2026, 12, 7, 10))
    delivery.send_due()
    assert reminders().get().status == MessageStatus.SKIPPED  # not sent for a cancelled date
    changes.move_occurrence(occurrence=date, start=at(2026, 12, 15, 13), end=at(2026, 12, 15, 16))
    reminder = reminders().get()
    assert reminder.status == MessageStatus.PENDING and reminder.due_at == at(2026, 12, 14, 10)
    frozen_now.move_to(at(2026, 12, 14, 10, 5))
    delivery.send_due()
    [message] = sent_mail("ご案内")
    assert "12月15日" in message.subject


def test_no_reminder_for_a_waiting_list_place(date, frozen_now):
    book(date, party_size=4)
    book(date, wants_reminder=True)  # full: on the waiting list
    frozen_now.move_to(at(2026, 12, 7, 10))
    delivery.send_due()
    assert reminders().get().status == MessageStatus.SKIPPED


def test_a_moved_date_moves_its_reminder(date, frozen_now):
    book(date, wants_reminder=True)
    changes.move_occurrence(occurrence=date, start=at(2026, 12, 10, 13), end=at(2026, 12, 10, 16))
    reminder = reminders().get()
    assert reminder.due_at == reminder.next_attempt_at == at(2026, 12, 9, 10)
    frozen_now.move_to(at(2026, 12, 7, 10, 5))
    delivery.send_due()
    assert reminders().get().status == MessageStatus.PENDING  # not on the old day
    frozen_now.move_to(at(2026, 12, 9, 10, 5))
    delivery.send_due()
    [message] = sent_mail("ご案内")
    assert "12月10日" in message.subject


def test_staff_moving_a_date_in_the_admin_moves_its_reminder(client, date, django_user_model):
    book(date, wants_reminder=True)
    sign_in_staff(
        client, django_user_model.objects.create_superuser(email="staff@example.org", password="x")
    )
    form = {
        "status": "scheduled",
        "message": "",
        "start": "2026-12-15 13:00",
        "end": "2026-12-15 16:00",
        "space": date.space_id,
        "capacity": "",
    }
    response = client.post(f"/admin/dates/edit/{date.pk}/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert reminders().get().due_at == at(2026, 12, 14, 10)


def test_an_enrolled_family_is_reminded_of_each_date_except_an_absence(family_class, frozen_now):
    signup, _token, _ = services.enrol(
        event=family_class,
        form_key=new_form_key(),
        nickname="山田",
        email="yamada@example.org",
        wants_reminder=True,
    )
    dates = list(Occurrence.objects.filter(event=family_class).order_by("start"))
    assert sorted(r.payload["occurrence"] for r in reminders()) == [d.pk for d in dates]
    services.report_absence(signup=signup, occurrence=dates[1])
    mail.outbox.clear()
    for day in dates:
        frozen_now.move_to(day.start - dt.timedelta(hours=2))
        delivery.send_due()
    assert len(sent_mail("ご案内")) == 2
    statuses = {r.payload["occurrence"]: r.status for r in reminders()}
    assert statuses[dates[1].pk] == MessageStatus.SKIPPED
    assert Absence.objects.count() == 1


def test_a_new_date_of_a_series_gets_its_reminder(family_class):
    services.enrol(
        event=family_class,
        form_key=new_form_key(),
        nickname="山田",
        email="yamada@example.org",
        wants_reminder=True,
    )
    assert reminders().count() == 3
    family_class.rules.update(count=4)
    changes.sync_occurrences(event=family_class)
    assert reminders().count() == 4


def test_the_enrolment_form_offers_a_reminder(client, family_class):
    page = client.get(f"{family_class.url}enrol/").content.decode()
    assert 'name="wants_reminder"' in page


# --- Lost links ----------------------------------------------------------------------------------


def test_lost_links_write_one_row_whoever_asks_and_keep_no_address(client, date):
    book(date)
    OutboxMessage.objects.all().delete()
    client.post("/my/", {"email": "YU@example.org"})
    client.post("/my/", {"email": "nobody@example.org"})
    assert OutboxMessage.objects.filter(kind=MessageKind.LOST_LINKS).count() == 2
    delivery.send_due()
    [message] = mail.outbox
    assert message.to == ["YU@example.org"] and re.search(r"/my/[A-Za-z0-9_-]{43}/", message.body)
    handled = OutboxMessage.objects.filter(kind=MessageKind.LOST_LINKS)
    assert sorted(handled.values_list("status", flat=True)) == ["sent", "skipped"]
    assert set(handled.values_list("to_address", flat=True)) == {""}


def test_lost_links_do_the_same_work_for_a_known_and_an_unknown_address(client, date):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    book(date)
    client.get("/my/")  # the CSRF cookie and the site's first look-ups, once
    with CaptureQueriesContext(connection) as known:
        client.post("/my/", {"email": "yu@example.org"})
    with CaptureQueriesContext(connection) as unknown:
        client.post("/my/", {"email": "nobody@example.org"})
    shape = [re.sub(r"'[^']*'", "?", q["sql"]) for q in known.captured_queries]
    assert shape == [re.sub(r"'[^']*'", "?", q["sql"]) for q in unknown.captured_queries]
    assert not any("events_signup" in sql for sql in shape)  # no look-up in the request


# --- Retention -----------------------------------------------------------------------------------


def test_erasure_withdraws_pending_mail_and_deletes_old_rows(date, frozen_now):
    signup = book(date)
    delivery.send_due()
    OutboxMessage.objects.create(kind=MessageKind.OFFER, signup=signup)  # still pending
    frozen_now.move_to(at(2027, 1, 9, 5))  # 30 days after the date, and a bit
    assert retention.erase_personal_data() == 1
    # The sent confirmation is gone; the pending one is withdrawn and never sent.
    [left] = OutboxMessage.objects.all()
    assert left.status == MessageStatus.CANCELLED
    assert delivery.send_due() == 0
    assert not ManageToken.objects.exists()
    frozen_now.move_to(at(2027, 2, 10))
    retention.erase_personal_data()
    assert not OutboxMessage.objects.exists()


def test_no_link_outlives_an_erased_sign_up(date):
    signup = book(date)
    SignUp.objects.filter(pk=signup.pk).update(email="", erased_at=at(2026, 12, 1))
    assert retention.clear_expired_tokens() == 1
    assert retention.clear_expired_tokens() == 0
    assert tasks.clear_expired_manage_tokens() == 0


# --- Staff see what could not be sent -----------------------------------------------------------


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser(email="staff@example.org", password="x")
    sign_in_staff(client, user)
    return client


def test_failed_mail_is_listed_for_staff_without_addresses_and_sent_again(
    staff, date, failing_mail, settings
):
    failing_mail.error = smtplib.SMTPRecipientsRefused({"yu@example.org": (550, b"full")})
    book(date, nickname="ゆう")
    delivery.send_due()
    message = OutboxMessage.objects.get()
    page = staff.get("/admin/outbox/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "申し込みの確認" in html and "SMTPRecipientsRefused" in html and "ゆう" in html
    assert "yu@example.org" not in html
    assert staff.get(f"/admin/outbox/{message.pk}/retry/").status_code == 405  # POST only
    response = staff.post(f"/admin/outbox/{message.pk}/retry/")
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.PENDING, 0)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # fixed
    assert delivery.send_due() == 1
    assert len(mail.outbox) == 1
    assert "SMTPRecipientsRefused" not in staff.get("/admin/outbox/").content.decode()


def test_a_failed_send_me_my_links_can_be_sent_again_and_keeps_its_address_no_longer(
    staff, client, date, failing_mail, settings, frozen_now
):
    book(date)
    OutboxMessage.objects.all().delete()
    failing_mail.error = smtplib.SMTPRecipientsRefused({"yu@example.org": (550, b"full")})
    client.post("/my/", {"email": "yu@example.org"})
    delivery.send_due()
    message = OutboxMessage.objects.get()
    assert message.status == MessageStatus.FAILED
    assert message.to_address == "yu@example.org"  # what "send again" needs, kept

    staff.post(f"/admin/outbox/{message.pk}/retry/")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # fixed
    assert delivery.send_due() == 1
    [sent] = mail.outbox
    assert sent.to == ["yu@example.org"] and re.search(r"/my/[A-Za-z0-9_-]{43}/", sent.body)
    message.refresh_from_db()
    assert (message.status, message.to_address) == (MessageStatus.SENT, "")


def test_a_failed_message_keeps_its_address_only_for_the_retention_time(
    client, date, failing_mail, frozen_now
):
    book(date)
    OutboxMessage.objects.all().delete()
    failing_mail.error = smtplib.SMTPRecipientsRefused({"yu@example.org": (550, b"full")})
    client.post("/my/", {"email": "yu@example.org"})
    delivery.send_due()
    assert OutboxMessage.objects.get().to_address == "yu@example.org"
    frozen_now.move_to(at(2027, 1, 2))  # 30 days and a bit
    retention.erase_personal_data()
    assert not OutboxMessage.objects.filter(to_address="yu@example.org").exists()


def test_staff_groups_can_be_given_the_unsent_e_mail_page(staff):
    from django.contrib.auth.models import Permission

    permission = Permission.objects.get(codename="change_outboxmessage")
    page = staff.get("/admin/groups/new/").content.decode()
    assert f'value="{permission.pk}"' in page


def test_retry_needs_the_csrf_token(date, django_user_model, failing_mail):
    from django.test import Client

    failing_mail.error = smtplib.SMTPRecipientsRefused({"yu@example.org": (550, b"full")})
    book(date)
    delivery.send_due()
    client = Client(enforce_csrf_checks=True)
    sign_in_staff(
        client, django_user_model.objects.create_superuser(email="staff@example.org", password="x")
    )
    message = OutboxMessage.objects.get()
    assert client.post(f"/admin/outbox/{message.pk}/retry/").status_code == 403
    assert OutboxMessage.objects.get().status == MessageStatus.FAILED


def test_staff_without_the_permission_see_nothing(client, django_user_model, date, failing_mail):
    from django.contrib.auth.models import Group, Permission

    failing_mail.error = smtplib.SMTPRecipientsRefused({"yu@example.org": (550, b"full")})
    book(date, nickname="ゆう")
    delivery.send_due()
    user = django_user_model.objects.create_user(email="other@example.org", password="x")
    group = Group.objects.create(name="職員")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    sign_in_staff(client, user)
    response = client.get("/admin/outbox/")
    # Wagtail answers a refusal in the admin with its home page and a message.
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    message = OutboxMessage.objects.get()
    client.post(f"/admin/outbox/{message.pk}/retry/")
    assert OutboxMessage.objects.get().status == MessageStatus.FAILED
    assert "/admin/outbox/" not in client.get("/admin/").content.decode()  # no menu item
    client.logout()
    assert client.get("/admin/outbox/").status_code == 302  # to the sign-in page


# --- /healthz -----------------------------------------------------------------------------------


def test_healthz_reports_how_late_the_oldest_unsent_mail_is(client, date, frozen_now, settings):
    settings.IBASHO_OUTBOX_LATE_SECONDS = 900
    body = client.get("/healthz").json()
    assert (body["outbox"], body["outbox_oldest_due_seconds"]) == ("ok", 0)
    book(date)  # due now; no worker runs in this test
    frozen_now.shift(dt.timedelta(minutes=10))
    body = client.get("/healthz").json()
    assert (body["outbox"], body["outbox_oldest_due_seconds"]) == ("ok", 600)
    frozen_now.shift(dt.timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["outbox"] == "late" and response.json()["status"] == "late"
    assert response.json()["outbox_oldest_due_seconds"] == 1200
    delivery.send_due()
    assert client.get("/healthz").json()["outbox"] == "ok"
