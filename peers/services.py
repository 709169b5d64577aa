"""Inviting peer supporters: staff invite, resend and withdraw; the invitee accepts. Each
workflow runs in one transaction, locking the invitation first; a refusal is an
InvitationError with a code the page turns into a kind sentence."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from events.messages import outbox

from . import tokens
from .models import Invitation, InvitationState, PeerProfilePage

MESSAGE_KIND = "invitation"


class InvitationError(Exception):
    """codes: has_account, already_invited, not_open, unknown, taken"""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def _send(invitation):
    # The link is minted when the mail is written (peers.notifications); until then none works.
    invitation.token_hash = ""
    invitation.save(update_fields=["token_hash"])
    outbox.queue(kind=MESSAGE_KIND, payload={"invitation": invitation.pk})


@transaction.atomic
def invite_peer(*, email, invited_by, language="ja", now=None) -> Invitation:
    now = now or timezone.now()
    email = get_user_model().objects.normalize_email(email).lower()
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise InvitationError("has_account")
    if Invitation.objects.open(now).filter(email__iexact=email).exists():
        raise InvitationError("already_invited")
    invitation = Invitation.objects.create(
        email=email,
        language=language,
        invited_by=invited_by,
        created_at=now,
        expires_at=now + Invitation.lifetime(),
    )
    _send(invitation)
    return invitation


def _locked(invitation_id):
    invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
    if invitation is None:
        raise InvitationError("unknown")
    return invitation


@transaction.atomic
def resend_invitation(*, invitation_id, now=None) -> Invitation:
    """A new mail with a new link, valid for the full time again; the old link stops working
    at once. An accepted or withdrawn invitation is not sent again."""
    now = now or timezone.now()
    invitation = _locked(invitation_id)
    if invitation.state(now) not in (InvitationState.PENDING, InvitationState.EXPIRED):
        raise InvitationError("not_open")
    invitation.expires_at = now + Invitation.lifetime()
    invitation.save(update_fields=["expires_at"])
    _send(invitation)
    return invitation


@transaction.atomic
def withdraw_invitation(*, invitation_id, now=None) -> Invitation:
    now = now or timezone.now()
    invitation = _locked(invitation_id)
    if invitation.state(now) == InvitationState.ACCEPTED:
        raise InvitationError("not_open")
    if not invitation.withdrawn_at:
        # The hash stays, so the link finds a withdrawn invitation and says so.
        invitation.withdrawn_at = now
        invitation.save(update_fields=["withdrawn_at"])
    return invitation


def find_invitation(token, *, now=None) -> Invitation:
    """The open invitation a link's token belongs to. Unknown, used, withdrawn and expired
    links are told apart only as far as the invitee needs: 'unknown' or 'not_open'."""
    now = now or timezone.now()
    if not tokens.looks_like_token(token):
        raise InvitationError("unknown")
    invitation = Invitation.objects.filter(token_hash=tokens.hash_token(token)).first()
    if invitation is None:
        raise InvitationError("unknown")
    if invitation.state(now) != InvitationState.PENDING:
        raise InvitationError("not_open")
    return invitation


@transaction.atomic
def accept_invitation(*, token, password, display_name="", now=None):
    """The invitee's account, with the password they chose; the link is used up. Two
    submissions at once make one account: the second finds the invitation accepted."""
    now = now or timezone.now()
    found = find_invitation(token, now=now)
    invitation = _locked(found.pk)
    if (
        invitation.state(now) != InvitationState.PENDING
        or invitation.token_hash != found.token_hash
    ):
        raise InvitationError("not_open")
    User = get_user_model()
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationError("taken")
    user = User.objects.create_user(
        email=invitation.email, password=password, display_name=display_name
    )
    invitation.accepted_at = now
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    return user


@transaction.atomic
def set_profile_paused(*, user, paused) -> int:
    """Pause (or bring back) every profile page of `user`, in every language: a paused page
    leaves the list and answers with a kind 404, while its sessions stay. Published at once,
    as a new revision, so the page caches hear of it. Returns how many pages changed."""
    changed = 0
    for profile in PeerProfilePage.objects.filter(user=user).select_for_update():
        if profile.paused != paused:
            profile.paused = paused
            # A peer is no Wagtail editor: this one change is theirs to make, so the page
            # permission check (for editors) is skipped on purpose; the log names them.
            profile.save_revision(user=user).publish(user=user, skip_permission_checks=True)
            changed += 1
    return changed
