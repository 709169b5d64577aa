"""The sign-up forms: as few fields as possible, all optional where they can be; every refusal
says what to do."""

import re
import unicodedata

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from ..messages.addresses import AddressError, clean_address
from ..messages.addresses import normalise as normalise_address
from .models import MAX_DATE_MESSAGE_LENGTH, MAX_PARTY_SIZE
from .phones import PhoneError, phone_digits
from .tokens import is_form_key, normalize_code

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
LINE_BREAKS = re.compile(r"[\r\n]")


def single_line(value):
    value = refuse_hidden_characters(value)
    if LINE_BREAKS.search(value) or CONTROL_CHARACTERS.search(value) or "\t" in value:
        raise forms.ValidationError(
            _("Please write this on one line, without line breaks or special characters."),
            code="control_characters",
        )
    return value.strip()


def free_text(value):
    value = refuse_hidden_characters(value.replace("\r\n", "\n").replace("\r", "\n"))
    if CONTROL_CHARACTERS.search(value):
        raise forms.ValidationError(
            _("This contains special characters that cannot be saved. Please remove them."),
            code="control_characters",
        )
    return value.strip()


# --- Characters that would make a printed list lie ------------------------------------------------
# Format characters (Unicode category Cf: direction overrides, zero-width spaces and joiners,
# BOM, soft hyphen...), private-use characters (Co) and unassigned codes and non-characters (Cn)
# are refused, with a message that says which kind to remove: refusing is honest, stripping
# would store something other than what the person meant. Decisions:
# - a single BOM at the very start is dropped silently: it comes with text pasted from a file
#   and means nothing there;
# - the zero-width joiner (U+200D) is allowed between two pictographs, so that emoji sequences
#   (a family 👨‍👩‍👧, 🏳️‍🌈) pass; variation selectors (U+FE0E/U+FE0F, and the ideographic ones
#   for name kanji) are Mn and pass anyway; so do the tag characters of a flag such as
#   England's, and only there;
# - Python's Unicode tables lag behind phones: an unassigned code among the pictographs or the
#   ideographs (planes 2 and 3) is taken as a newer emoji or kanji, not as an error. Everywhere
#   else (scripts that join with U+200C/U+200D, for instance) the rule holds without exception.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
BOM = "\ufeff"
ZERO_WIDTH_JOINER = "\u200d"
FLAG_TAGS = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")
EMOJI_MODIFIERS = re.compile("[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]+$")

HIDDEN_CHARACTER_MESSAGES = {
    "bidi_control": _(
        "This contains an invisible character that changes the direction of the text (it can "
        "come along when text is copied). Please delete what you wrote here and type it again."
    ),
    "invisible_character": _(
        "This contains an invisible character, such as a zero-width space (it can come along "
        "when text is copied). Please delete what you wrote here and type it again."
    ),
    "private_use": _(
        "This contains a character that only some phones or computers can show (a maker's own "
        "symbol or a custom character). Please remove it or use another character."
    ),
    "unassigned_character": _(
        "This contains a code that is not a letter or a symbol. Please delete what you wrote "
        "here and type it again."
    ),
}


def refuse_hidden_characters(value):
    """The value without a leading BOM; a ValidationError (its code says which kind of
    character) when it holds one the staff could not see or trust on a list."""
    value = value.removeprefix(BOM)
    checked = FLAG_TAGS.sub("\U0001f3f4", value)
    for index, char in enumerate(checked):
        kind = _hidden_kind(char)
        if kind == "invisible_character" and char == ZERO_WIDTH_JOINER:
            before = EMOJI_MODIFIERS.sub("", checked[:index])
            if (
                before
                and _is_pictograph(before[-1])
                and _is_pictograph(checked[index + 1 : index + 2])
            ):
                continue
        if kind:
            raise forms.ValidationError(HIDDEN_CHARACTER_MESSAGES[kind], code=kind)
    return value


