"""The format of a content folder (ibasho/demo/, or a centre's own): TOML tables whose every
error names the file and the key, the fields and texts a model takes from them, the blocks of an
article's body and the date words of events.toml. No database and no project models: `load_demo`
passes the models in and does the loading."""

import datetime as dt
import re
import tomllib
from pathlib import Path

from django.core.management.base import CommandError
from django.db import models
from wagtail.fields import StreamField
from wagtail.models import Page

LANGUAGES = ("ja", "en")  # Japanese pages and rows first; the English ones are translations
PAGE_TEXTS = {"title", "seo_title", "search_description"}  # Page's own fields a file may set
# The date words of events.toml (documented at its top). DAYS is in date.weekday() order.
DAYS = {"monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH", "friday": "FR",
        "saturday": "SA", "sunday": "SU"}  # fmt: skip
ORDINALS = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
FIRST_DATES = '"start of this month", "tuesday from today" or "2nd saturday after today"'
REQUIRED = object()
KINDS = {str: "text in quotes", int: "a whole number", bool: "true or false", list: "a list [...]"}


class Table:
    """A table of a content file that knows its place there, so that every message names the
    file and the key. Keys nobody asked for are reported by `check_all_read`."""

    def __init__(self, data, file, where=(), family=None):
        self.data, self.file, self.where, self.asked = data, file, where, set()
        self.family = [] if family is None else family  # every table of the file, read so far
        self.family.append(self)

    def error(self, message, key=None):
        place = " → ".join([*self.where, *([key] if key else [])])
        return CommandError(
            f"{self.file}: {place}: {message}" if place else f"{self.file}: {message}"
        )

    def get(self, key, default=REQUIRED, kind=str):
        self.asked.add(key)
        if key not in self.data:
            if default is REQUIRED:
                raise self.error("this key is required but missing", key)
            return default
        value = self.data[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise self.error(f"{value!r} should be {KINDS.get(kind, 'a table')}", key)
        return value

    def table(self, key):
        return Table(self.get(key, kind=dict), self.file, (*self.where, key), self.family)

    def tables(self, key):
        """The tables of an array ([[key]]), each named in messages by its slug or key."""
        found = []
        for number, item in enumerate(self.get(key, [], kind=list), 1):
            if not isinstance(item, dict):
                raise self.error("should be a list of tables, written [[...]]", key)
            name = item.get("slug", item.get("key"))
            label = f'{key} "{name}"' if isinstance(name, str) else f"{key} #{number}"
            found.append(Table(item, self.file, (*self.where, label), self.family))
        return found

    def check_all_read(self):
        """Report the first key, in any table of this file read so far, that nobody asked for."""
        for table in self.family:
            for key in table.data.keys() - table.asked:
                expected = ", ".join(sorted(table.asked))
                raise table.error(f"unknown key (expected one of: {expected})", key)


def read_folder(folder, names):
    """{name: Table} of the files `<name>.toml` of a folder, each parsed as TOML."""
    if not folder.is_dir():
        raise CommandError(f"{folder}: there is no such folder of content files")
    content = {}
    for name in names:
        path = folder / f"{name}.toml"
        shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
        try:
            with path.open("rb") as file:
                content[name] = Table(tomllib.load(file), shown)
        except FileNotFoundError:
            expected = ", ".join(f"{name}.toml" for name in names)
            raise CommandError(f"{shown}: missing (a content folder has {expected})") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"{shown}: not valid TOML: {error}") from None
    return content


def read_fields(table, model, required=(), optional=()):
    """These fields of `model` as `table` gives them, each checked against the field's type and
    choices; a missing optional one gets the field's default."""
    values = {}
    for name in (*required, *optional):
        field = model._meta.get_field(name)
        kind = bool if isinstance(field, models.BooleanField) else str
        kind = int if isinstance(field, models.IntegerField) else kind
        default = REQUIRED if name in required else None if field.null else field.get_default()
        value = values[name] = table.get(name, default, kind)
        choices = [str(choice) for choice, _label in field.flatchoices]
        if choices and value is not None and str(value) not in choices:
            raise table.error(f"{value!r} is not one of: {', '.join(choices)}", name)
    return values


def read_texts(table, model, exclude=()):
    """{"ja": fields, "en": fields}: a page's or snippet's texts from its [ja] and [en] tables:
    its text fields (an article's body as blocks) other than `exclude`."""
    known = [
        field.name
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField | StreamField)
        and (field.model is not Page or field.name in PAGE_TEXTS)
        and field.name not in exclude
    ]
    texts = {}
    for lang in LANGUAGES:
        language, texts[lang] = table.table(lang), {}
        for key in list(language.data):
            if key not in known:
                raise language.error(f"not a text this table can have ({', '.join(known)})", key)
            if isinstance(model._meta.get_field(key), StreamField):
                texts[lang][key] = [make_block(block) for block in language.tables(key)]
            else:
                texts[lang][key] = language.get(key)
        language.get("title" if issubclass(model, Page) else "name")
    return texts


