"""Writing to us while a service is down: a broker that does not answer keeps staff's e-mail
in the outbox for the sweep, and a cache that does not answer takes the message without
counting it; the writer gets their private page either way."""

import pytest
from django.core import mail

from events.messages.delivery import send_due
from events.messages.models import MessageStatus, OutboxMessage
from talk.models import Conversation
from tests.support.talk import send

with_commits = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(email="staff@example.org", password="x")


@with_commits
def test_a_broker_that_is_down_loses_nothing(client, contacts, superuser, broker_down):
    response = send(client, body="眠れない夜です")
    assert response.status_code == 302
    assert Conversation.objects.count() == 1
    [waiting] = OutboxMessage.objects.all()
    assert waiting.status == MessageStatus.PENDING
    assert mail.outbox == []
    send_due()  # the sweep, once a worker runs again
    assert [m.to for m in mail.outbox] == [["staff@example.org"]]
    assert "眠れない夜です" not in mail.outbox[0].body


@pytest.mark.django_db
def test_a_cache_that_is_down_still_takes_the_message(client, contacts, cache_down):
    response = send(client, body="聞いてほしいことがあります")
    assert response.status_code == 302
    assert Conversation.objects.count() == 1
