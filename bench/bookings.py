"""Booking throughput on PostgreSQL (and Redis for the cache) under 50 concurrent clients, next
to a trivial Django POST view served the same way in the same run (gunicorn with 4 sync
workers, wrk with 50 connections).

    python -m bench.bookings       (needs `wrk` and PostgreSQL; DATABASE_URL picks the server,
                                    default postgres://postgres@127.0.0.1:5432/; the database
                                    ibasho_bench is created and dropped)

Every booking targets the same date (the worst case: one row lock serialises them all), each
with a fresh one-time form key, so every request is a real new booking. Prints requests per
second, median latency, the ratio to the trivial POST, and checks afterwards that the places
were never overbooked."""

import os
import shutil
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
SERVER = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/").rsplit("/", 1)[0]
DATABASE = "ibasho_bench"

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
    event.rules = [ScheduleRule(frequency="once", start_date=day,
                                start_time=dt.time(13), end_time=dt.time(16))]
    index.add_child(instance=event)
    event.save_revision().publish()
    print(event.url + "signup/" + str(Occurrence.objects.get(event=event).pk) + "/")
    """
)


def psql(sql):
    subprocess.run(
        ["psql", f"{SERVER}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
    )


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
    try:
        path = (
            subprocess.run(
                [sys.executable, "-c", SETUP],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        with gunicorn(env, workers=4) as base:
            urllib.request.urlopen(base + path, timeout=30).read()  # the form renders
            load = {"threads": 4, "connections": CONNECTIONS}
            baseline = wrk(base + "/bench/trivial-post", ["-s", str(script)], **load)
            booking = wrk(base + path, ["-s", str(script)], **load)
        counts = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from events.models import SignUp; "
                "print(SignUp.objects.filter(status='confirmed').count(), "
                "SignUp.objects.filter(status='waiting').count())",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
    finally:
        psql(f"DROP DATABASE IF EXISTS {DATABASE}")
        shutil.rmtree(var, ignore_errors=True)
    print(f"\n{'POST':34} {'req/s':>9} {'median':>9} {'vs trivial':>11} {'errors':>7}")
    for label, (rps, median, errors) in [
        ("trivial POST view (baseline)", baseline),
        ("booking one date (row lock)", booking),
    ]:
        print(f"{label:34} {rps:9.1f} {median:>9} {rps / baseline[0]:10.1%} {errors:7d}")
    confirmed, waiting = map(int, counts)
    print(
        f"\n{CONNECTIONS} concurrent clients, {DURATION} s each; baseline from the same run.\n"
        f"after the run: {confirmed} confirmed (places: {PLACES}), {waiting} on the waiting list"
    )
    if confirmed > PLACES:
        sys.exit("OVERBOOKED")


if __name__ == "__main__":
    main()
