"""Sign-ups: a "maybe", a booking for one date or an enrolment in a whole series, the private
links to them and the dates a family will miss. What holds a place is decided here
(`SignUp.holds_place`, `events.signups.places`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tokens import hash_code, hash_token, normalize_code


class JoinMode(models.TextChoices):
    JUST_COME = "just_come", _("Just come: no booking")
    MAYBE = "maybe", _("“I might come”: an anonymous head count")
    BOOKING = "booking", _("Booking required")
    ENROLMENT = "enrolment", _("Enrolment in the whole series")


MAX_PARTY_SIZE = 10


class SignUpKind(models.TextChoices):
    MAYBE = "maybe", _("I might come")
    BOOKING = "booking", _("Booking")
    ENROLMENT = "enrolment", _("Enrolment")


class SignUpStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    OFFERED = "offered", _("Offered a place")
    PENDING = "pending", _("Waiting for the intake talk")
    DECLINED = "declined", _("Not taken on")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses that hold places: an offered place is kept for the person it was offered to.
HOLDING_PLACES = [SignUpStatus.CONFIRMED, SignUpStatus.OFFERED]
# Sign-ups that no longer count anywhere (SignUpQuerySet.active leaves them out).
INACTIVE = [SignUpStatus.CANCELLED, SignUpStatus.DECLINED]


class SignUpSource(models.TextChoices):
    WEB = "web", _("On the website")
    STAFF = "staff", _("Entered by staff")
    HOST = "host", _("Entered by the host")


# What a date's host sees of each sign-up (SignUpQuerySet.seen_by_host); nothing else leaves.
HOST_FIELDS = ("pk", "kind", "status", "nickname", "party_size", "erased_at")


class SignUpQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=SignUpStatus.WAITING).order_by("queued_at", "pk")

    def active(self):
        return self.exclude(status__in=INACTIVE)

    def seen_by_host(self):
        """What the host of a date may see of its sign-ups, on any page, print view or export:
        the nickname and the party size (and whether they wait), never an e-mail address, a
        phone number or a note for staff. The one place that decides it (HOST_FIELDS)."""
        return self.active().order_by("queued_at", "pk").values(*HOST_FIELDS)

    def with_token(self, token):
        """The sign-up behind a manage link, or none. Only hashes of links are stored."""
        if not isinstance(token, str) or not 20 <= len(token) <= 100:
            return self.none()
        return self.filter(manage_tokens__token_hash=hash_token(token), erased_at__isnull=True)

    def on_date(self, occurrence):
        """The sign-ups a date concerns: those for the date itself, and the enrolments in its
        series."""
        return self.filter(
            Q(occurrence=occurrence)
            | Q(occurrence__isnull=True, event=occurrence.event_id, kind=SignUpKind.ENROLMENT)
        )

    def with_code(self, typed):
        """The sign-up behind a booking code as typed, or none (a wrong, erased or replaced
        code alike). Only keyed hashes of codes are stored."""
        code = normalize_code(typed)
        if not code:
            return self.none()
        return self.filter(code_hash=hash_code(code), erased_at__isnull=True)


class SignUp(models.Model):
    """A person's (or family's) intention to come: an anonymous "maybe", a booking for one date,
    or an enrolment in a whole series. Personal fields are optional and erased after the
    retention period; the row (and so the count) stays."""

    event = models.ForeignKey("events.EventPage", on_delete=models.CASCADE, related_name="signups")
    occurrence = models.ForeignKey(
        "events.Occurrence",
        verbose_name=_("date"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signups",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SignUpKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=SignUpStatus.choices)
    party_size = models.PositiveSmallIntegerField(_("number of people"), default=1)
    nickname = models.CharField(_("nickname"), max_length=40, blank=True)
    relationship = models.CharField(_("relationship"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The same number as digits to dial (`tel:` links) and to compare, a leading + only for a
    # number outside Japan (events.signups.phones); `phone` stays as the person wrote it.
    phone_digits = models.CharField(_("phone (digits)"), max_length=16, blank=True, editable=False)
    note = models.TextField(_("note to staff"), max_length=500, blank=True)
    wants_reminder = models.BooleanField(_("reminder wanted"), default=False)
    language = models.CharField(_("language"), max_length=8, default="ja")
    source = models.CharField(
        _("entered"), max_length=10, choices=SignUpSource.choices, default=SignUpSource.WEB
    )
    # The hash of the form's one-time key: a double click or a resubmitted form finds this row.
    submission_key = models.CharField(max_length=64, blank=True, editable=False)
    # A hash of the browser's CSRF secret and the date: the same browser booking the same date
    # again is asked whether it is for someone else. Meaningless without the cookie; erased.
    browser_key = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    # The keyed hash of the booking code (events.signups.tokens), typed in at /my/; a new one
    # from staff replaces it.
    code_hash = models.CharField(max_length=64, blank=True, editable=False)
    queued_at = models.DateTimeField(_("in line since"), default=timezone.now)
    # An offer that was not taken up in time: still on the list, but the next offer goes to
    # someone else first.
    offer_lapsed = models.BooleanField(_("let an offer pass"), default=False)
    offer_expires_at = models.DateTimeField(_("offer open until"), null=True, blank=True)
    attended = models.PositiveSmallIntegerField(_("people who came"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    objects = SignUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=~Q(submission_key=""),
                name="signup_one_row_per_submission",
            ),
            models.UniqueConstraint(
                fields=["code_hash"], condition=~Q(code_hash=""), name="signup_one_code_each"
            ),
            models.CheckConstraint(
                condition=Q(party_size__gte=1, party_size__lte=MAX_PARTY_SIZE),
                name="signup_party_size_in_range",
            ),
            models.CheckConstraint(
                condition=Q(kind=SignUpKind.ENROLMENT) | Q(occurrence__isnull=False),
                name="signup_date_unless_enrolment",
            ),
            models.CheckConstraint(
                condition=Q(status=SignUpStatus.OFFERED) | Q(offer_expires_at__isnull=True),
                name="signup_offer_expiry_only_when_offered",
            ),
        ]
        indexes = [
            models.Index(fields=["occurrence", "status"], name="signup_occurrence_status"),
            models.Index(fields=["event", "kind", "status"], name="signup_event_kind_status"),
        ]

    def __str__(self):
        return f"{self.display_name} ×{self.party_size}"

    @property
    def display_name(self):
        if self.erased_at:
            return _("(erased)")
        return self.nickname or _("Anonymous")

    @property
    def is_active(self):
        return self.status not in (SignUpStatus.CANCELLED, SignUpStatus.DECLINED)

    @property
    def has_place(self):
        """The place is really theirs: a confirmed booking or enrolment. Not a "maybe" (a head
        count, confirmed at once), a place waited for or offered, nor a cancelled one. Only
        then are the exact address and a confirmed calendar entry given."""
        return self.status == SignUpStatus.CONFIRMED and self.kind in (
            SignUpKind.BOOKING,
            SignUpKind.ENROLMENT,
        )

    @property
    def may_join_online(self):
        """Has this person joined the date in a way that gives the link to an online space?
        A confirmed place, or an "I might come" not taken back: for a date that needs no
        booking, the way in is one anonymous step away (events.schedule.places)."""
        return self.has_place or (self.kind == SignUpKind.MAYBE and self.is_active)


class ManageToken(models.Model):
    """A private link to one sign-up. Each e-mail may carry a new one; all stay valid until the
    sign-up's personal data is erased. Only the SHA-256 of the token is stored."""

    signup = models.ForeignKey(SignUp, on_delete=models.CASCADE, related_name="manage_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    # The booking code sealed under this link's token (tokens.seal_code), when the code was known
    # as the link was made: so the page behind the link can show it again.
    code_box = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("manage link")

    def __str__(self):
        return f"{self.signup_id}:{self.token_hash[:8]}"


class Absence(models.Model):
    """A family enrolled in a series says they will miss one date; the enrolment stays."""

    signup = models.ForeignKey(SignUp, on_delete=models.CASCADE, related_name="absences")
    occurrence = models.ForeignKey(
        "events.Occurrence", on_delete=models.CASCADE, related_name="absences"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("absence")
        constraints = [
            models.UniqueConstraint(fields=["signup", "occurrence"], name="absence_once_per_date")
        ]

    def __str__(self):
        return f"{self.signup} – {self.occurrence}"


MAX_DATE_MESSAGE_LENGTH = 1000


class Author(models.TextChoices):
    HOST = "host", _("The host")
    BOOKER = "booker", _("Someone coming")


# What a host sees of each message of their dates (DateMessageQuerySet.seen_by_host): the
# writer's nickname at most, never an address.
HOST_MESSAGE_FIELDS = (
    "pk",
    "occurrence_id",
    "author",
    "body",
    "created_at",
    "signup__kind",
    "signup__nickname",
    "signup__erased_at",
)


class DateMessageQuerySet(models.QuerySet):
    def seen_by_host(self):
        """What the host of a date may see of its messages, on any page: the text, when, and
        the nickname of a booker who replied. The one place that decides it."""
        return self.order_by("created_at", "pk").values(*HOST_MESSAGE_FIELDS)

    def seen_by(self, signup):
        """The thread a booker sees on their manage page: what the host wrote on the dates
        their sign-up concerns, and their own replies; never another booker's."""
        if signup.occurrence_id:
            dates = Q(occurrence=signup.occurrence_id)
        else:
            dates = Q(occurrence__event=signup.event_id)
        mine = Q(signup=signup)
        return self.filter((dates & Q(author=Author.HOST)) | mine).order_by("created_at", "pk")


class DateMessage(models.Model):
    """A message on one date between its host and the people coming: the host writing to
    everyone signed up ("we meet in room 2 today"), or one booker's reply, which only the
    host (and staff) read. Personal data: erased with the sign-ups (retention)."""

    occurrence = models.ForeignKey(
        "events.Occurrence",
        verbose_name=_("date"),
        on_delete=models.CASCADE,
        related_name="date_messages",
    )
    author = models.CharField(_("from"), max_length=10, choices=Author.choices)
    # The booker who replied; empty for the host's message to everyone.
    signup = models.ForeignKey(
        SignUp,
        verbose_name=_("sign-up"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="date_messages",
    )
    # The host's account, for staff reading the thread.
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("message"), max_length=MAX_DATE_MESSAGE_LENGTH)
    # The hash of the form's one-time key: a double click sends one message.
    submission_key = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    objects = DateMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message on a date")
        verbose_name_plural = _("messages on dates")
        ordering = ["occurrence", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["submission_key"], name="date_message_once"),
            models.CheckConstraint(
                condition=Q(author="host", signup__isnull=True)
                | Q(author="booker", signup__isnull=False),
                name="date_message_reply_has_a_signup",
            ),
        ]

    def __str__(self):
        return f"{self.get_author_display()} #{self.pk}"

    @property
    def from_host(self):
        return self.author == Author.HOST

    @property
    def writer_name(self):
        """Who wrote it, as a host may see it: a booker's nickname at most."""
        if self.from_host:
            return _("The host")
        return self.signup.display_name


class MessageKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("Sign-up confirmation")
    OFFER = "offer", _("Place offered")
    DATES_CHANGED = "dates_changed", _("Dates cancelled or moved")
    REMINDER = "reminder", _("Reminder")
    LOST_LINKS = "lost_links", _("Lost links")
    CANCELLED_BY_YOU = "signup_cancelled", _("Cancelled by the person")
    FROM_HOST = "from_host", _("A message from the host")
