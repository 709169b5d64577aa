"""Words staff write for visitors (a cancelled date's message, a date's note, closed days, a
space's status today): the one rule for which language they are shown in. Staff write Japanese
and may add English; on a page, feed or e-mail in another language the English is given, and
without it the Japanese, saying so (`lang="ja"` and "(in Japanese)")."""

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _


class Notice(str):
    """The text to show (a str, so `{{ notice }}` and `if notice` work), with `lang`, the
    language it is written in, and `untranslated`: the reader asked for another one."""

    lang = ""
    untranslated = False

    @property
    def plain(self):
        """For plain text (feeds, e-mail): the hint written before an untranslated notice."""
        return f"{_('(in Japanese)')} {self}" if self.untranslated and self else str(self)


def notice(japanese, english="", *, language=None):
    """The notice in `language` (the active one by default)."""
    language = language or get_language() or settings.LANGUAGE_CODE
    main = settings.LANGUAGE_CODE
    if language != main and english:
        text, lang = Notice(english), language
    else:
        text, lang = Notice(japanese or ""), main
    text.lang = lang
    text.untranslated = bool(japanese) and lang != language
    return text


def in_reader_language(text):
    """Words already in the reader's language (a holiday's name, written by the site)."""
    text = Notice(text)
    text.lang = get_language() or settings.LANGUAGE_CODE
    return text
