from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from events.admin.forms import StaffBookingForm
from spaces.models import LiveStatusKind

# What a host may say about today (staff have the whole list in the admin).
HOST_STATUSES = [
    (LiveStatusKind.RUNNING_LATE, _("Starting late")),
    (LiveStatusKind.QUIET_TODAY, _("Quiet today")),
    (LiveStatusKind.ONLINE_ONLY, _("Online only today")),
]


class InvitationForm(forms.Form):
    """Staff: whom to invite, and in which language the mail and the page speak."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)


class AcceptInvitationForm(forms.Form):
    """The invitee chooses a password (and a name for the public). Pasting and password
    managers work: nothing is blocked, and the fields say what they are (autocomplete)."""

    display_name = forms.CharField(
        label=_("Name shown to the public (a nickname is fine)"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters. A long phrase is easiest to remember."),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if any(ord(c) < 32 or ord(c) == 127 for c in name):
            raise forms.ValidationError(_("Please use letters, digits and ordinary signs."))
        return name

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            user = get_user_model()(email=self.email, display_name=cleaned.get("display_name", ""))
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class DateNoteForm(forms.Form):
    """A host's note on one date ("we meet in room 2 today"), or a kind word when cancelling."""

    message = forms.CharField(
        label=_("Message for everyone coming"), max_length=200, required=False
    )


class TodayStatusForm(forms.Form):
    """Today's live status of the place where a host's session is."""

    kind = forms.ChoiceField(label=_("Today"), choices=HOST_STATUSES, widget=forms.RadioSelect)
    message = forms.CharField(label=_("A short word (optional)"), max_length=200, required=False)


class PhonedBookingForm(StaffBookingForm):
    """A booking a host takes for someone who phoned: a nickname and the number of people.
    Nothing else: a host never keeps a phone number, an address or a note."""

    note = None
