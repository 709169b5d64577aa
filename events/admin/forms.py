"""Staff forms in the admin: changing a single date, and the sign-ups staff take by phone or on
paper. Each routes its change through the services."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from ..changes import services
from ..schedule.models import Occurrence, OccurrenceStatus
from ..signups.forms import SignUpBaseForm, too_long
from ..signups.models import MAX_PARTY_SIZE


class OccurrenceForm(WagtailAdminModelForm):
    """Cancel, move, add a note or change the places of one date."""

    class Meta:
        model = Occurrence
        fields = ["status", "message", "message_en", "start", "end", "space", "capacity"]
        widgets = {"message": forms.TextInput, "message_en": forms.TextInput}
        help_texts = {
            "status": _("Cancelling keeps the date (and anyone who signed up) on record."),
        }

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The end must come after the start."))
        return data

    def save(self, commit=True):
        """Raises ScheduleError for a change that cannot be made (the edit view shows it)."""
        data = self.cleaned_data
        return services.change_date(
            occurrence=self.instance,
            cancelled=data["status"] == OccurrenceStatus.CANCELLED,
            message=data["message"],
            message_en=data["message_en"],
            start=data["start"],
            end=data["end"],
            space=data["space"],
            capacity=data["capacity"],
        )


# --- Sign-ups taken by staff ---------------------------------------------------------------------


class StaffBookingForm(SignUpBaseForm):
    """A booking for someone who phoned or handed in a paper slip: no e-mail needed. The hidden
    one-time key makes a double click or a resent form one booking, as online."""

    website = None  # staff need no trap for automated sign-ups

    nickname = forms.CharField(
        label=_("nickname (optional)"),
        help_text=_("Leave it empty and the list says “Anonymous”."),
        required=False,
        max_length=40,
        error_messages=too_long(40),
    )
    party_size = forms.IntegerField(
        label=_("number of people"),
        min_value=1,
        max_value=MAX_PARTY_SIZE,
        initial=1,
        error_messages={
            "max_value": _(
                "At most %(limit_value)s people in one sign-up. For a larger group, add a "
                "second sign-up."
            ),
            "min_value": _("There must be at least one person."),
        },
    )
    note = forms.CharField(
        label=_("note (optional)"),
        help_text=_("For example: “comes with her mother”, “needs a seat near the door”."),
        required=False,
        max_length=500,
        error_messages=too_long(500),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StaffEnrolmentForm(StaffBookingForm):
    """A family enrolled in a whole series by staff, for example after a phone consultation."""

    relationship = forms.CharField(
        label=_("relationship to the person (optional)"),
        required=False,
        max_length=40,
        error_messages=too_long(40),
    )
    phone = forms.CharField(
        label=_("phone (optional)"),
        required=False,
        max_length=30,
        error_messages=too_long(30),
    )

    field_order = ["nickname", "relationship", "phone", "party_size", "note"]


class AttendedForm(forms.Form):
    """How many people of one sign-up came; empty when nobody has counted yet."""

    attended = forms.IntegerField(
        label=_("people who came"),
        min_value=0,
        max_value=99,
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 99, "inputmode": "numeric"}),
    )


class MonthForm(forms.Form):
    """The month of a report, from the query string; this month by default."""

    month = forms.DateField(
        label=_("month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": _("Choose a month, written like 2026-04.")},
    )

    def clean_month(self):
        today = timezone.localdate()
        month = (self.cleaned_data["month"] or today).replace(day=1)
        if abs(month.year - today.year) > 10:
            raise forms.ValidationError(_("Please choose a month within ten years of today."))
        return month

    def month_range(self):
        """The first day of the month and the first day of the next."""
        first = self.cleaned_data["month"]
        return first, (first + dt.timedelta(days=32)).replace(day=1)


class FindBookingForm(forms.Form):
    """Staff on the phone with someone who lost their link: the date and the nickname they
    remember."""

    date = forms.DateField(
        label=_("date"), widget=forms.DateInput(attrs={"type": "date"}), required=True
    )
    nickname = forms.CharField(
        label=_("nickname (or part of it)"),
        max_length=40,
        required=False,
        error_messages=too_long(40),
    )
