"""Page-cache hit ratio under a mixed workload: anonymous browsing of the demo site plus one
"I might come" a second, as a busy evening would bring.

    python -m bench.page_cache        (BENCH_SECONDS simulated seconds, BENCH_RATE pages a second)

The same seeded workload runs twice in the same run, each in a fresh process over the same
database: once with the cache dropping every page on any write (how it worked before: one
generation for the whole site), once with scopes (a change drops only the pages that show
it). Time is simulated (time-machine), so the figures do not depend on the machine's speed;
the wall-clock median per page is printed beside them. Prints the hit ratio of each and their
ratio."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "120"))
RATE = int(os.environ.get("BENCH_RATE", "20"))

RUN = """
import datetime as dt, json, random, statistics, sys, time
import django
django.setup()
import time_machine
from django.test import Client
from django.utils import timezone
from wagtail.models import Page
from events.models import Occurrence
from events.signups import services
from events.signups.tokens import new_form_key
from ibasho import page_cache

mode, seconds, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if mode == "whole site":
    # As before: every write drops every page, and every page depends on every write.
    page_cache.write_scopes = lambda instance: None
    page_cache.scopes_for_page = lambda page: None
served = {"hit": 0, "miss": 0}
lookup = page_cache.lookup
def counted(request):
    key, answer = lookup(request)
    served["hit" if answer is not None else "miss"] += 1
    return key, answer
page_cache.lookup = counted

start = timezone.now().replace(hour=18, minute=0, second=0, microsecond=0)
urls = [p.url for p in Page.objects.live().filter(depth__gt=1).specific()]
urls += ["/events/feed.ics", "/en/events/feed.ics", "/events/?view=month", "/spaces/?open=today"]
random.seed(20261202)
client = Client(HTTP_HOST="127.0.0.1")
timings = []
with time_machine.travel(start, tick=False) as clock:
    dates = list(Occurrence.objects.filter(event__join_mode="maybe", status="scheduled",
                                           start__gt=start)[:20])
    for second in range(seconds):
        clock.move_to(start + dt.timedelta(seconds=second))
        services.say_maybe(occurrence=random.choice(dates), form_key=new_form_key())
        for _ in range(rate):
            url = random.choice(urls)
            began = time.perf_counter()
            assert client.get(url).status_code == 200, url
            timings.append(time.perf_counter() - began)
total = served["hit"] + served["miss"]
print(json.dumps({"pages": total, "hits": served["hit"], "maybes": seconds,
                  "urls": len(urls), "median_ms": statistics.median(timings) * 1000}))
"""


def main():
    python = sys.executable
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "IBASHO_VAR_DIR": var}
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        env["IBASHO_PAGE_CACHE_SECONDS"] = "600"
        for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
            subprocess.run(
                [python, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        results = {}
        for mode in ("whole site", "by scope"):
            out = subprocess.run(
                [python, "-c", RUN, mode, str(SECONDS), str(RATE)],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results[mode] = json.loads(out.strip().splitlines()[-1])
    before, after = results["whole site"], results["by scope"]
    print(
        f"Page cache under browsing ({RATE} pages/s over {before['urls']} URLs) plus one "
        f"“I might come” a second, {SECONDS} simulated seconds, demo content, SQLite"
    )
    print(f"{'invalidation':<14}{'pages':>8}{'hits':>8}{'hit ratio':>11}{'median ms':>11}")
    for mode, row in results.items():
        ratio = row["hits"] / row["pages"]
        print(f"{mode:<14}{row['pages']:>8}{row['hits']:>8}{ratio:>10.1%}{row['median_ms']:>11.2f}")
    gain = (after["hits"] / after["pages"]) / max(before["hits"] / before["pages"], 1e-9)
    print(f"by scope / whole site: {gain:.2f}× the hit ratio")


if __name__ == "__main__":
    main()
