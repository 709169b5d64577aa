"""The full-site calendar feed: 200 series and about 10,000 dates (1,000 cancelled, 200 moved).

    python -m bench.feeds          (the warm part needs `wrk`: apt-get install -y wrk)

Cold (page cache off), in one process, medians of several runs, each next to its same-run
baselines:
- the feed view, database queries included;
- a plain serializer making the same calendar (series with RRULEs, their exceptions) from
  every date already in memory: it sorts the dates into series and exceptions itself (a
  master's SEQUENCE summed over all its stored dates, as feeds.master_sequence defines it),
  then writes them with the same code (the floor of the goal); and that writer alone, from exactly
  what the view reads (the view minus its queries);
- one VEVENT object per date through icalendar's object model (the shape of ls.joyous's
  export).
The three calendars are compared byte for byte. The query count is asserted by
tests/test_feeds.py (constant, at most 10).
Once warm, the cold process freezes what it has loaded out of the garbage collector's way, as
ibasho/wsgi.py does in every server process.
Warm (page cache on), through gunicorn with 2 sync workers and wrk with 8 connections on the
same machine: the feed, a 304 for a client that has it, a trivial Django view, and a Django
view returning a body of the feed's size from memory (what moving those bytes costs), served
the same way. A stored feed is answered by ibasho.page_cache.CachedPages before Django runs;
the trivial view and the same-size body go through the whole middleware stack."""

import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from bench.listings import gunicorn, wrk

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
DURATION = os.environ.get("BENCH_SECONDS", "6")

COLD = """
import datetime as dt, gc, statistics, time, json
import django
django.setup()
from django.test import Client, RequestFactory
from django.utils import timezone
from icalendar import Calendar, Event
from events.calendars import feeds
from events.calendars import ical
from events.models import EventPage, Occurrence, Series
from events.schedule.listing import apply_filters
from spaces.models import SpacePage

client = Client(HTTP_HOST="127.0.0.1")
def timed(fn, runs):
    # CPU time of this process (the database is SQLite, in this process): a second process
    # busy on the other core changes it far less than wall-clock time.
    times = []
    for _ in range(runs):
        started = time.process_time()
        result = fn()
        times.append(time.process_time() - started)
    return statistics.median(times), result

body = client.get("/events/feed.ics").content  # also warms the per-process caches
gc.freeze()  # as ibasho/wsgi.py does in a server process, once the site is loaded
view_seconds, _ = timed(lambda: client.get("/events/feed.ics").content, RUNS)

# The floors make the same calendar from data already in memory (no queries):
# - "writer": from exactly what the view reads (series spans and exceptions), so only the
#   queries are missing;
# - "plain": a plain serializer of the same form from every date in memory, which sorts the
#   dates into series and exceptions itself, then writes them with the same code.
request = RequestFactory().get("/events/feed.ics", HTTP_HOST="127.0.0.1")
data = feeds.load({})
def url_for(page):
    return request.build_absolute_uri(page.get_url(request))
def write(feed_data):
    entries, last_change = feeds.components(feed_data, discreet=False, url_for=url_for)
    return ical.build_feed(entries, name="bench", stamp=last_change)
floor_seconds, floor_body = timed(lambda: write(data), RUNS)

# Every stored date of a live event: a master's SEQUENCE sums over past ones too
# (feeds.master_sequence); only those in the window are written or spanned.
since = data.today - feeds.HISTORY
shown_until = data.today + dt.timedelta(days=feeds.CANCELLED_SHOWN_DAYS + 1)
stored = list(Occurrence.objects.live().order_by("start", "pk"))
dates = [o for o in stored if o.end >= since]
sources = EventPage.objects.in_bulk({o.event_id for o in dates})
series_rows = {(s.event_id, s.key): s for s in Series.objects.all()}
spaces = SpacePage.objects.select_related("area").in_bulk(
    {o.space_id for o in dates} | {e.space_id for e in sources.values()})
def plain():
    spans, exceptions, sequences = {}, [], {}
    for o in stored:
        if o.series_key:
            cancelled = o.status == "cancelled"
            key = (o.event_id, o.series_key)
            sequences[key] = sequences.get(key, 0) + o.sequence + 1 + (o.end < since) + (
                cancelled and o.start < shown_until) + (cancelled and o.start < data.today)
    changed = {}
    for o in stored:
        if o.series_key:
            key = (o.event_id, o.series_key)
            changed[key] = max(changed.get(key, o.updated_at), o.updated_at)
    for o in dates:
        regular = bool(o.series_key) and o.status == "scheduled" and not o.edited and (
            not o.message and o.start == o.original_start
            and o.space_id == sources[o.event_id].space_id)
        if o.series_key:
            span = spans.get((o.event_id, o.series_key))
            if span is None:
                span = spans[o.event_id, o.series_key] = {
                    "event_id": o.event_id, "series_key": o.series_key,
                    "first": o.original_start, "last": o.original_start,
                    "sequence": sequences[o.event_id, o.series_key],
                    "changed": changed[o.event_id, o.series_key], "regular": 0}
            span["first"] = min(span["first"], o.original_start)
            span["last"] = max(span["last"], o.original_start)
            span["regular"] += regular
        if not regular:
            exceptions.append(feeds.FeedDate(
                o.event_id, o.series_key, o.original_start, o.start, o.end, o.space_id,
                o.status, o.cancel_reason, o.message, o.message_en, o.sequence, o.updated_at,
                True))
    return write(feeds.FeedData(
        today=data.today, series=sorted(spans.values(), key=lambda s: (s["first"], s["event_id"])),
        exceptions=exceptions, series_rows=series_rows, events=sources, sources=sources,
        spaces=spaces))
plain_seconds, plain_body = timed(plain, RUNS)
def entries(calendar):
    return calendar.split(b"BEGIN:VTIMEZONE", 1)[1]
same = entries(body) == entries(floor_body) == entries(plain_body)

# One VEVENT object per date through icalendar's object model (the shape of ls.joyous's export).
items = list(apply_filters(Occurrence.objects.live().filter(
    end__gte=data.today - feeds.HISTORY), {}))
urls = {o.event_id: url_for(o.event) for o in items}
def object_model():
    calendar = Calendar()
    calendar.add("prodid", ical.PRODID)
    calendar.add("version", "2.0")
    for occurrence in items:
        event = Event()
        event.add("uid", ical.occurrence_uid(occurrence))
        event.add("dtstamp", timezone.now())
        event.add("dtstart", occurrence.start)
        event.add("dtend", occurrence.end)
        event.add("sequence", occurrence.sequence)
        event.add("last-modified", occurrence.updated_at)
        event.add("status", "CANCELLED" if occurrence.is_cancelled else "CONFIRMED")
        event.add("summary", occurrence.event.title)
        event.add("location", occurrence.space.title if occurrence.space else "")
        event.add("description", occurrence.event.summary)
        event.add("url", urls[occurrence.event_id])
        calendar.add_component(event)
    return calendar.to_ical()
model_seconds, model_body = timed(object_model, max(1, RUNS // 2))
print(json.dumps({
    "dates": len(items), "cancelled": sum(o.is_cancelled for o in items),
    "moved": sum(o.start != o.original_start for o in items),
    "bytes": len(body), "entries": body.count(b"BEGIN:VEVENT"),
    "view": view_seconds, "floor": floor_seconds, "plain": plain_seconds, "same": same,
    "model": model_seconds,
    "model_bytes": len(model_body),
}))
"""


