"""Booking throughput on PostgreSQL (and Redis for the cache) under 50 concurrent clients, next
to two same-run baselines served the same way (gunicorn with 4 sync workers, wrk with 50
connections): a trivial Django POST view, and the bare locked insert (bench/urls.py), a POST
that locks a date's row and inserts one sign-up for it, the floor any booking pays.

    python -m bench.bookings       (needs `wrk` and PostgreSQL; DATABASE_URL picks the server
                                    and names the database: <name>_bench is created and dropped,
                                    ibasho_bench without one; BENCH_ROUNDS rounds, 3 by default)

Every booking targets the same date (the worst case: one row lock serialises them all), each
with a fresh one-time form key, so every request is a real new booking; each round books a new
date. Prints requests per second, median latency and the ratios (medians over the rounds), and
checks after every round that exactly the date's places were confirmed, never more."""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import urllib.request
from pathlib import Path

from bench.listings import DURATION, gunicorn, wrk

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 50
PLACES = 20
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SERVER, _NAME = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/").rsplit("/", 1)
# Its own database next to the one named (so that engineers sharing a server do not collide).
DATABASE = f"{_NAME or 'ibasho'}_bench"

WRK_SCRIPT = textwrap.dedent(
    """
    local chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    local counter = 0
    function setup(thread)
      counter = counter + 1
      thread:set("id", counter)
    end
    function init(args)
      math.randomseed(os.time() * 1000 + id)
    end
    local function random_text(length, alphabet)
      local t = {}
      for i = 1, length do
        local r = math.random(1, #alphabet)
        t[i] = alphabet:sub(r, r)
      end
      return table.concat(t)
    end
    local alnum = chars:sub(1, 62)
    wrk.method = "POST"
    -- Every request is a different person: their own browser (CSRF secret) and form key.
    request = function()
      local secret = random_text(32, alnum)
      local body = "csrfmiddlewaretoken=" .. secret
        .. "&form_key=" .. random_text(43, chars) .. "&party_size=1&nickname=bench&website="
      local headers = {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["Cookie"] = "csrftoken=" .. secret,
      }
      return wrk.format(nil, nil, headers, body)
    end
    """
)

SETUP = textwrap.dedent(
    f"""
    import datetime as dt
    import django
    django.setup()
    from django.core.management import call_command
    from django.utils import timezone
    call_command("migrate", verbosity=0)
    from events.models import EventIndexPage, EventPage, Occurrence, ScheduleRule
    from ibasho.models import HomePage
    home = HomePage.objects.get(locale__language_code="ja")
    index = home.add_child(instance=EventIndexPage(title="日程", slug="events"))
    day = timezone.localdate() + dt.timedelta(days=7)
    event = EventPage(title="ベンチマーク", slug="bench", kind="drop_in", summary="-",
                      join_mode="booking", capacity={PLACES})
    # Two dates a round: one for the bookings, one for the bare locked inserts.
    event.rules = [ScheduleRule(frequency="weekly", start_date=day,
                                weekdays=[day.strftime("%a").upper()[:2]], count={2 * ROUNDS},
                                start_time=dt.time(13), end_time=dt.time(16))]
    index.add_child(instance=event)
    event.save_revision().publish()
    print(event.url, *Occurrence.objects.filter(event=event).order_by("start")
          .values_list("pk", flat=True))
    """
)


def psql(sql):
    subprocess.run(
        ["psql", f"{SERVER}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
    )


COUNT = """
import django, json, sys
django.setup()
from django.db.models import Count, Q
from events.models import SignUp
print(json.dumps(SignUp.objects.filter(occurrence=int(sys.argv[1])).aggregate(
    confirmed=Count("pk", filter=Q(status="confirmed")),
    waiting=Count("pk", filter=Q(status="waiting")),
    total=Count("pk"),
)))
"""


def _python(env, code, *args):
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def main():
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install -y wrk")
    var = Path(tempfile.mkdtemp(prefix="ibasho-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "IBASHO_VAR_DIR": str(var),
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        # Fifty clients from one address on purpose: no rate limit in this run.
        "IBASHO_SIGNUP_RATE_PER_IP": "100000000/h",
        "IBASHO_SIGNUP_RATE_PER_DATE": "100000000/h",
    }
    # The production pairing: Redis for the cache (rate limits, page cache) when it is there.
    env["REDIS_URL"] = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    psql(f"CREATE DATABASE {DATABASE}")
    script = var / "booking.lua"
    script.write_text(WRK_SCRIPT)
    results = {"trivial": [], "bare": [], "booking": []}
    checks = []
    try:
        event_url, *dates = _python(env, SETUP).splitlines()[-1].split()
        with gunicorn(env, workers=4) as base:
            load = {"threads": 4, "connections": CONNECTIONS}
            for round_ in range(ROUNDS):
                booked, bare = dates[2 * round_], dates[2 * round_ + 1]
                path = f"{event_url}signup/{booked}/"
                urllib.request.urlopen(base + path, timeout=30).read()  # the form renders
                post = ["-s", str(script)]
                results["trivial"].append(wrk(base + "/bench/trivial-post", post, **load))
                results["bare"].append(wrk(f"{base}/bench/locked-insert/{bare}", post, **load))
                results["booking"].append(wrk(base + path, post, **load))
                checks.append(json.loads(_python(env, COUNT, booked)))
    finally:
        psql(f"DROP DATABASE IF EXISTS {DATABASE}")
        shutil.rmtree(var, ignore_errors=True)
    print(
        f"\n{'POST (median of rounds)':34} {'req/s':>9} {'median':>9} {'vs trivial':>11} "
        f"{'vs bare':>8} {'errors':>7}"
    )
    rps = {name: statistics.median(r[0] for r in runs) for name, runs in results.items()}
    for name, label in [
        ("trivial", "trivial POST view (baseline)"),
        ("bare", "bare locked insert (baseline)"),
        ("booking", "booking one date (row lock)"),
    ]:
        runs = results[name]
        median = runs[len(runs) // 2][1]
        errors = sum(r[2] for r in runs)
        print(
            f"{label:34} {rps[name]:9.1f} {median:>9} {rps[name] / rps['trivial']:10.1%} "
            f"{rps[name] / rps['bare']:7.1%} {errors:7d}"
        )
    ratios = ", ".join(
        f"{b[0] / a[0]:.0%}" for a, b in zip(results["bare"], results["booking"], strict=True)
    )
    print(f"\nbooking / bare locked insert, round by round: {ratios}")
    print(
        f"{CONNECTIONS} concurrent clients, {DURATION} s each, {ROUNDS} rounds; same-run baselines."
    )
    wrong = False
    for round_, count in enumerate(checks, 1):
        print(
            f"round {round_}: {count['total']} bookings, {count['confirmed']} confirmed "
            f"(places: {PLACES}), {count['waiting']} on the waiting list"
        )
        right = count["confirmed"] == min(PLACES, count["total"])
        wrong |= not right or count["confirmed"] + count["waiting"] != count["total"]
    if wrong:
        sys.exit("WRONG NUMBER CONFIRMED")


if __name__ == "__main__":
    main()
