"""The forms a writer fills in: everything optional but the message; every refusal says what
to do and keeps what was typed."""

from django import forms
from django.apps import apps
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from events.signups.forms import (
    PHONE_MESSAGES,
    MailAddressField,
    free_text,
    single_line,
    too_long,
)
from events.signups.phones import PhoneError, phone_digits

from .models import MAX_MESSAGE_LENGTH, Wish, Writer
from .tokens import is_form_key

EXPIRED = _("This form has expired. Please send it again.")


def area_choices():
    """The areas people filter spaces by, in the page's language (known by name only, so
    this app needs nothing of spaces' code)."""
    Area = apps.get_model("spaces", "Area")
    language = (get_language() or "ja").split("-")[0]
    areas = Area.objects.filter(locale__language_code=language).order_by("sort_order", "name")
    if not areas.exists():
        areas = Area.objects.filter(locale__language_code="ja").order_by("sort_order", "name")
    return [("", _("I'd rather not say")), *((a.slug, a.name) for a in areas)]


def message_field(label):
    return forms.CharField(
        label=label,
        max_length=MAX_MESSAGE_LENGTH,
        error_messages={
            "required": _("Please write a few words: even one line is enough."),
            **too_long(MAX_MESSAGE_LENGTH),
        },
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class TalkBaseForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Browsers cut pasted text at `maxlength` without a word; the server says so kindly.
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)

    def clean_body(self):
        return free_text(self.cleaned_data["body"])


class WriteForm(TalkBaseForm):
    form_key = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={"required": EXPIRED, "max_length": EXPIRED},
    )
    writer = forms.ChoiceField(
        label=_("Who are you writing as?"),
        choices=Writer.choices,
        initial=Writer.UNSAID,
        widget=forms.RadioSelect,
    )
    wish = forms.ChoiceField(
        label=_("What would you like?"),
        choices=Wish.choices,
        initial=Wish.UNSAID,
        widget=forms.RadioSelect,
    )
    area = forms.ChoiceField(label=_("Your area (optional)"), required=False)
    body = message_field(_("Your message"))
    email = MailAddressField(
        label=_("E-mail (optional)"),
        required=False,
        max_length=254,
        help_text=_(
            "Only to tell you that there is an answer: the answer itself stays on your private "
            "page, never in the e-mail."
        ),
        instead=_("You can also leave it empty."),
        error_messages=too_long(254),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        required=False,
        max_length=20,
        help_text=_("Only if you would like the centre to call you."),
        error_messages=too_long(20),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    # Never seen, never filled in by a person; automated form fillers do.
    website = forms.CharField(
        label=_("Leave this empty (it helps us keep out automated sign-ups)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices()

    def clean_form_key(self):
        key = self.cleaned_data["form_key"]
        if not is_form_key(key):
            raise forms.ValidationError(EXPIRED, code="form_key")
        return key

    def clean_phone(self):
        phone = single_line(self.cleaned_data["phone"])
        if phone:
            try:
                phone_digits(phone)
            except PhoneError as error:
                raise forms.ValidationError(PHONE_MESSAGES[error.code], code="phone") from None
        return phone

    @property
    def is_automated(self):
        return bool(self.cleaned_data.get("website"))


class ReplyForm(TalkBaseForm):
    body = message_field(_("Your reply"))


class PassphraseForm(forms.Form):
    passphrase = forms.CharField(
        label=_("Your passphrase"),
        max_length=200,
        help_text=_("The words you wrote down, with spaces between them."),
        error_messages={
            "required": _("Please type the words of your passphrase."),
            **too_long(200),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["passphrase"].widget.attrs.pop("maxlength", None)