def main():
    import json

    var = Path(tempfile.mkdtemp(prefix="ibasho-bench-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "IBASHO_VAR_DIR": str(var)}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    python = sys.executable
    try:
        subprocess.run([python, "-m", "bench.generate"], cwd=ROOT, env=env, check=True)
        cold_env = {**env, "IBASHO_PAGE_CACHE_SECONDS": "0", "BENCH_RUNS": str(RUNS)}
        out = subprocess.run(
            [python, "-c", COLD.replace("RUNS", str(RUNS))],
            cwd=ROOT,
            env=cold_env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        cold = json.loads(out.strip().splitlines()[-1])
        warm = serve_warm(env) if shutil.which("wrk") else None
    finally:
        shutil.rmtree(var, ignore_errors=True)

    print(
        f"\nfeed of {cold['dates']} dates ({cold['cancelled']} cancelled, {cold['moved']} moved):"
        f" {cold['entries']} VEVENTs, {cold['bytes'] / 1e6:.2f} MB"
        f" (one VEVENT per date: {cold['model_bytes'] / 1e6:.1f} MB);"
        " queries: a constant few, see tests/test_feeds.py"
    )
    print(f"{'cold, median of ' + str(RUNS):42} {'CPU s':>9} {'ratio':>12}")
    print(f"{'feed view (queries included)':42} {cold['view']:9.3f}")
    print(
        f"{'baseline: plain serializer, dates in memory':42} {cold['plain']:9.3f} "
        f"{cold['view'] / cold['plain']:9.2f}×  (goal: view within 2×)"
    )
    print(
        f"{'  (its writer alone, from what the view reads)':42} {cold['floor']:9.3f} "
        f"{cold['view'] / cold['floor']:9.2f}×"
    )
    print(
        f"{'baseline: icalendar object per date':42} {cold['model']:9.3f} "
        f"{cold['model'] / cold['view']:9.1f}×  (goal: view ≥ 20× faster)"
    )
    print(f"all three make the same calendar: {'yes' if cold['same'] else 'NO'}")
    if warm:
        trivial = warm[0][1]
        print(f"\n{'warm, wrk 8 connections':42} {'req/s':>9} {'median':>9} {'vs trivial':>11}")
        for label, rps, median in warm:
            print(f"{label:42} {rps:9.1f} {median:>9} {rps / trivial:10.1%}")
        print("goal: warm feed ≥ 50 % of the trivial view; a 304 faster still")
        print(
            f"the cached feed (answered before Django) runs at {warm[2][1] / warm[1][1]:.0%}"
            " of a body of its size served through Django's middleware"
        )


def serve_warm(env):
    with gunicorn(env) as base:
        with urllib.request.urlopen(base + "/events/feed.ics", timeout=60) as first:
            etag, size = first.headers["ETag"], len(first.read())
        script = Path(tempfile.mkdtemp()) / "etag.lua"
        script.write_text(f"wrk.headers['If-None-Match'] = '{etag}'\n")
        results = []
        for label, path, extra in [
            ("trivial view (baseline)", "/bench/trivial", []),
            ("same-size body via Django's middleware", f"/bench/same-size?bytes={size}", []),
            ("feed, from the page cache", "/events/feed.ics", []),
            ("feed, 304 (If-None-Match)", "/events/feed.ics", ["-s", str(script)]),
        ]:
            rps, median, _errors = wrk(base + path, extra)
            results.append((label, rps, median))
        return results


if __name__ == "__main__":
    main()
