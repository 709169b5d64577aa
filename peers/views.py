"""Invitations: the page an invitation link opens (public), and the staff screens in the
Wagtail admin that send, resend and withdraw them; the dashboard a host runs their dates from."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from events.changes import services as changes
from events.changes.services import ScheduleError
from events.models import Author, DateMessage, Occurrence, SignUp, SignUpSource, SignUpStatus
from events.schedule.places import place_of
from events.signups import services as signups
from events.signups.forms import DateMessageForm
from events.signups.places import line_ahead, with_head_counts
from events.signups.tokens import format_code, new_form_key
from spaces.services import set_live_status

from . import services
from .forms import (
    AcceptInvitationForm,
    DateNoteForm,
    InvitationForm,
    PhonedBookingForm,
    TodayStatusForm,
)
from .models import Invitation, PeerProfilePage, dates_hosted_by, is_peer

# --- The invitee ---------------------------------------------------------------------------------


@never_cache
def accept_invitation(request, token):
    """Choose a password; then sign in. A link that is forged, used, replaced, withdrawn or
    expired gets a kind page that says what to do, never an error."""
    try:
        invitation = services.find_invitation(token)
    except services.InvitationError as error:
        return _link_not_working(request, error.code)
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(
                token=token,
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
            )
        except services.InvitationError as error:
            return _link_not_working(request, error.code)
        messages.success(
            request, _("Your account is ready. Sign in with your e-mail address and password.")
        )
        return redirect("account_login")
    context = {"form": form, "invitation": invitation}
    response = TemplateResponse(request, "peers/accept_invitation.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the link's token stays on this page
    return response


def _link_not_working(request, code):
    status = 404 if code == "unknown" else 410
    context = {"code": code}
    return TemplateResponse(request, "peers/invitation_not_working.html", context, status=status)


# --- Staff (Wagtail admin) -----------------------------------------------------------------------


def can_invite(user):
    return user.is_active and user.has_perm("peers.add_invitation")


REFUSALS = {
    "has_account": gettext_lazy("This address already has an account."),
    "already_invited": gettext_lazy(
        "This address already has an invitation waiting. Send it again instead."
    ),
    "not_open": gettext_lazy("This invitation was accepted or withdrawn: nothing was sent."),
    "unknown": gettext_lazy("This invitation is not there any more."),
}


def invitations(request):
    """Invite a peer supporter by e-mail; see every invitation and its state."""
    if not can_invite(request.user):
        raise PermissionDenied
    form = InvitationForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_peer(
                email=form.cleaned_data["email"],
                language=form.cleaned_data["language"],
                invited_by=request.user,
            )
        except services.InvitationError as error:
            form.add_error("email", REFUSALS[error.code])
        else:
            messages.success(request, _("The invitation is on its way."))
            return redirect("peers_invitations")
    context = {
        "form": form,
        "invitations": Invitation.objects.select_related("user")[:300],
        "lifetime_days": Invitation.lifetime().days,
    }
    return TemplateResponse(request, "peers/admin/invitations.html", context)


def _act(request, invitation_id, action, done):
    if not can_invite(request.user):
        raise PermissionDenied
    try:
        action(invitation_id=invitation_id)
    except services.InvitationError as error:
        messages.error(request, REFUSALS[error.code])
    else:
        messages.success(request, done)
    return redirect("peers_invitations")


@require_POST
def resend_invitation(request, invitation_id):
    return _act(
        request,
        invitation_id,
        services.resend_invitation,
        _("A new invitation is on its way; the link in the earlier one no longer works."),
    )


@require_POST
def withdraw_invitation(request, invitation_id):
    return _act(
        request,
        invitation_id,
        services.withdraw_invitation,
        _("The invitation is withdrawn: its link no longer works."),
    )


# --- The host's dashboard ------------------------------------------------------------------------


def peer_only(view):
    """Signed-in peer supporters (and staff, to look); anyone else goes to the sign-in page, a
    signed-in visitor without a profile is refused."""

    @login_required
    @never_cache
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_peer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def hosted_date(request, occurrence_id):
    """One of the signed-in host's dates, or 404: another host's date looks like none."""
    return get_object_or_404(
        dates_hosted_by(request.user).select_related("event", "space"), pk=occurrence_id
    )


@peer_only
def dashboard(request):
    """My coming dates with their head counts (one query for them all), and today's status."""
    dates = list(
        with_head_counts(dates_hosted_by(request.user).upcoming())
        .select_related("event", "space")
        .order_by("start")[:60]
    )
    today = timezone.localdate()
    context = {
        "dates": dates,
        "today": [d for d in dates if d.local_date == today and place_of(d) is not None],
        "status_form": TodayStatusForm(),
        "profiles": PeerProfilePage.objects.filter(
            user=request.user, locale__language_code=settings.LANGUAGE_CODE
        ),
    }
    return TemplateResponse(request, "peers/dashboard.html", context)


