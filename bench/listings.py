"""Throughput of the listing and detail pages next to a trivial Django view, served the same
way in the same run: gunicorn with 2 sync workers, wrk with 8 connections.

    python -m bench.listings           (needs `wrk`: apt-get install -y wrk)

Each page is measured twice: rendered on every request (page cache off) and served from the
page cache (as anonymous visitors get it). The baseline is the trivial view on the server with
the page cache off, so the cache's own work counts against the pages, never the baseline.
Prints requests per second, the median latency and the ratio to the trivial view.

    BENCH_SCALES=50,200,800 python -m bench.listings

measures the pages off the cache again on databases of 50 and 800 events (each in its own
run beside its own trivial view) and prints how much slower each page gets from the smallest
to the largest, as a ratio of ratios (so a busier machine in one run does not count)."""

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.local import free_port

ROOT = Path(__file__).resolve().parent.parent
DURATION = os.environ.get("BENCH_SECONDS", "8")
PAGES = [
    ("/events/ (week)", "/events/"),
    ("/events/?view=month", "/events/?view=month"),
    ("/spaces/", "/spaces/"),
    ("a space page", "/spaces/space-3/"),
    ("an event page", "/events/event-3/"),
    ("home page", "/"),
]


def wrk(url, extra=(), *, threads=2, connections=8):
    """(requests per second, median latency, non-2xx/3xx responses) of one wrk run."""
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{DURATION}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    median = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, median, int(errors.group(1)) if errors else 0


@contextlib.contextmanager
def gunicorn(env, *, workers=2):
    """A gunicorn serving the site with `env`; yields its base URL once it answers."""
    port = free_port()
    program = Path(sys.executable).with_name("gunicorn")
    # gunicorn.conf.py in ROOT is read as in production; the access log is written (and
    # redacted) as there, into /dev/null instead of the terminal.
    args = ["ibasho.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    args += ["--log-level", "warning", "--access-logfile", "/dev/null"]
    server = subprocess.Popen([str(program), *args], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/bench/trivial", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait()


@contextlib.contextmanager
def generated(series):
    """The environment of a fresh benchmark database with `series` events."""
    var = Path(tempfile.mkdtemp(prefix="ibasho-bench-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "IBASHO_VAR_DIR": str(var)}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env["BENCH_SERIES"] = str(series)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "bench.generate"], cwd=ROOT, env=env, check=True)
    print(f"data for {series} series generated in {time.monotonic() - started:.0f} s")
    try:
        yield env
    finally:
        shutil.rmtree(var, ignore_errors=True)


def main():
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install -y wrk")
    scales = sorted({int(n) for n in os.environ.get("BENCH_SCALES", "200").split(",")} | {200})
    uncached_at = {}
    for series in scales:
        with generated(series) as env:
            baseline = serve_and_measure(env, [("trivial view (baseline)", "/bench/trivial")], "0")
            uncached = serve_and_measure(env, PAGES, "0")
            uncached_at[series] = [rps / baseline[0][1] for _, rps, _, _ in uncached]
            if series == 200:
                table = baseline, uncached, serve_and_measure(env, PAGES, "600")
    print_table(*table)
    if len(scales) > 1:
        low, high = scales[0], scales[-1]
        print(f"\noff the cache, {low} -> {high} series (ratio to the trivial view in each run)")
        print(f"{'page':24} {low:>9} {high:>9} {'slower by':>10}")
        for (label, _), at_low, at_high in zip(
            PAGES, uncached_at[low], uncached_at[high], strict=True
        ):
            print(f"{label:24} {at_low:9.1%} {at_high:9.1%} {at_low / at_high:9.2f}x")


def print_table(baseline, uncached, cached):
    trivial = baseline[0][1]
    print(f"\n{'page':24} {'cache':>6} {'req/s':>9} {'median':>9} {'vs trivial':>11} {'errors':>7}")
    for label, rps, median, errors in baseline:
        print(f"{label:24} {'-':>6} {rps:9.1f} {median:>9} {rps / trivial:10.1%} {errors:7d}")
    for (label, rps, median, errors), (_, warm, warm_median, warm_errors) in zip(
        uncached, cached, strict=True
    ):
        print(f"{label:24} {'off':>6} {rps:9.1f} {median:>9} {rps / trivial:10.1%} {errors:7d}")
        print(
            f"{'':24} {'on':>6} {warm:9.1f} {warm_median:>9} {warm / trivial:10.1%} "
            f"{warm_errors:7d}"
        )
    print(
        f"\nbaseline (same run): trivial Django view, {trivial:.1f} req/s; "
        "goal for anonymous pages: >= 40 %"
    )


def serve_and_measure(env, pages, cache_seconds):
    """Start gunicorn (2 sync workers) with the page cache on or off and run wrk on each page."""
    with gunicorn({**env, "IBASHO_PAGE_CACHE_SECONDS": cache_seconds}) as base:
        results = []
        for label, path in pages:
            urllib.request.urlopen(base + path, timeout=30).read()
            results.append((label, *wrk(base + path)))
        return results


if __name__ == "__main__":
    main()
