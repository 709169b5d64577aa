"""The admin's "today's status" screen for a space."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .directory import LiveStatusKind
from .pages import SpacePage, attach_openings
from .services import clear_live_status, set_live_status


class LiveStatusForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "—"), *LiveStatusKind.choices], required=False)
    message = forms.CharField(
        label=_("short message (optional)"), max_length=200, required=False, strip=True
    )
    message_en = forms.CharField(
        label=_("the same message in English (optional)"),
        max_length=200,
        required=False,
        strip=True,
    )


def live_status(request, page_id):
    """Admin: one button per status; the status lasts until the end of today."""
    space = get_object_or_404(SpacePage, pk=page_id).specific
    if not space.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    if request.method == "POST":
        form = LiveStatusForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["kind"]:
                set_live_status(
                    space=space,
                    kind=form.cleaned_data["kind"],
                    message=form.cleaned_data["message"],
                    message_en=form.cleaned_data["message_en"],
                    user=request.user,
                )
                messages.success(request, _("The status is shown until the end of today."))
            else:
                clear_live_status(space=space)
                messages.success(request, _("The status was cleared."))
            return redirect("spaces_live_status", page_id=space.pk)
    else:
        form = LiveStatusForm()
    attach_openings([space])
    return TemplateResponse(
        request,
        "spaces/admin/live_status.html",
        {"space": space, "form": form, "kinds": LiveStatusKind.choices},
    )