@peer_only
def dashboard_date(request, occurrence_id):
    """One date: its counts, the nicknames and party sizes of who is coming (what a host may
    see, SignUpQuerySet.seen_by_host), and the forms to add a note or cancel it."""
    occurrence = hosted_date(request, occurrence_id)
    counted = with_head_counts(Occurrence.objects.filter(pk=occurrence.pk)).get()
    context = {
        "occurrence": occurrence,
        "counts": counted,
        "signups": list(SignUp.objects.filter(occurrence=occurrence).seen_by_host()),
        "note_form": DateNoteForm(initial={"message": occurrence.message}),
        "cancel_form": DateNoteForm(),
    }
    return TemplateResponse(request, "peers/dashboard_date.html", context)


def _change(request, occurrence_id, change, done):
    occurrence = hosted_date(request, occurrence_id)
    form = DateNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That message is too long: 200 characters at most."))
    else:
        try:
            change(occurrence=occurrence, message=form.cleaned_data["message"])
        except ScheduleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
    return redirect("peers_dashboard_date", occurrence_id=occurrence.pk)


@require_POST
@peer_only
def cancel_date(request, occurrence_id):
    """Cancel one date through the service staff use: everyone booked is told, feeds follow."""
    return _change(
        request,
        occurrence_id,
        changes.cancel_occurrence,
        _("The date is cancelled. Everyone who signed up is being told."),
    )


@require_POST
@peer_only
def annotate_date(request, occurrence_id):
    return _change(
        request, occurrence_id, changes.set_message, _("The note is on the date's page now.")
    )


@require_POST
@peer_only
def set_today_status(request, occurrence_id):
    """Today's live status of the place of one of my dates today, through the service staff
    use; it ends by itself at midnight."""
    occurrence = hosted_date(request, occurrence_id)
    space = place_of(occurrence)
    form = TodayStatusForm(request.POST)
    if occurrence.local_date != timezone.localdate() or space is None:
        messages.error(request, _("Today's status can only be set on a date of today."))
    elif not form.is_valid():
        messages.error(request, _("Please choose one of the statuses."))
    else:
        set_live_status(
            space=space,
            kind=form.cleaned_data["kind"],
            message=form.cleaned_data["message"],
            user=request.user,
        )
        messages.success(request, _("Today's status is shown on the space's page."))
    return redirect("peers_dashboard")


@require_POST
@peer_only
def pause_profile(request):
    """Pause my public page, or bring it back; my sessions stay either way."""
    paused = request.POST.get("paused") == "1"
    services.set_profile_paused(user=request.user, paused=paused)
    if paused:
        messages.success(request, _("Your page is resting now. Your sessions stay as they are."))
    else:
        messages.success(request, _("Your page is back on the list."))
    return redirect("peers_dashboard")


# --- Messages on a date, and bookings for someone who phoned -----------------------------------


def _too_many_messages(request):
    """Too many messages from this host lately: each one goes to everyone coming."""
    return is_ratelimited(
        request,
        group="ibasho-host-message",
        key=lambda group, request: f"host-{request.user.pk}",
        rate=settings.IBASHO_HOST_MESSAGE_RATE,
        increment=True,
    )


