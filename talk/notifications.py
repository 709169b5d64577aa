"""E-mail about conversations, through the outbox (events.messages): staff hear that a message
arrived, the writer (if they gave an address) that there is an answer. Neither mail ever holds
a word of any message, nor the private link: only that there is something to read, and where
to read it (the admin inbox; /talk/return/ and the link the writer kept)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from events.messages import addresses, kinds, outbox
from events.messages.models import MessageStatus, OutboxMessage

from .models import Conversation

NEW_MESSAGE = "talk_new"  # to each member of staff who can open the inbox
ANSWERED = "talk_answered"  # to the writer


def inbox_staff():
    """Active users who may answer conversations: superusers, and those given the
    permission (directly or through a group)."""
    permission = Permission.objects.filter(
        codename="change_conversation", content_type__app_label="talk"
    ).first()
    who = Q(is_superuser=True)
    if permission is not None:
        who |= Q(user_permissions=permission) | Q(groups__permissions=permission)
    return get_user_model().objects.filter(who, is_active=True).exclude(email="").distinct()


def tell_staff(conversation):
    for user in inbox_staff():
        outbox.queue(
            kind=NEW_MESSAGE,
            payload={"conversation": conversation.pk, "user": user.pk},
        )


def tell_writer(conversation):
    if not conversation.email:
        return
    if addresses.may_mail(
        conversation.email, group="ibasho-mail-talk", rate=settings.IBASHO_MAIL_RATE_PER_ADDRESS
    ):
        outbox.queue(kind=ANSWERED, payload={"conversation": conversation.pk})


def withdraw(conversation):
    """The writer erased the conversation: its mail still waiting goes nowhere."""
    OutboxMessage.objects.filter(
        kind__in=[NEW_MESSAGE, ANSWERED],
        status=MessageStatus.PENDING,
        payload__conversation=conversation.pk,
    ).update(status=MessageStatus.CANCELLED)


def _absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _mail(template, context, *, language, to):
    with translation.override(language):
        subject = render_to_string(f"email/{template}_subject.txt", context).strip()
        body = render_to_string(f"email/{template}.txt", context)
    return EmailMultiAlternatives(subject, body, to=[to])


def _conversation(message):
    return Conversation.objects.filter(pk=message.payload.get("conversation")).first()


def render_new_message(message, now):
    conversation = _conversation(message)
    user = get_user_model().objects.filter(pk=message.payload.get("user"), is_active=True).first()
    if conversation is None or user is None or not user.email:
        return None
    context = {
        "conversation": conversation,
        "inbox_url": _absolute(reverse("talk_admin_conversation", args=[conversation.pk])),
    }
    return _mail("talk_new_message", context, language=settings.LANGUAGE_CODE, to=user.email)


def render_answered(message, now):
    conversation = _conversation(message)
    if conversation is None or not conversation.email:
        return None
    with translation.override(conversation.language):
        return_url = _absolute(reverse("talk-return"))
    return _mail(
        "talk_answered",
        {"return_url": return_url},
        language=conversation.language,
        to=conversation.email,
    )


kinds.register(NEW_MESSAGE, label=_("New message to the centre"), render=render_new_message)
kinds.register(ANSWERED, label=_("The centre has answered"), render=render_answered)
