"""What the fuzz tests send, and how hard they look (issue 18).

Two Hypothesis profiles: `bounded` (the default, a few examples per test, the same ones on every
run so that `make test` is reproducible) and `deep` (many more, fresh ones each run), chosen with
HYPOTHESIS_PROFILE=deep, as CI's PostgreSQL run does. The strategies are what broken browsers,
copy and paste and hostile clients send: any character a URL-encoded or multipart body can carry,
numbers in every form, very long values, names nobody expects."""

import contextlib
import os
import unicodedata
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# The fixtures (a site, a date, a sign-up) are made once per test; each example starts from them
# again inside a savepoint (see `rolled_back`), so sharing them is intended.
_SHARED = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("bounded", max_examples=20, derandomize=True, database=None, **_SHARED)
settings.register_profile("deep", max_examples=100, print_blob=True, **_SHARED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "bounded"))


# --- What is sent -------------------------------------------------------------------------------

# Every character a Python str can hold except lone surrogates, which UTF-8 (and so HTTP) cannot
# carry.
ANY_CHARACTER = st.characters(exclude_categories=["Cs"])

# Values that have broken form handling somewhere before: numbers that int() reads but people
# do not (or the other way round), invisible and direction characters, line breaks, markup.
TRICKY = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "10",
    "11",
    "1.5",
    "1e3",
    "9" * 30,
    "9" * 5000,
    "²",
    "٣",
    "١٢",
    "①",
    "１２",
    "NaN",
    "inf",
    "-0",
    "0x10",
    "\u202e",
    "\u202egnp.exe",
    "\u200b",
    "\ufeff",
    "\ufeffゆう",
    "\r\n",
    "a\r\nb",
    "\n",
    "\t",
    "\x00",
    "a\x00b",
    "\x7f",
    "%00",
    "%",
    "'; --",
    '"',
    "<script>alert(1)</script>",
    "{{ request }}",
    "{% now 'Y' %}",
    "../../etc/passwd",
    "😀",
    "👨\u200d👩\u200d👧",
    "\U000f0000",
    "\U0010ffff",
    "\ufdd0",
    "ｱｲｳ",
    "2026-12-08",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "day",
    "week",
    "month",
    "now",
    "today",
    "on",
    "true",
    "[]",
    "a@example.org",
    "a@b",
    "@",
    "+81 3-1234-5678",
    "０３－１２３４－５６７８",
]

# A long value is made by repeating a short one: a random 5000-character string would use up
# Hypothesis' budget for one example by itself.
LONG = st.builds(
    lambda unit, length: (unit * length)[:length],
    st.text(ANY_CHARACTER, min_size=1, max_size=4),
    st.integers(min_value=41, max_value=5000),
)

VALUE = st.one_of(
    st.sampled_from(TRICKY),
    st.text(ANY_CHARACTER, max_size=30),
    st.integers().map(str),
    st.integers(min_value=10**18, max_value=10**200).map(str),
    st.floats().map(str),
    LONG,
)

NAME = st.text(ANY_CHARACTER, min_size=1, max_size=12)


def params(*known):
    """Query parameters or form fields: known names and arbitrary ones, each with one value or
    several."""
    names = st.one_of(st.sampled_from(known), NAME) if known else NAME
    return st.dictionaries(
        names, st.one_of(VALUE, st.lists(VALUE, min_size=2, max_size=3)), max_size=6
    )


def fields(valid, extra=()):
    """A form's fields starting from valid values: each one kept, replaced with anything, or
    left out, plus arbitrary extra fields."""

    @st.composite
    def build(draw):
        data = {}
        for name, value in valid.items():
            # Mostly kept, so that most examples reach the checks after the first refusal.
            choice = draw(st.sampled_from(["keep", "keep", "keep", "fuzz", "omit"]))
            if choice == "keep":
                data[name] = value
            elif choice == "fuzz":
                data[name] = draw(VALUE)
        for name, value in draw(params(*extra)).items():
            data.setdefault(name, value)
        return data

    return build()


# Request headers as a WSGI server hands them over: ISO-8859-1 text without control characters.
HEADER_VALUE = st.one_of(
    st.text(st.characters(max_codepoint=0xFF, exclude_categories=["Cc"]), max_size=60),
    st.sampled_from(
        [
            "*",
            "ja;q=abc",
            "en-US,en;q=0.9,ja;q=2",
            "xx-invalid-language-tag-that-is-very-long",
            '"etag"',
            "W/",
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "Mon, 31 Dec 9999 23:59:59 GMT",
            "bytes=0-1,5-",
            "csrftoken=; csrftoken=x",
            "csrftoken=" + "a" * 64,
        ]
    ),
)
HEADERS = st.dictionaries(
    st.sampled_from(
        [
            "HTTP_ACCEPT_LANGUAGE",
            "HTTP_ACCEPT",
            "HTTP_ACCEPT_ENCODING",
            "HTTP_IF_NONE_MATCH",
            "HTTP_IF_MODIFIED_SINCE",
            "HTTP_RANGE",
            "HTTP_COOKIE",
            "HTTP_REFERER",
            "HTTP_USER_AGENT",
            "HTTP_X_FORWARDED_FOR",
            "HTTP_X_FORWARDED_PROTO",
        ]
    ),
    HEADER_VALUE,
    max_size=4,
)

# How a body is encoded: as a browser's form, or as multipart (a form with a file field).
ENCODING = st.sampled_from(["urlencoded", "multipart"])


def post(client, path, data, encoding, query=None, headers=None):
    """POST `data` to `path` in the given encoding, with an optional query string and request
    headers (WSGI environ names)."""
    if query:
        path = f"{path}?{urlencode(query, doseq=True)}"
    headers = headers or {}
    if encoding == "urlencoded":
        return client.post(
            path,
            urlencode(data, doseq=True),
            content_type="application/x-www-form-urlencoded",
            **headers,
        )
    return client.post(path, data, **headers)


# --- How each example starts -------------------------------------------------------------------


@contextlib.contextmanager
def rolled_back():
    """One example: an empty cache (no rate-limit counts from earlier examples) and a savepoint
    rolled back afterwards, so the next example starts from the test's fixtures again."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- What must hold afterwards -----------------------------------------------------------------

# Direction controls: never stored, whatever else is allowed.
DIRECTION_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# The format characters an emoji sequence needs (a joiner, the tags of a flag such as England's).
EMOJI_FORMAT = {"\u200d", *(chr(c) for c in range(0xE0020, 0xE0080))}


def hidden_characters(value, allowed=""):
    """The characters in `value` that nobody reading a printed list could see or trust;
    `allowed`: control characters the field keeps (a note's line breaks and tabs)."""
    return [
        char
        for char in value
        if char not in allowed
        and (
            char in DIRECTION_CONTROLS
            or unicodedata.category(char) in ("Cc", "Co")
            or (unicodedata.category(char) == "Cf" and char not in EMOJI_FORMAT)
        )
    ]


def sent(data, name):
    """The value of a field as the form reads it: the last one when several were sent."""
    value = data.get(name, "")
    return value[-1] if isinstance(value, list) else value


def typed(value):
    """What a text field keeps of what was sent: trimmed, a leading BOM dropped (forms.py)."""
    return value.strip().removeprefix("\ufeff").strip()
