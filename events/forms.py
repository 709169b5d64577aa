import datetime as dt

from django import forms
from django.apps import apps
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Audience, EventKind


def area_choices():
    """Areas in the reader's language, towns indented under their health-service area."""
    Area = apps.get_model("spaces", "Area")  # events names spaces only by string
    areas = Area.objects.filter(locale__language_code=get_language()).select_related("parent")
    regions = [a for a in areas if a.parent_id is None]
    choices = []
    for region in regions:
        choices.append((region.slug, region.name))
        choices.extend((a.slug, f"　{a.name}") for a in areas if a.parent_id == region.pk)
    return choices


VIEW_CHOICES = [("day", _("Day")), ("week", _("Week")), ("month", _("Month"))]


class EventFilterForm(forms.Form):
    """The filters of `/events/` (and later its feed), from the query string."""

    # The fields that narrow what is listed; `date` and `view` only choose the days shown.
    filter_fields = ("kind", "audience", "area", "space")

    kind = forms.ChoiceField(
        label=_("kind"), choices=[("", _("All kinds")), *EventKind.choices], required=False
    )
    audience = forms.ChoiceField(
        label=_("for whom"), choices=[("", _("Everyone")), *Audience.choices], required=False
    )
    area = forms.ChoiceField(label=_("area"), required=False)
    space = forms.SlugField(
        label=_("space"), required=False, max_length=255, widget=forms.HiddenInput
    )
    date = forms.DateField(
        label=_("from"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    view = forms.ChoiceField(label=_("show"), choices=VIEW_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("Everywhere")), *area_choices()]

    def has_filters(self):
        """Whether the query string sets a filter (even one that turns out invalid)."""
        return any(self[name].value() for name in self.filter_fields)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day and abs((day - timezone.localdate()).days) > 366 * 3:
            raise forms.ValidationError(_("Please choose a date within three years of today."))
        return day

    def clean(self):
        data = super().clean()
        data["view"] = data.get("view") or "week"
        data["date"] = data.get("date") or timezone.localdate()
        return data

    def date_range(self):
        """The first day shown, and the day after the last."""
        day, view = self.cleaned_data["date"], self.cleaned_data["view"]
        if view == "day":
            return day, day + dt.timedelta(days=1)
        if view == "month":
            first = day.replace(day=1)
            following = (first + dt.timedelta(days=32)).replace(day=1)
            return first, following
        return day, day + dt.timedelta(days=7)

    def step(self, direction):
        """The `date` of the previous (-1) or next (+1) page of the same view."""
        first, after = self.date_range()
        if self.cleaned_data["view"] == "month":
            if direction > 0:
                return after
            return (first - dt.timedelta(days=1)).replace(day=1)
        return first + (after - first) * direction
