"""Conversations closed longer than IBASHO_TALK_RETENTION_DAYS are erased by a daily task;
only a monthly count by who wrote and what they wanted stays."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from events.messages.models import MessageStatus, OutboxMessage
from talk import services, tasks
from talk.models import Conversation, Message, MonthlyCount, Note, TalkSettings
from tests.support.staff import sign_in_staff

pytestmark = pytest.mark.django_db

JST = dt.timezone(dt.timedelta(hours=9))


def new_conversation(form_key, *, writer="person", wish="talk", body="話を聞いてほしい"):
    conversation, _token, _created = services.start_conversation(
        form_key=form_key * 43,
        body=body,
        writer=writer,
        wish=wish,
        email="writer@example.org",
        talk_settings=TalkSettings(),
    )
    return conversation


def test_the_daily_task_is_scheduled():
    tasks_scheduled = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "talk.tasks.erase_closed_conversations" in tasks_scheduled


def test_closed_conversations_are_erased_after_the_retention_time_and_counts_stay():
    with time_machine.travel(dt.datetime(2026, 11, 3, 10, tzinfo=JST), tick=False):
        old = new_conversation("a", writer="family", wish="place")
        new_conversation("b", writer="family", wish="place")
        services.add_note(conversation=old, body="メモ", user=None)
        services.close(conversation=old)
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=JST), tick=False):
        kept_open = new_conversation("c", writer="person", wish="heard")
    # 89 days after closing: still there.
    with time_machine.travel(dt.datetime(2027, 1, 31, 9, tzinfo=JST), tick=False):
        assert tasks.erase_closed_conversations() == 0
    # 90 days: gone, with its messages and notes; the open ones stay, however old.
    with time_machine.travel(dt.datetime(2027, 2, 1, 10, 1, tzinfo=JST), tick=False):
        assert tasks.erase_closed_conversations() == 1
        assert tasks.erase_closed_conversations() == 0  # idempotent
    assert not Conversation.objects.filter(pk=old.pk).exists()
    assert Conversation.objects.count() == 2 and kept_open in Conversation.objects.all()
    assert Note.objects.count() == 0
    assert Message.objects.filter(conversation_id=old.pk).count() == 0
    counts = {(c.month, c.writer, c.wish): c.count for c in MonthlyCount.objects.all()}
    assert counts == {
        (dt.date(2026, 11, 1), "family", "place"): 2,
        (dt.date(2026, 12, 1), "person", "heard"): 1,
    }


def test_the_retention_time_is_configurable(settings):
    settings.IBASHO_TALK_RETENTION_DAYS = 7
    with time_machine.travel(dt.datetime(2026, 11, 3, 10, tzinfo=JST), tick=False):
        conversation = new_conversation("a")
        services.close(conversation=conversation)
    with time_machine.travel(dt.datetime(2026, 11, 10, 10, 1, tzinfo=JST), tick=False):
        assert tasks.erase_closed_conversations() == 1


def test_a_month_is_counted_in_japan_time():
    # 23:30 UTC on 30 November is already 1 December in Japan.
    with time_machine.travel(dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC), tick=False):
        new_conversation("a")
    assert MonthlyCount.objects.get().month == dt.date(2026, 12, 1)


def test_mail_still_waiting_for_an_erased_conversation_goes_nowhere(django_user_model):
    django_user_model.objects.create_superuser(email="staff@example.org", password="x")
    conversation = new_conversation("a")
    [waiting] = OutboxMessage.objects.filter(status=MessageStatus.PENDING)
    services.erase(conversation=conversation)
    waiting.refresh_from_db()
    assert waiting.status == MessageStatus.CANCELLED


def test_staff_read_the_monthly_counts_in_the_inbox(client, django_user_model):
    staff = django_user_model.objects.create_superuser(email="staff@example.org", password="x")
    with time_machine.travel(dt.datetime(2026, 11, 3, 10, tzinfo=JST), tick=False):
        conversation = new_conversation("a", writer="family", wish="place", body="秘密の中身")
    services.erase(conversation=conversation)
    sign_in_staff(client, staff)
    page = client.get("/admin/talk/").content.decode()
    assert "2026-11" in page and "秘密の中身" not in page
    row = next(line for line in page.splitlines() if "2026-11" in line)
    assert "家族" in row and "居場所や集まりについて聞きたい" in row and "<td>1</td>" in row