def _hidden_kind(char):
    category = unicodedata.category(char)
    if category == "Cf":
        return "bidi_control" if char in BIDI_CONTROLS else "invisible_character"
    if category == "Co":
        return "private_use"
    if category in ("Cn", "Cs") and not _newer_than_this_server(char):
        return "unassigned_character"
    return None


def _newer_than_this_server(char):
    point = ord(char)
    if point & 0xFFFE == 0xFFFE or 0xFDD0 <= point <= 0xFDEF:  # non-characters, for ever
        return False
    return 0x1F000 <= point <= 0x1FAFF or 0x20000 <= point <= 0x3FFFD


def _is_pictograph(char):
    if not char:
        return False
    category = unicodedata.category(char)
    return category == "So" or (category == "Cn" and _newer_than_this_server(char))


def _interpolate(message, values):
    return message % values


# A translated message with its numbers, translated when shown (in the reader's language),
# not when the module is imported.
interpolate_lazy = lazy(_interpolate, str)


def too_long(limit):
    return {
        "max_length": interpolate_lazy(
            _("Please keep this to %(limit)d characters or fewer."), {"limit": limit}
        )
    }


class SignUpBaseForm(forms.Form):
    """The hidden one-time key (so a double click makes one sign-up) and the honeypot."""

    form_key = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={
            "required": _("This form has expired. Please send it again."),
            "max_length": _("This form has expired. Please send it again."),
        },
    )
    # A field people never see or fill in; automated form fillers do. Labelled, so that a
    # screen-reader user who lands on it knows to skip it.
    website = forms.CharField(
        label=_("Leave this empty (it helps us keep out automated sign-ups)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Browsers cut pasted text at `maxlength` without a word; the server says so kindly
        # instead, and keeps what was typed.
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)

    def clean_form_key(self):
        key = self.cleaned_data["form_key"]
        if not is_form_key(key):
            raise forms.ValidationError(
                _("This form has expired. Please send it again."), code="form_key"
            )
        return key

    @property
    def is_automated(self):
        return bool(self.cleaned_data.get("website"))

    # Shared by every sign-up form, online and staff-entered; each runs only where the form has
    # that field.
    def clean_nickname(self):
        return single_line(self.cleaned_data["nickname"])

    def clean_relationship(self):
        return single_line(self.cleaned_data["relationship"])

    def clean_phone(self):
        """The number as typed (trimmed); the services keep its digits beside it."""
        phone = single_line(self.cleaned_data["phone"])
        if phone:
            try:
                phone_digits(phone)
            except PhoneError as error:
                raise forms.ValidationError(PHONE_MESSAGES[error.code], code="phone") from None
        return phone

    def clean_note(self):
        return free_text(self.cleaned_data["note"])


NOT_A_PARTY_SIZE = interpolate_lazy(
    _("Please give the number of people as a number from 1 to %(max)d."), {"max": MAX_PARTY_SIZE}
)
PARTY_SIZE_ERRORS = {
    "invalid": NOT_A_PARTY_SIZE,
    "min_value": NOT_A_PARTY_SIZE,
    "max_value": interpolate_lazy(
        _("For more than %(max)d people, please contact the centre: we will find a way."),
        {"max": MAX_PARTY_SIZE},
    ),
    "required": NOT_A_PARTY_SIZE,
}


def party_size_field(label=None):
    return forms.IntegerField(
        label=label or _("How many people are coming (you included)?"),
        min_value=1,
        max_value=MAX_PARTY_SIZE,
        initial=1,
        error_messages=PARTY_SIZE_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": MAX_PARTY_SIZE}),
    )


# What to say when an address cannot receive mail, and what to do about it. The part after the
# problem depends on the form: leave it empty, give a phone number instead, or nothing.
ADDRESS_MESSAGES = {
    "syntax": _("This does not look like an e-mail address. Please check it."),
    "local_not_ascii": _(
        "The part before @ can only have half-width letters, digits and signs such as . _ - "
        "(most mail servers cannot receive mail to Japanese characters there). Please check it."
    ),
    "ip_literal": _(
        "Please write the name after @ (as in gmail.com or docomo.ne.jp), not a number in "
        "brackets: we cannot send mail to that."
    ),
    "unfinished": _(
        "This address can't receive e-mail: the part after @ looks unfinished (it needs a dot, "
        "as in gmail.com or docomo.ne.jp). Please check it."
    ),
    "reserved": _(
        "This address can't receive e-mail: the part after @ is a name kept for tests or for "
        "one local network, not for mail from the internet. Please check it."
    ),
    "no_mail": _(
        "We could not find anywhere to deliver mail for the part after @. Please check it for "
        "a typing mistake."
    ),
}
WHAT_TO_DO_INSTEAD = _("%(problem)s %(instead)s")


class MailAddressField(forms.CharField):
    """An e-mail address as people in Japan type it (full-width letters or ＠ from the input
    method, spaces around it), kept normalised; an address that mail from the internet cannot
    reach is refused, saying why (events.messages.addresses)."""

    widget = forms.EmailInput

    def __init__(self, *, instead=None, **kwargs):
        super().__init__(**kwargs)
        self.instead = instead

    def to_python(self, value):
        return normalise_address(super().to_python(value))

    def clean(self, value):
        value = super().clean(value)  # normalised, required and length checked
        if value in self.empty_values:
            return value
        try:
            return clean_address(value, check_dns=settings.IBASHO_EMAIL_CHECK_DNS)
        except AddressError as error:
            message = ADDRESS_MESSAGES[error.code]
            if self.instead:
                message = interpolate_lazy(
                    WHAT_TO_DO_INSTEAD, {"problem": message, "instead": self.instead}
                )
            raise forms.ValidationError(message, code=error.code) from None


def email_field(help_text, *, instead):
    return MailAddressField(
        label=_("E-mail (optional)"),
        required=False,
        max_length=254,
        help_text=help_text,
        instead=instead,
        error_messages=too_long(254),
    )


class MaybeForm(SignUpBaseForm):
    """ "I might come": one button, nothing to fill in."""


class BookingForm(SignUpBaseForm):
    nickname = forms.CharField(
        label=_("Nickname (optional)"),
        help_text=_("Any name you like. Leave it empty and we will write “Anonymous”."),
        required=False,
        max_length=40,
        error_messages=too_long(40),
    )
    party_size = party_size_field()
    email = email_field(
        _("Only for a reminder and if the date changes. We never use it for anything else."),
        instead=_("You can also leave it empty."),
    )
    wants_reminder = forms.BooleanField(
        label=_("Send me a reminder the day before (needs an e-mail address)"), required=False
    )
    note = forms.CharField(
        label=_("A note to the staff (optional)"),
        help_text=_("For example: “I'd like someone to meet me at the entrance.”"),
        required=False,
        max_length=500,
        error_messages=too_long(500),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    # Shown (and needed) only when this browser has already booked this date.
    another_person = forms.BooleanField(
        label=_("Yes, this is another sign-up (for someone else)"), required=False
    )

    def __init__(self, *args, already_booked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.already_booked = already_booked
        if not already_booked:
            del self.fields["another_person"]

    def clean(self):
        data = super().clean()
        if self.already_booked and not data.get("another_person"):
            self.add_error(
                "another_person",
                _(
                    "This browser has already booked this date. To change the number of people "
                    "or cancel, use the page you got then. If this is for someone else, tick the "
                    "box and send again."
                ),
            )
        if data.get("wants_reminder") and not data.get("email"):
            self.add_error(
                "email", _("To get a reminder, please give an e-mail address (or untick the box).")
            )
        return data


class EnrolmentForm(SignUpBaseForm):
    nickname = forms.CharField(
        label=_("What should we call you?"),
        help_text=_("A family name or a nickname is enough."),
        max_length=40,
        error_messages={
            "required": _("Please tell us what to call you: a nickname is fine."),
            **too_long(40),
        },
    )
    relationship = forms.CharField(
        label=_("Your relationship to the person (optional)"),
        help_text=_("For example: mother, father, sibling."),
        required=False,
        max_length=40,
        error_messages=too_long(40),
    )
    email = email_field(
        _("We need one way to reach you: an e-mail address or a phone number."),
        instead=_("Or leave it empty and give a phone number."),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        required=False,
        max_length=30,
        error_messages=too_long(30),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    party_size = party_size_field(_("How many of you will attend?"))
    wants_reminder = forms.BooleanField(
        label=_("Send me a reminder the day before each date (needs an e-mail address)"),
        required=False,
    )
    note = forms.CharField(
        label=_("Anything you would like us to know (optional)"),
        required=False,
        max_length=500,
        error_messages=too_long(500),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        reachable = data.get("email") or data.get("phone")
        if not reachable and not self.has_error("email") and not self.has_error("phone"):
            self.add_error(
                "phone", _("Please give an e-mail address or a phone number, so we can reply.")
            )
        if data.get("wants_reminder") and not data.get("email") and not self.has_error("email"):
            self.add_error(
                "email", _("To get a reminder, please give an e-mail address (or untick the box).")
            )
        return data


PHONE_MESSAGES = {
    "characters": _(
        "Please write the phone number with digits only. Hyphens, spaces and brackets are fine."
    ),
    "start": _(
        "Please write the whole number with its area code, starting with 0 (for example "
        "03-1234-5678 or 090-1234-5678). A number outside Japan starts with + and the country "
        "code."
    ),
    "too_short": _(
        "This number seems to be missing some digits. A number in Japan has 10 or 11 digits, "
        "area code included (for example 03-1234-5678 or 090-1234-5678)."
    ),
    "too_long": _(
        "This number seems to have too many digits. A number in Japan has 10 or 11 digits, "
        "area code included (for example 03-1234-5678 or 090-1234-5678)."
    ),
}


class PartySizeForm(forms.Form):
    party_size = party_size_field()


class LostLinksForm(forms.Form):
    email = MailAddressField(
        label=_("The e-mail address you gave when you signed up"),
        max_length=254,
        error_messages={
            "required": _("Please write the e-mail address you gave."),
            **too_long(254),
        },
    )


class BookingCodeForm(forms.Form):
    """The booking code written down at sign-up, typed in at /my/ (any case, full-width, with
    or without the dash)."""

    code = forms.CharField(
        label=_("Your booking code (10 letters and numbers, e.g. K7QMX-4WXPR)"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={
            "required": _("Please type the booking code you wrote down."),
            **too_long(40),
        },
    )

    def clean_code(self):
        code = normalize_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(
                _(
                    "A booking code has 10 letters and numbers, like K7QMX-4WXPR. Please check "
                    "it and type it again (capital or small letters are both fine)."
                ),
                code="format",
            )
        return code


class DateMessageForm(forms.Form):
    """A message on a date: the host's to everyone coming, or a booker's reply. Plain text
    (shown escaped), line breaks kept; the hidden one-time key makes a double click one
    message."""

    form_key = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={
            "required": _("This form has expired. Please send it again."),
            "max_length": _("This form has expired. Please send it again."),
        },
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_DATE_MESSAGE_LENGTH,
        error_messages={
            "required": _("Please write a few words: even one line is enough."),
            **too_long(MAX_DATE_MESSAGE_LENGTH),
        },
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["body"].label = label
        # Browsers cut pasted text at `maxlength` without a word; the server says so kindly.
        self.fields["body"].widget.attrs.pop("maxlength", None)

    clean_form_key = SignUpBaseForm.clean_form_key

    def clean_body(self):
        return free_text(self.cleaned_data["body"])