def make_block(block):
    """One block of an article's body, as the blocks of ibasho.blocks store it."""
    kind, get = block.get("type"), block.get
    if kind == "paragraph":
        return {"type": kind, "value": f"<p>{get('text')}</p>"}
    if kind == "heading":
        return {"type": kind, "value": {"text": get("text"), "level": get("level", "h2")}}
    if kind == "quote":
        return {"type": kind, "value": {"text": get("text"), "attribution": get("attribution", "")}}
    if kind == "faq":
        questions = [
            {"question": pair.get("question"), "answer": f"<p>{pair.get('answer')}</p>"}
            for pair in block.tables("questions")
        ]
        return {"type": kind, "value": {"heading": get("heading", ""), "questions": questions}}
    if kind == "callout":
        value = {"heading": get("heading"), "text": get("text", "")}
        return {"type": kind, "value": {**value, "show_contacts": get("show_contacts", True, bool)}}
    known = "paragraph, heading, quote, faq or callout"
    raise block.error(f'"{kind}" is not a block type (write {known})', "type")


def refer(table, key, known, what, required=True, name=None):
    """What `table[key]` (or `name`, one of its list) names among `known`, e.g. slugs."""
    if name is None:
        name = table.get(key, REQUIRED if required else None)
    if name is not None and name not in known:
        there_are = ", ".join(known) or "none yet"
        raise table.error(f'no {what} is called "{name}" (there are: {there_are})', key)
    return known.get(name)


def weekday(table, key, word):
    """The number (Monday = 0) of a weekday's English name."""
    if str(word).lower() not in DAYS:
        raise table.error(f'"{word}" is not a weekday (write monday, tuesday, … sunday)', key)
    return list(DAYS).index(str(word).lower())


def weekday_codes(table, key):
    """A list of weekday names as RFC 5545 codes: ["tuesday", "friday"] → ["TU", "FR"]."""
    return [list(DAYS.values())[weekday(table, key, word)] for word in table.get(key, [], list)]


def on_or_after(day, number):
    return day + dt.timedelta(days=(number - day.weekday()) % 7)


def first_date(rule, today, holidays):
    """A rule's first date from its words, counted from `today`; `holidays(years)` gives the
    national holidays of those years."""
    today += dt.timedelta(weeks=rule.get("weeks_ahead", 0, int))
    words = rule.get("first").lower().split()
    if words == ["start", "of", "this", "month"]:
        day = today.replace(day=1)
    elif len(words) == 3 and words[1:] == ["from", "today"]:
        day = on_or_after(today, weekday(rule, "first", words[0]))
    elif len(words) == 4 and words[0] in ORDINALS and words[2:] == ["after", "today"]:
        number, weeks = weekday(rule, "first", words[1]), dt.timedelta(weeks=ORDINALS[words[0]] - 1)
        day = on_or_after(today.replace(day=1), number) + weeks
        if day <= today:
            next_month = dt.date(today.year + today.month // 12, today.month % 12 + 1, 1)
            day = on_or_after(next_month, number) + weeks
    else:
        raise rule.error(
            f"{rule.data['first']!r} is not a first date; write {FIRST_DATES}", "first"
        )
    if rule.get("not_on_holiday", False, bool):
        national_holidays = holidays({day.year, day.year + 1})
        while day in national_holidays:
            day += dt.timedelta(weeks=1)
    return day


def parse(table, key, pattern, example, make):
    """`make(*numbers)` of the text at `key`, which must match `pattern`."""
    text = table.get(key)
    try:
        return make(*(int(part) for part in re.fullmatch(pattern, text).groups()))
    except (AttributeError, ValueError):
        raise table.error(f'"{text}" is not {example}', key) from None


def clock(table, key):
    return parse(table, key, r"(\d{1,2}):(\d\d)", 'a time of day like "13:30"', dt.time)


def cancelled_date(cancel):
    """(nth, weekday number, message, English message) of an event's [events.cancel] table."""
    words = cancel.get("date").lower().split()
    if len(words) != 3 or words[0] not in ORDINALS or words[1] != "upcoming":
        raise cancel.error(
            f'"{cancel.data["date"]}" should read like "2nd upcoming friday"', "date"
        )
    day = weekday(cancel, "date", words[2])
    return ORDINALS[words[0]], day, cancel.get("message"), cancel.get("message_en", "")


def closed_span(closed, today):
    """(first day, last day) of a [[closed_days]] entry: its yearly span that has not ended."""
    day, every_year = r"(\d\d)-(\d\d)", 'a day of every year like "12-29"'
    # Checked in a year without 29 February.
    first = parse(closed, "first_day", day, every_year, lambda m, d: dt.date(2001, m, d))
    last = parse(closed, "last_day", day, every_year, lambda m, d: dt.date(2001, m, d))
    for year in (today.year - 1, today.year, today.year + 1):
        span = (first.replace(year=year), last.replace(year=year + (last < first)))
        if span[1] >= today:
            return span
