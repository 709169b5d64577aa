"""The outbox: e-mail someone must receive, as rows written with the change that causes them.
What a kind of message says is registered by the part of Ibasho that sends it (see
events.messages.outbox.register); this package knows nothing of sign-ups."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import kinds


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("No longer needed")
    CANCELLED = "cancelled", _("Withdrawn")


class OutboxMessageQuerySet(models.QuerySet):
    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(status=MessageStatus.PENDING, next_attempt_at__lte=now)


class OutboxMessage(models.Model):
    """An e-mail someone must receive, written in the same transaction as the change that causes
    it and sent later by a worker (see events/outbox.py). It holds ids and flags, never text:
    the mail is rendered at send time from current data, in the sign-up's language."""

    # A kind registered by its sender (events.messages.kinds), e.g. "confirmation".
    kind = models.CharField(_("kind"), max_length=20)
    signup = models.ForeignKey(
        "events.SignUp",
        verbose_name=_("sign-up"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    # Ids and flags only (dates, METHOD, cancelled/restored, language): nothing personal.
    payload = models.JSONField(default=dict, blank=True)
    # Only for a message that belongs to no sign-up ("send me my links"); emptied once sent or
    # skipped, kept on a failed one so staff can send it again (until retention clears it).
    to_address = models.EmailField(max_length=254, blank=True)
    # Planned messages (a reminder per sign-up and date) are written at most once.
    dedupe_key = models.CharField(max_length=100, blank=True)
    due_at = models.DateTimeField(_("due"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mail")
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=~Q(dedupe_key=""), name="outbox_dedupe_once"
            ),
            models.CheckConstraint(
                condition=Q(next_attempt_at__gte=models.F("due_at")),
                name="outbox_not_tried_before_due",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def kind_label(self):
        return kinds.label(self.kind)
