"""Invitations: the page an invitation link opens (public), and the staff screens in the
Wagtail admin that send, resend and withdraw them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import services
from .forms import AcceptInvitationForm, InvitationForm
from .models import Invitation

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
