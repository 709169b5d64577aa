"""The filters of `/events/` and its calendar feeds."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Audience, EventKind

# What areas and organisations there are is the spaces app's knowledge: it gives the filter
# form its choices at start-up (spaces.apps), so that the schedule never reads its models.
_place_choices = {"area": list, "organisation": list}


def register_place_choices(*, area, organisation):
    """`area()`: (slug, name) pairs in the reader's language, towns under their region;
    `organisation()`: (id, name) pairs of the organisations that run spaces."""
    _place_choices.update(area=area, organisation=organisation)


def area_choices():
    return _place_choices["area"]()


def organisation_choices():
    return _place_choices["organisation"]()


VIEW_CHOICES = [("day", _("Day")), ("week", _("Week")), ("month", _("Month"))]


class EventFilterForm(forms.Form):
    """The filters of `/events/` and its feed, from the query string."""

    # The fields that narrow what is listed; `date` and `view` only choose the days shown.
    filter_fields = ("kind", "audience", "area", "organisation", "space")

    kind = forms.ChoiceField(
        label=_("kind"), choices=[("", _("All kinds")), *EventKind.choices], required=False
    )
    audience = forms.ChoiceField(
        label=_("for whom"), choices=[("", _("Everyone")), *Audience.choices], required=False
    )
    area = forms.ChoiceField(label=_("area"), required=False)
    organisation = forms.ChoiceField(label=_("run by"), required=False)
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
        self.fields["organisation"].choices = [
            ("", _("Any organisation")),
            *organisation_choices(),
        ]

    def has_filters(self):
        """Whether the query string sets a filter (even one that turns out invalid)."""
        return any(self[name].value() for name in self.filter_fields)

    # How far from today the listing goes, either way.
    REACH_DAYS = 366 * 3

    @classmethod
    def within_reach(cls, day):
        return abs((day - timezone.localdate()).days) <= cls.REACH_DAYS

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day and not self.within_reach(day):
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
        """The `date` of the previous (-1) or next (+1) page of the same view, or None past the
        dates the listing accepts (so no page links to one it would refuse)."""
        first, after = self.date_range()
        if self.cleaned_data["view"] == "month":
            day = after if direction > 0 else (first - dt.timedelta(days=1)).replace(day=1)
        else:
            day = first + (after - first) * direction
        return day if self.within_reach(day) else None