@peer_only
def date_messages(request, occurrence_id):
    """One date's messages: what I (or a co-host) wrote to everyone coming, and their replies,
    with their nicknames only (DateMessageQuerySet.seen_by_host); and the form to write."""
    occurrence = hosted_date(request, occurrence_id)
    form = DateMessageForm(
        request.POST if request.method == "POST" else None,
        initial={"form_key": new_form_key()},
        label=_("Message for everyone coming"),
    )
    status = 200
    if request.method == "POST":
        if _too_many_messages(request):
            form.add_error(None, TOO_MANY_MESSAGES)
            status = 429
        elif form.is_valid():
            signups.write_to_everyone(
                occurrence=occurrence,
                body=form.cleaned_data["body"],
                form_key=form.cleaned_data["form_key"],
                written_by=request.user,
            )
            messages.success(
                request,
                _(
                    "Your message is on the private page of everyone coming; those who gave an "
                    "e-mail address get it by e-mail too."
                ),
            )
            return redirect("peers_date_messages", occurrence_id=occurrence.pk)
        else:
            status = 400
    context = {
        "occurrence": occurrence,
        "form": form,
        "thread": list(DateMessage.objects.filter(occurrence=occurrence).seen_by_host()),
    }
    return TemplateResponse(request, "peers/dashboard_date_messages.html", context, status=status)


TOO_MANY_MESSAGES = gettext_lazy(
    "You have sent several messages in a short time, and each one goes to everyone coming, so "
    "we have paused writing for a while. Please try again later. What you wrote is still here."
)


@peer_only
def inbox(request):
    """The replies to my messages on all my dates, newest first: nicknames only, never an
    address. Two queries, whatever the number of replies."""
    replies = list(
        DateMessage.objects.filter(
            occurrence__in=dates_hosted_by(request.user), author=Author.BOOKER
        )
        .seen_by_host()
        .order_by("-created_at", "-pk")[:100]
    )
    dates = Occurrence.objects.select_related("event").in_bulk(
        {reply["occurrence_id"] for reply in replies}
    )
    for reply in replies:
        reply["occurrence"] = dates[reply["occurrence_id"]]
    return TemplateResponse(request, "peers/dashboard_inbox.html", {"replies": replies})


@peer_only
def add_phoned_booking(request, occurrence_id):
    """A booking for someone who phoned: a nickname and the number of people, through the same
    service as online, so the places and the waiting line hold. The booking code is shown this
    once, to read out on the phone."""
    occurrence = hosted_date(request, occurrence_id)
    form = PhonedBookingForm(request.POST or None, initial={"form_key": new_form_key()})
    if request.method == "POST" and form.is_valid():
        try:
            signup, _token, created = signups.book_place(
                occurrence=occurrence,
                form_key=form.cleaned_data["form_key"],
                nickname=form.cleaned_data["nickname"],
                party_size=form.cleaned_data["party_size"],
                source=SignUpSource.HOST,
                language=get_language(),
            )
        except signups.SignUpError as error:
            form.add_error(None, str(error))
        else:
            if not created:
                messages.info(request, _("This form had already been sent; nothing was added."))
                return redirect("peers_dashboard_date", occurrence_id=occurrence.pk)
            context = {
                "occurrence": occurrence,
                "signup": signup,
                "code": format_code(signup.booking_code),
                "ahead": line_ahead(occurrence=occurrence).exclude(pk=signup.pk).count()
                if signup.status == SignUpStatus.WAITING
                else 0,
            }
            response = TemplateResponse(request, "peers/dashboard_booking_added.html", context)
            response["Referrer-Policy"] = "no-referrer"
            return response
    context = {"occurrence": occurrence, "form": form}
    status = 400 if form.errors else 200
    return TemplateResponse(request, "peers/dashboard_add_booking.html", context, status=status)
