"""Feeds expanded by four independent calendar libraries, as the apps built on them do:
icalendar with recurring-ical-events and vobject here, ical.js (Thunderbird's) and node-ical
under Node (tests/interop/expand.mjs, with the packages its lock file pins)."""

import datetime as dt
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import recurring_ical_events
import vobject
from icalendar import Calendar

from tests.support.dates import JST
from tests.support.parts import has_program, require_part

NODE_DIR = Path(__file__).resolve().parents[1] / "interop"
PYTHON_PARSERS = ("icalendar", "vobject")
NODE_PARSERS = ("ical.js", "node-ical")
# A moved date may start in the window while the start its rule gave it lies outside.
MARGIN = dt.timedelta(days=60)


@dataclass(frozen=True, order=True)
class Instance:
    """One entry as a calendar app shows it; times in UTC. `orphan`: it has a RECURRENCE-ID but
    its series is not in the feed, so an app shows it without context, or not at all."""

    start: dt.datetime
    uid: str
    recurrence_id: dt.datetime | None
    status: str
    summary: str
    location: str
    description: str
    orphan: bool = False

    @property
    def key(self):
        """What the site's listing is compared on: (UID, start, status), as tests.support.feeds
        `listed` gives it."""
        return self.uid, self.start, self.status

    @property
    def local_date(self):
        return self.start.astimezone(JST).date()


def window(first, months):
    """The instants from local midnight of `first` to the 1st of the month `months` later."""
    after = first
    for _ in range(months):
        after = (after.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=JST),
        dt.datetime.combine(after, dt.time.min, tzinfo=JST),
    )


def as_utc(moment):
    return moment.astimezone(dt.UTC) if moment is not None else None


def with_icalendar(ics, start, end):
    """icalendar with recurring-ical-events, the way tests.support.feeds `in_feed` reads it."""
    calendar = Calendar.from_ical(ics)
    masters = {str(c["UID"]): c for c in calendar.walk("VEVENT") if "RECURRENCE-ID" not in c}
    found = []
    for entry in recurring_ical_events.of(calendar).between(start, end):
        uid = str(entry["UID"])
        # It gives every instance a RECURRENCE-ID, that of a date of its own (no RRULE) too.
        recurrence_id = entry.get("RECURRENCE-ID")
        if uid in masters and "RRULE" not in masters[uid]:
            recurrence_id = None
        found.append(
            Instance(
                start=as_utc(entry["DTSTART"].dt),
                uid=uid,
                recurrence_id=as_utc(recurrence_id.dt) if recurrence_id else None,
                status=str(entry.get("STATUS", "CONFIRMED")),
                summary=str(entry.get("SUMMARY", "")),
                location=str(entry.get("LOCATION", "")),
                description=str(entry.get("DESCRIPTION", "")),
                orphan=uid not in masters,
            )
        )
    return found


def with_vobject(ics, start, end):
    """vobject: each series' rule set (RRULE, RDATE, EXDATE) expanded, an instance with a
    RECURRENCE-ID taking the place of the date it names."""
    calendar = vobject.readOne(ics.decode())
    masters, overrides = {}, {}
    for entry in calendar.contents.get("vevent", []):
        uid = entry.uid.value
        if hasattr(entry, "recurrence_id"):
            overrides.setdefault(uid, {})[as_utc(entry.recurrence_id.value)] = entry
        else:
            masters[uid] = entry

    def instance(entry, recurrence_id, orphan=False, start=None):
        return Instance(
            start=start or as_utc(entry.dtstart.value),
            uid=entry.uid.value,
            recurrence_id=recurrence_id,
            status=entry.status.value if hasattr(entry, "status") else "CONFIRMED",
            summary=entry.summary.value if hasattr(entry, "summary") else "",
            location=entry.location.value if hasattr(entry, "location") else "",
            description=entry.description.value if hasattr(entry, "description") else "",
            orphan=orphan,
        )

    found = []
    for uid, master in masters.items():
        if not hasattr(master, "rrule"):
            found.append(instance(master, None))
            continue
        own = overrides.get(uid, {})
        for moment in master.getrruleset(addRDate=True).between(
            start - MARGIN, end + MARGIN, inc=True
        ):
            moment = as_utc(moment)
            if moment in own:
                found.append(instance(own[moment], moment))
            else:
                found.append(instance(master, moment, start=moment))
    for uid, own in overrides.items():
        if uid not in masters:
            found += [instance(entry, moment, orphan=True) for moment, entry in own.items()]
    return [i for i in found if start <= i.start < end]


def node_available():
    modules = NODE_DIR / "node_modules"
    return has_program("node") and all((modules / name).is_dir() for name in NODE_PARSERS)


def require_node():
    """Node and tests/interop's packages: skipped without them on a developer's machine, a
    failure in CI (which installs them: `npm ci --prefix tests/interop` in .ci/run)."""
    require_part(
        node_available(), "Node with tests/interop's packages (npm ci --prefix tests/interop)"
    )


def with_node(feeds, start, end):
    """{name: {parser: [Instance]}} for ical.js and node-ical, one Node process for all feeds."""
    request = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "feeds": {name: ics.decode() for name, ics in feeds.items()},
    }
    done = subprocess.run(
        ["node", str(NODE_DIR / "expand.mjs")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    moment = lambda text: dt.datetime.fromisoformat(text) if text else None  # noqa: E731
    return {
        name: {
            parser: [
                Instance(
                    **{
                        **i,
                        "start": moment(i["start"]),
                        "recurrence_id": moment(i["recurrence_id"]),
                    }
                )
                for i in instances
            ]
            for parser, instances in parsers.items()
        }
        for name, parsers in json.loads(done.stdout).items()
    }


def expand(feeds, start, end, *, node=True):
    """{name: {parser: sorted [Instance]}}: each feed (ICS bytes) as each library expands it
    over [start, end)."""
    found = {
        name: {
            "icalendar": with_icalendar(ics, start, end),
            "vobject": with_vobject(ics, start, end),
        }
        for name, ics in feeds.items()
    }
    if node:
        for name, parsers in with_node(feeds, start, end).items():
            found[name].update(parsers)
    return {name: {p: sorted(i) for p, i in parsers.items()} for name, parsers in found.items()}


def by_date(items):
    """Instances or (UID, start, status) keys as {local date: sorted items}, for a readable
    difference."""
    days = {}
    for item in sorted(items):
        start = item.start if isinstance(item, Instance) else item[1]
        days.setdefault(start.astimezone(JST).date(), []).append(item)
    return days


def difference(expected, got):
    """What one set has and the other lacks, date by date (empty when they agree)."""
    return {
        "missing": by_date(set(expected) - set(got)),
        "unexpected": by_date(set(got) - set(expected)),
    }
