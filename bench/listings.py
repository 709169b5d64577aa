"""Throughput of the listing and detail pages next to a trivial Django view, served the same
way in the same run: gunicorn with 2 sync workers, wrk with 8 connections.

    python -m bench.listings           (needs `wrk`: apt-get install -y wrk)

Prints requests per second for each page and its ratio to the trivial view."""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DURATION = os.environ.get("BENCH_SECONDS", "8")
PAGES = [
    ("trivial view (baseline)", "/bench/trivial"),
    ("/events/ (week)", "/events/"),
    ("/events/?view=month", "/events/?view=month"),
    ("/spaces/", "/spaces/"),
    ("a space page", "/spaces/space-3/"),
    ("an event page", "/events/event-3/"),
    ("home page", "/"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url):
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{DURATION}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    median = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, median, int(errors.group(1)) if errors else 0


def main():
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install -y wrk")
    var = Path(tempfile.mkdtemp(prefix="ibasho-bench-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "IBASHO_VAR_DIR": str(var)}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    python = sys.executable
    started = time.monotonic()
    subprocess.run([python, "-m", "bench.generate"], cwd=ROOT, env=env, check=True)
    print(f"data generated in {time.monotonic() - started:.0f} s")
    port = free_port()
    gunicorn = Path(python).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "ibasho.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/bench/trivial", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        results = []
        for label, path in PAGES:
            urllib.request.urlopen(base + path, timeout=30).read()
            results.append((label, path, *wrk(base + path)))
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(var, ignore_errors=True)
    baseline = results[0][2]
    print(f"\n{'page':28} {'req/s':>9} {'median':>9} {'vs trivial':>11} {'errors':>7}")
    for label, _path, rps, median, errors in results:
        print(f"{label:28} {rps:9.1f} {median:>9} {rps / baseline:10.1%} {errors:7d}")
    print(
        f"\nbaseline (same run): trivial Django view, {baseline:.1f} req/s; goal for pages: >= 40 %"
    )


if __name__ == "__main__":
    main()
