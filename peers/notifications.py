"""The invitation e-mail, sent through the outbox (events.messages). The row holds only the
invitation's id; the link's token is minted when the mail is written, so the raw token is
never stored, and a mail that could not leave takes its token back with it (the outbox rolls
back what rendering wrote)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from events.messages import kinds

from . import tokens
from .models import Invitation, InvitationState
from .services import MESSAGE_KIND


def invitation_link(token, language):
    with translation.override(language):
        path = reverse("peers_invitation", kwargs={"token": token})
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def render_invitation(message, now):
    invitation = Invitation.objects.filter(pk=message.payload.get("invitation")).first()
    if invitation is None or invitation.state(now) != InvitationState.PENDING:
        return None  # withdrawn, accepted or expired meanwhile: nothing to send
    token = tokens.new_token()
    invitation.token_hash = tokens.hash_token(token)
    invitation.sent_at = now
    invitation.save(update_fields=["token_hash", "sent_at"])
    context = {
        "link": invitation_link(token, invitation.language),
        "expires_at": invitation.expires_at,
    }
    with translation.override(invitation.language):
        subject = render_to_string("email/peer_invitation_subject.txt", context).strip()
        body = render_to_string("email/peer_invitation.txt", context)
    return EmailMessage(subject, body, to=[invitation.email])


def register():
    kinds.register(MESSAGE_KIND, label=_("Peer supporter invitation"), render=render_invitation)
