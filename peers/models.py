"""Peer supporters: the invitations that bring them in, their public profile pages and the
sessions each hosts (a link that lives here, as events knows nothing of peers)."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, Page

from events.models import EventPage, Occurrence
from events.schedule.i18n import pages_in_current_language
from events.schedule.listing import calendar_page_url, feed_url
from events.signups.places import attach_booking_state


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


# --- Public profile pages ------------------------------------------------------------------------


class PeerIndexPage(Page):
    """`/peers/`: the peer supporters whose profiles are not paused."""

    intro = models.TextField(_("introduction"), max_length=600, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["peers.PeerProfilePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("peer supporter index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["profiles"] = (
            PeerProfilePage.objects.live()
            .child_of(self)
            .filter(paused=False)
            .select_related("picture")
            .order_by("title")
        )
        return context


class PeerProfilePage(Page):
    """A peer supporter's public page: a pseudonym (the title), their own words, what they talk
    about, and the sessions they host. Nothing on it says who they are."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="peer_profiles",
        help_text=_("The peer supporter's login: they run this page's sessions."),
    )
    own_words = models.TextField(
        _("in their own words"), max_length=800, validators=[MaxLengthValidator(800)]
    )
    topics = models.CharField(_("topics"), max_length=200, blank=True)
    languages = models.CharField(_("languages"), max_length=100, blank=True)
    picture = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("picture or avatar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional. Anything that does not show who they are."),
    )
    paused = models.BooleanField(
        _("paused"),
        default=False,
        help_text=_("Hidden from the list and its address; the sessions stay."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("user"),
        FieldPanel("own_words"),
        FieldPanel("topics"),
        FieldPanel("languages"),
        FieldPanel("picture"),
        FieldPanel("paused"),
        InlinePanel("hosted_events", heading=_("sessions they host"), label=_("session")),
    ]
    parent_page_types = ["peers.PeerIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("peer supporter profile")

    def serve(self, request, *args, **kwargs):
        if self.paused:
            # The same kind page whoever asks; the sessions themselves stay on /events/.
            return TemplateResponse(request, "peers/peer_profile_paused.html", {}, status=404)
        return super().serve(request, *args, **kwargs)

    @property
    def hosted_event_ids(self):
        return [row.event_id for row in self.hosted_events.all()]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        events = EventPage.objects.live().filter(pk__in=self.hosted_event_ids)
        sources = [event.source for event in events]
        occurrences = list(
            Occurrence.objects.filter(event__in=sources)
            .upcoming()
            .select_related("event", "space")
            .order_by("start")[:12]
        )
        attach_booking_state(occurrences)
        events = pages_in_current_language({o.event for o in occurrences})
        spaces = pages_in_current_language({o.space for o in occurrences if o.space})
        for occurrence in occurrences:
            occurrence.display_event = events.get(occurrence.event_id)
            occurrence.display_space = spaces.get(occurrence.space_id)
        context["occurrences"] = occurrences
        filters = {"event": [event.slug for event in sources]}
        context["feed_url"] = feed_url(filters) if sources else ""
        context["calendar_page_url"] = calendar_page_url(filters) if sources else ""
        return context


class HostedEvent(Orderable):
    """A session (an event) a peer supporter hosts; a session with two profiles is co-hosted."""

    profile = ParentalKey(PeerProfilePage, on_delete=models.CASCADE, related_name="hosted_events")
    event = models.ForeignKey(
        "events.EventPage", verbose_name=_("session"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("event")]

    class Meta(Orderable.Meta):
        verbose_name = _("hosted session")
        constraints = [
            models.UniqueConstraint(fields=["profile", "event"], name="hosted_event_once"),
        ]

    def __str__(self):
        return f"{self.profile} – {self.event}"


def dates_hosted_by(user):
    """The dates of every session `user` hosts or co-hosts: the one rule for which dates a
    peer's dashboard may read and change. Anyone else's date is simply not in it (404)."""
    hosted = HostedEvent.objects.filter(profile__user=user, profile__user__is_active=True)
    return Occurrence.objects.filter(event__in=hosted.values("event"))


def has_peer_host(event):
    """Does a peer supporter host this event (a page in the site's main language)?"""
    return HostedEvent.objects.filter(event=event).exists()


def is_peer(user):
    """A signed-in peer supporter: an account with a profile page (staff may look too)."""
    return user.is_authenticated and (
        user.is_staff or PeerProfilePage.objects.filter(user=user).exists()
    )
