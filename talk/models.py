"""Conversations people start without a name, the messages in them, staff's internal notes,
the monthly counts that outlive them, and the settings staff edit (answer time, danger words,
kind replies). Every text a writer or staff types is encrypted at rest (talk.crypto)."""

import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Orderable

from .crypto import EncryptedTextField
from .tokens import hash_token, is_token

MAX_MESSAGE_LENGTH = 4000


class Writer(models.TextChoices):
    UNSAID = "unsaid", _("I'd rather not say")
    PERSON = "person", _("Myself: it is about me")
    FAMILY = "family", _("A family member")
    OTHER = "other", _("Someone else (a friend, a neighbour, a teacher…)")


class Wish(models.TextChoices):
    UNSAID = "unsaid", _("I'm not sure yet")
    TALK = "talk", _("To talk with someone")
    PLACE = "place", _("To ask about a place or a gathering")
    HEARD = "heard", _("Just to be heard")


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Author(models.TextChoices):
    WRITER = "writer", _("The writer")
    STAFF = "staff", _("The centre")


class ConversationQuerySet(models.QuerySet):
    def with_token(self, token):
        """The conversation behind a private link, or none. Only hashes of links are stored."""
        if not is_token(token):
            return self.none()
        return self.filter(token_hash=hash_token(token))

    def open(self):
        return self.filter(status=Status.OPEN)

    def unassigned(self):
        return self.open().filter(assigned_to__isnull=True)

    def assigned_to_user(self, user):
        return self.open().filter(assigned_to=user)

    def waiting_for_reply(self):
        """Open, and the last word is the writer's."""
        return self.open().filter(last_from=Author.WRITER)

    def closed(self):
        return self.filter(status=Status.CLOSED)


class Conversation(models.Model):
    """One person's thread with the centre, found again only by its link or passphrase."""

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    passphrase_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The form's one-time key, hashed: a double submit finds this conversation.
    submission_key = models.CharField(max_length=64, unique=True, editable=False)
    writer = models.CharField(
        _("who is writing"), max_length=10, choices=Writer.choices, default=Writer.UNSAID
    )
    wish = models.CharField(
        _("what they would like"), max_length=10, choices=Wish.choices, default=Wish.UNSAID
    )
    # An area's slug, as the filters use it: kept as text, so no area needs to stay for it.
    area = models.CharField(_("area"), max_length=80, blank=True)
    email = EncryptedTextField(_("e-mail"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    language = models.CharField(max_length=10, default="ja")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    urgent = models.BooleanField(_("needs urgent attention"), default=False)
    # Set when a message held a word from the danger list (the writer saw the crisis lines).
    danger_words_seen = models.BooleanField(_("danger words"), default=False)
    last_from = models.CharField(max_length=10, choices=Author.choices, default=Author.WRITER)
    last_message_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-urgent", "-last_message_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="talk_closed_has_a_date",
            ),
        ]

    def __str__(self):
        return f"#{self.pk}"

    @property
    def is_closed(self):
        return self.status == Status.CLOSED


class Message(models.Model):
    """One message of a thread, the writer's or the centre's. Its text is encrypted."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.CharField(max_length=10, choices=Author.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.author} #{self.pk}"

    @property
    def from_writer(self):
        return self.author == Author.WRITER


class Note(models.Model):
    """Staff's internal note on a conversation: the writer never sees it."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notes")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"note #{self.pk}"


class MonthlyCount(models.Model):
    """How many conversations began in a month, by who wrote and what they wanted: all that
    stays for reporting once conversations are erased."""

    month = models.DateField()  # the first day of the month, site time
    writer = models.CharField(max_length=10, choices=Writer.choices)
    wish = models.CharField(max_length=10, choices=Wish.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("monthly count")
        constraints = [
            models.UniqueConstraint(fields=["month", "writer", "wish"], name="talk_count_once")
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.writer} {self.wish}: {self.count}"


DEFAULT_DANGER_WORDS = "\n".join(
    [
        "死にたい",
        "しにたい",
        "消えたい",
        "きえたい",
        "死のう",
        "自殺",
        "生きていたくない",
        "いなくなりたい",
        "楽になりたい",
        "リスカ",
        "kill myself",
        "want to die",
        "suicide",
    ]
)


def fold(text):
    """Text as the danger words are compared: NFKC, case-folded, without spaces."""
    return "".join(unicodedata.normalize("NFKC", text or "").casefold().split())


@register_setting(icon="mail")
class TalkSettings(ClusterableModel, BaseSiteSetting):
    """How "write to us" reads: when the centre answers, who is told, the words that mean
    danger, and the kind replies staff start from."""

    answer_time = models.CharField(
        _("when the centre answers"),
        max_length=100,
        default="3営業日以内",
        help_text=_("Shown before sending, e.g. “within 3 working days”."),
    )
    answer_time_en = models.CharField(
        _("when the centre answers (English)"),
        max_length=100,
        default="within 3 working days",
        blank=True,
    )
    danger_words = models.TextField(
        _("words that often mean danger"),
        default=DEFAULT_DANGER_WORDS,
        blank=True,
        help_text=_(
            "One a line. A message containing one shows the writer the crisis lines at once "
            "and flags the conversation for staff; nothing is answered automatically."
        ),
    )

    panels = [
        FieldRowPanel([FieldPanel("answer_time"), FieldPanel("answer_time_en")]),
        FieldPanel("danger_words"),
        InlinePanel("replies", heading=_("kind replies to start from"), label=_("reply")),
    ]

    class Meta:
        verbose_name = _("writing to us")

    @property
    def display_answer_time(self):
        if self.answer_time_en and (get_language() or "").startswith("en"):
            return self.answer_time_en
        return self.answer_time

    def danger_in(self, text):
        folded = fold(text)
        return any(word and word in folded for word in map(fold, self.danger_words.splitlines()))


class CannedReply(Orderable):
    """A kind reply staff pick and edit before sending (never sent as it is by itself)."""

    settings = ParentalKey(TalkSettings, on_delete=models.CASCADE, related_name="replies")
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"), max_length=MAX_MESSAGE_LENGTH)

    panels = [FieldPanel("title"), FieldPanel("body")]

    def __str__(self):
        return self.title
