"""Page contexts for `/spaces/` and a space's own page."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.i18n import pages_in_current_language, source_pages
from events.models import Occurrence
from events.schema_org import place_data, to_json_ld
from events.views import feed_url

from .forms import SpaceFilterForm
from .models import LiveStatusKind, SpacePage
from .openings import openings_for
from .services import clear_live_status, set_live_status


def attach_openings(spaces, *, now=None):
    """Give each page (in any language) `.opening`, read from its main-language page."""
    sources = source_pages(spaces)
    openings = openings_for(list({s.pk: s for s in sources.values()}.values()), now=now)
    for space in spaces:
        space.opening = openings[sources[space.pk].pk]
    return spaces


def listing_context(request, *, index_page):
    form = SpaceFilterForm(request.GET)
    spaces = (
        SpacePage.objects.live()
        .public()
        .child_of(index_page)
        .select_related("area", "area__parent", "organisation")
        .prefetch_related("features")
        .order_by("path")
    )
    if not form.is_valid():
        return {"filter_form": form, "filter_error": True, "spaces": []}
    data = form.cleaned_data
    if data["area"]:
        spaces = spaces.filter(Q(area__slug=data["area"]) | Q(area__parent__slug=data["area"]))
    if data["audience"]:
        spaces = spaces.filter(audience__in=[data["audience"], "both"])
    for code in data["feature"]:
        spaces = spaces.filter(features__code=code)
    if data["online"]:
        spaces = spaces.filter(is_online=True)
    spaces = attach_openings(list(spaces))
    if data["open"] == "now":
        spaces = [s for s in spaces if s.opening.is_open_now]
    elif data["open"] == "today":
        spaces = [s for s in spaces if s.opening.is_open_today]
    return {"filter_form": form, "spaces": spaces}


def space_context(request, *, space, days=14):
    """A space page: is it open, its live status, and its dates for the next two weeks."""
    attach_openings([space])
    now = timezone.now()
    occurrences = list(
        Occurrence.objects.live()
        .at_space(space.source)
        .upcoming(now)
        .filter(start__lt=now + dt.timedelta(days=days))
        .select_related("event")
        .order_by("start")
    )
    events = pages_in_current_language({o.event for o in occurrences})
    for occurrence in occurrences:
        occurrence.display_event = events[occurrence.event_id]
    return {
        "occurrences": occurrences,
        "json_ld": to_json_ld(place_data(space, request)),
        "feed_url": feed_url({"space": space.slug}),
    }


class LiveStatusForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "—"), *LiveStatusKind.choices], required=False)
    message = forms.CharField(
        label=_("short message (optional)"), max_length=200, required=False, strip=True
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
