"""Every change to a conversation, whichever screen asks: starting one, replies from either
side, staff's assignment, notes, flag and closing, and erasure (by the writer or by
retention). Each writes its e-mail to the outbox in the same transaction."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Site

from . import notifications
from .models import Author, Conversation, Message, MonthlyCount, Note, Status, TalkSettings
from .tokens import hash_passphrase, hash_token, passphrase_for, token_for


class TalkError(Exception):
    """A change that cannot be made; `code` says which."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def site_settings(site=None):
    site = site or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return TalkSettings()
    return TalkSettings.for_site(site)


def _month_of(moment):
    return timezone.localtime(moment).date().replace(day=1)


def _count(conversation):
    month = _month_of(conversation.created_at)
    row, _created = MonthlyCount.objects.get_or_create(
        month=month, writer=conversation.writer, wish=conversation.wish
    )
    MonthlyCount.objects.filter(pk=row.pk).update(count=F("count") + 1)


def start_conversation(
    *, form_key, body, writer, wish, area="", email="", phone="", language="ja", talk_settings
):
    """A new conversation with its first message; a second call with the same form key (a
    double click, a resent form) finds the first one. Returns (conversation, token, created)."""
    token = token_for(form_key)
    existing = Conversation.objects.filter(submission_key=hash_token(form_key)).first()
    if existing is not None:
        return existing, token, False
    now = timezone.now()
    danger = talk_settings.danger_in(body)
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                token_hash=hash_token(token),
                passphrase_hash=hash_passphrase(passphrase_for(token, language)),
                submission_key=hash_token(form_key),
                writer=writer,
                wish=wish,
                area=area,
                email=email,
                phone=phone,
                language=language,
                urgent=danger,
                danger_words_seen=danger,
                last_from=Author.WRITER,
                last_message_at=now,
                created_at=now,
            )
            Message.objects.create(
                conversation=conversation, author=Author.WRITER, body=body, created_at=now
            )
            _count(conversation)
            notifications.tell_staff(conversation)
    except IntegrityError:
        # The same form sent twice at the same moment: the other request made it.
        existing = Conversation.objects.filter(submission_key=hash_token(form_key)).first()
        if existing is None:
            raise
        return existing, token, False
    return conversation, token, True


def writer_replies(*, conversation, body, talk_settings):
    """The writer's reply. Returns True when it held a word from the danger list."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.is_closed:
            raise TalkError("closed")
        now = timezone.now()
        danger = talk_settings.danger_in(body)
        Message.objects.create(
            conversation=conversation, author=Author.WRITER, body=body, created_at=now
        )
        conversation.last_from = Author.WRITER
        conversation.last_message_at = now
        fields = ["last_from", "last_message_at"]
        if danger:
            conversation.urgent = conversation.danger_words_seen = True
            fields += ["urgent", "danger_words_seen"]
        conversation.save(update_fields=fields)
        notifications.tell_staff(conversation)
    return danger


def staff_replies(*, conversation, body, user):
    """The centre's answer; the writer, if they gave an address, hears that there is one."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.is_closed:
            raise TalkError("closed")
        now = timezone.now()
        Message.objects.create(
            conversation=conversation, author=Author.STAFF, staff=user, body=body, created_at=now
        )
        conversation.last_from = Author.STAFF
        conversation.last_message_at = now
        if conversation.assigned_to_id is None:
            conversation.assigned_to = user
        conversation.save(update_fields=["last_from", "last_message_at", "assigned_to"])
        notifications.tell_writer(conversation)


def add_note(*, conversation, body, user):
    return Note.objects.create(conversation=conversation, staff=user, body=body)


def assign(*, conversation, user):
    Conversation.objects.filter(pk=conversation.pk).update(assigned_to=user)


def set_urgent(*, conversation, urgent):
    Conversation.objects.filter(pk=conversation.pk).update(urgent=urgent)


def close(*, conversation):
    Conversation.objects.filter(pk=conversation.pk, status=Status.OPEN).update(
        status=Status.CLOSED, closed_at=timezone.now()
    )


def reopen(*, conversation):
    Conversation.objects.filter(pk=conversation.pk, status=Status.CLOSED).update(
        status=Status.OPEN, closed_at=None
    )


def erase(*, conversation):
    """Everything of one conversation, at once: messages, notes, contact details and the
    e-mail still waiting for it. The monthly count it was added to stays."""
    with transaction.atomic():
        notifications.withdraw(conversation)
        conversation.delete()


def erase_closed(*, now=None):
    """Conversations closed longer than IBASHO_TALK_RETENTION_DAYS. Idempotent; returns how
    many were erased."""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=settings.IBASHO_TALK_RETENTION_DAYS)
    erased = 0
    for conversation in Conversation.objects.closed().filter(closed_at__lte=limit):
        erase(conversation=conversation)
        erased += 1
    return erased
