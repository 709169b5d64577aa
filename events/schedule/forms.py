"""The filters of `/events/` and its calendar feeds."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Audience, EventKind, Occurrence

# What areas and organisations there are is the spaces app's knowledge: it gives the filter
# form its choices at start-up (spaces.apps), so that the schedule never reads its models.
_place_choices = {"area": list, "organisation": list, "space": list}


def register_place_choices(*, area, organisation, space):
    """`area()`: (slug, name) pairs in the reader's language, towns under their region;
    `organisation()`: (id, name) pairs of the organisations that run spaces; `space()`: (slug,
    name) pairs of the live spaces."""
    _place_choices.update(area=area, organisation=organisation, space=space)


def area_choices():
    return _place_choices["area"]()


def organisation_choices():
    return _place_choices["organisation"]()


def space_choices():
    return _place_choices["space"]()


def read_once(choices):
    """Lazy choices that are read the first time they are asked for, and kept."""
    held = []

    def read():
        if not held:
            held.append(list(choices()))
        return held[0]

    return read


def event_choices():
    """Live event pages by slug (which their translations share), named in the reader's
    language where they have been translated into it: for one event's own feed."""
    event_pages = Occurrence._meta.get_field("event").related_model
    named = {}
    rows = event_pages.objects.live().values_list("slug", "title", "locale__language_code")
    for slug, title, language in rows:
        if language == get_language() or slug not in named:
            named[slug] = title
    return list(named.items())


class ReadsEveryValue:
    """A widget whose name may be given several times in a link (`?area=a&area=b`): all of
    them are read, not the last one only, from a query string or a plain dict alike."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        return list(value) if isinstance(value, list | tuple) else [value] if value else []


class OneOrSeveral(ReadsEveryValue, forms.Select):
    """The drop-down of a filter (the form offers one; a link may give several)."""


class SeveralHidden(ReadsEveryValue, forms.MultipleHiddenInput):
    """A filter kept in the form without being shown (the space of a space's own listing)."""


class AnyOfField(forms.MultipleChoiceField):
    """A filter that takes one value or several, meaning "any of them"; the empty choice of the
    drop-down ("All kinds") means no filter."""

    widget = OneOrSeveral

    def clean(self, value):
        return super().clean([v for v in value or [] if v])

    def valid_value(self, value):
        return value != "" and super().valid_value(value)


VIEW_CHOICES = [("day", _("Day")), ("week", _("Week")), ("month", _("Month"))]


class EventFilterForm(forms.Form):
    """The filters of `/events/` and its feed, from the query string. A value the listing
    does not offer (a space that is not there, a kind misspelt) makes the form invalid: the
    page answers 400 with a kind message, the feed a plain 400. A filter given several times
    means any of them (`?area=minato&area=kita`); `date` and `view` take one value."""

    # The fields that narrow what is listed; `date` and `view` only choose the days shown.
    filter_fields = ("kind", "audience", "area", "organisation", "space", "event")
    single_fields = ("date", "view")

    kind = AnyOfField(
        label=_("kind"), choices=[("", _("All kinds")), *EventKind.choices], required=False
    )
    audience = AnyOfField(
        label=_("for whom"), choices=[("", _("Everyone")), *Audience.choices], required=False
    )
    area = AnyOfField(label=_("area"), required=False)
    organisation = AnyOfField(label=_("run by"), required=False)
    space = AnyOfField(label=_("space"), required=False, widget=SeveralHidden)
    event = AnyOfField(label=_("event"), required=False, widget=SeveralHidden)
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
        # Read when they are shown or a value is checked, not for a feed without the filter,
        # and then once for the form (Django asks a callable again each time).
        self.fields["area"].choices = read_once(lambda: [("", _("Everywhere")), *area_choices()])
        self.fields["organisation"].choices = read_once(
            lambda: [("", _("Any organisation")), *organisation_choices()]
        )
        self.fields["space"].choices = read_once(space_choices)
        self.fields["event"].choices = read_once(event_choices)

    def chosen_labels(self):
        """What a valid form's filters choose, by name in the reader's language ("ひだまり",
        "家族会"), in the order of `filter_fields`: for a feed's name, and a page's heading."""
        labels = []
        for name in self.filter_fields:
            chosen = set(self.cleaned_data.get(name) or [])
            if chosen:
                choices = dict(self.fields[name].choices)
                labels += [str(choices[value]).strip() for value in self.cleaned_data[name]]
        return labels

    def has_filters(self):
        """Whether the query string sets a filter (even one that turns out invalid)."""
        return any(v for name in self.filter_fields for v in self[name].value() or [])

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
        for name in self.single_fields:
            if hasattr(self.data, "getlist") and len(self.data.getlist(name)) > 1:
                self.add_error(name, forms.ValidationError(_("Please choose one."), "repeated"))
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
