"""Peer supporters: the invitations that bring them in (their pages and dashboard follow)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InvitationState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    ACCEPTED = "accepted", _("Accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class InvitationQuerySet(models.QuerySet):
    def open(self, now=None):
        """Invitations whose link still works."""
        now = now or timezone.now()
        return self.filter(accepted_at=None, withdrawn_at=None, expires_at__gt=now)


class Invitation(models.Model):
    """Staff asking one person, by e-mail, to become a peer supporter. The link in the mail
    carries a random token; only its hash is kept, and a new mail (a resend) makes a new one,
    so the link of an earlier mail stops working."""

    email = models.EmailField(_("e-mail address"), max_length=254)
    # The language of the mail and of the page the link opens.
    language = models.CharField(_("language"), max_length=8, default="ja")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # sha256 of the token in the newest mail's link; empty until a mail has been written.
    token_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"], condition=~Q(token_hash=""), name="invitation_token_once"
            ),
            models.CheckConstraint(
                condition=Q(accepted_at=None) | Q(withdrawn_at=None),
                name="invitation_accepted_or_withdrawn",
            ),
        ]

    def __str__(self):
        return self.email

    def state(self, now=None):
        now = now or timezone.now()
        if self.accepted_at:
            return InvitationState.ACCEPTED
        if self.withdrawn_at:
            return InvitationState.WITHDRAWN
        if self.expires_at <= now:
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    @property
    def state_label(self):
        return self.state().label

    @staticmethod
    def lifetime():
        return dt.timedelta(days=settings.IBASHO_INVITATION_DAYS)
