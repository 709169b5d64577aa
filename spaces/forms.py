from django import forms
from django.utils.translation import gettext_lazy as _

from events.forms import area_choices
from events.models import Audience

from .models import FeatureCode

OPEN_CHOICES = [("", _("Any day")), ("now", _("Open now")), ("today", _("Open today"))]


class SpaceFilterForm(forms.Form):
    """The filters of `/spaces/`, from the query string."""

    filter_fields = ("area", "audience", "feature", "open", "online")

    area = forms.ChoiceField(label=_("area"), required=False)
    audience = forms.ChoiceField(
        label=_("for whom"), choices=[("", _("Everyone")), *Audience.choices], required=False
    )
    feature = forms.MultipleChoiceField(
        label=_("features"),
        choices=FeatureCode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    open = forms.ChoiceField(label=_("when"), choices=OPEN_CHOICES, required=False)
    online = forms.BooleanField(label=_("online spaces only"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("Everywhere")), *area_choices()]

    def has_filters(self):
        """Whether the query string sets a filter (even one that turns out invalid)."""
        return any(self[name].value() for name in self.filter_fields)
