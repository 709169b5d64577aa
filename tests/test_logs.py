"""What an operator's logs hold: no private link, whoever wrote the line (Django, Celery,
gunicorn), and an outage of Redis said in a short line once a minute, not a traceback a call."""

import datetime as dt
import io
import logging
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from bench.local import free_port
from events.signups import views
from events.signups.models import SignUp, SignUpStatus
from ibasho.logs import OutageLines
from tests.support.pages import book

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_output():
    """What the site's console handler writes (its filters included), from this test only."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    for log_filter in handler.filters:
        if isinstance(log_filter, OutageLines):
            log_filter.last_said.clear()
    output = io.StringIO()
    saved = handler.setStream(output)
    yield output
    handler.setStream(saved)


@pytest.fixture
def every_request_logged():
    """Django's request logger at its most talkative (a 404 is a warning), as an operator
    chasing a problem might set it: the redaction must hold then too."""
    request_logger = logging.getLogger("django.request")
    saved = request_logger.level
    request_logger.setLevel(logging.DEBUG)
    yield
    request_logger.setLevel(saved)


@pytest.fixture
def manage_path(client, date):
    response = book(client, date.event, date, nickname="ゆう", party_size="1")
    assert response.status_code == 302
    return response["Location"].split("?")[0]


def test_no_log_line_holds_a_manage_token(
    client, manage_path, log_output, every_request_logged, monkeypatch
):
    token = manage_path.split("/")[2]
    assert len(token) >= 40
    # A normal visit, and its calendar file.
    assert client.get(manage_path).status_code == 200
    assert client.get(manage_path + "calendar.ics").status_code == 200
    # A form sent without its CSRF token (a page kept open for days, a blocked cookie).
    refused = Client(enforce_csrf_checks=True).post(manage_path, {"action": "cancel"})
    assert refused.status_code == 403
    # A link with one character wrong.
    wrong = manage_path.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert Client().get(wrong).status_code == 404

    # A bug whose message quotes the path: the error report and its traceback carry it.
    def broken(*args, **kwargs):
        raise RuntimeError(f"could not show {manage_path}")

    monkeypatch.setattr(views, "manage_context", broken)
    erring = Client(raise_request_exception=False)
    assert erring.get(manage_path).status_code == 500
    # runserver's access line, as `make run` writes it.
    logging.getLogger("django.server").info('"%s" %s %s', f"GET {manage_path} HTTP/1.1", 200, 1234)

    written = log_output.getvalue()
    assert "Forbidden (CSRF" in written
    assert "Not Found: /my/[redacted]/" in written
    assert "Internal Server Error: /my/[redacted]/" in written
    assert "RuntimeError: could not show /my/[redacted]/" in written  # the traceback's last line
    assert "GET /my/[redacted]/ HTTP/1.1" in written
    assert token not in written and token[:20] not in written
    # The refused and broken requests changed nothing.
    assert SignUp.objects.get().status == SignUpStatus.CONFIRMED


def test_celerys_worker_logs_through_the_same_filters(tmp_path):
    """The worker sets its logging up as Celery does at start (the `setup_logging` signal);
    what its tasks and Celery itself then log passes the site's filters."""
    token = "Qm9vay1tZS1wbGVhc2UtdGhpcy1pcy1hLXRva2VuLTEyMzQ"
    program = f"""
import logging
from ibasho.celery import app
from celery.utils.log import get_task_logger
app.log.setup(loglevel="INFO")
get_task_logger("events.tasks").warning("could not deliver the link /my/{token}/")
logging.getLogger("celery.worker").error("task failed", exc_info=RuntimeError("{token}"))
logging.getLogger("celery.app.trace").info("Task events.tasks.deliver_message[1] succeeded")
"""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ibasho.settings.dev"}
    env["IBASHO_VAR_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    written = done.stdout + done.stderr
    assert "could not deliver the link /my/[redacted]/" in written
    assert "RuntimeError: [redacted]" in written
    assert "Task events.tasks.deliver_message[1] succeeded" in written
    assert token not in written


def test_gunicorns_access_and_error_logs_hold_no_token(tmp_path):
    """gunicorn started as the README says, with the repository's gunicorn.conf.py."""
    token = "Zm9yZ2VkLWJ1dC1sb25nLWVub3VnaC10by1iZS1hLXRva2VuLTk4NzY"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")} | {
        "DJANGO_SETTINGS_MODULE": "ibasho.settings.dev",
        "IBASHO_VAR_DIR": str(tmp_path),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    log = tmp_path / "gunicorn.log"
    program = Path(sys.executable).with_name("gunicorn")
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(program), "ibasho.wsgi"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_serving(base, server, log)
            statuses = [
                fetch(f"{base}/my/{token}/"),
                fetch(f"{base}/my/{token}/calendar.ics?token={token}"),
                fetch(f"{base}/healthz/live", referer=f"{base}/en/my/{token}/"),
            ]
        finally:
            server.terminate()
            server.wait(timeout=30)
    written = log.read_text()
    assert statuses[2] == 200
    # The database of this gunicorn has no tables: a manage link is a real 500, with its
    # error report in the same output.
    assert statuses[0] == 500 and "Internal Server Error: /my/[redacted]/" in written
    assert f'"GET /my/[redacted]/ HTTP/1.1" {statuses[0]}' in written
    assert '"GET /my/[redacted]/calendar.ics?token=[redacted] HTTP/1.1"' in written
    assert '"GET /healthz/live HTTP/1.1" 200 ' in written
    assert '"http://127.0.0.1:' in written and '/en/my/[redacted]/"' in written  # the referrer
    assert token not in written


def wait_until_serving(base, server, log, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            urllib.request.urlopen(base + "/healthz/live", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(log.read_text())


def fetch(url, referer=None):
    request = urllib.request.Request(url, headers={"Referer": referer} if referer else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_redis_outage_is_one_short_line_a_minute(
    client, date, cache_down, broker_down, log_output, frozen_now
):
    for _ in range(3):
        visitor = Client()  # three people, each booking once
        assert visitor.get(date.event.url).status_code == 200
        assert visitor.get("/events/").status_code == 200
        assert book(visitor, date.event, date, party_size="1").status_code == 302
        assert client.get("/healthz").status_code == 503
    assert SignUp.objects.count() == 3  # taken though Redis is down

    lines = log_output.getvalue().splitlines()
    assert "Traceback" not in log_output.getvalue()
    cache_lines = [line for line in lines if "cache unavailable" in line]
    broker_lines = [line for line in lines if "broker" in line]
    assert len(cache_lines) == 1 and len(broker_lines) == 1, lines
    assert len(lines) <= 3, lines  # cache, broker and /healthz's own 503 at most
    assert all(len(line) < 300 for line in lines)
    assert "once a minute" in cache_lines[0]

    # A minute later, if it lasts, it is said again; once.
    frozen_now.shift(dt.timedelta(seconds=61))
    log_output.truncate(0)
    log_output.seek(0)
    for _ in range(2):
        client.get(date.event.url)
        client.get("/healthz")
    again = log_output.getvalue().splitlines()
    assert len([line for line in again if "cache unavailable" in line]) == 1, again


def test_what_is_redacted_and_what_stays_readable():
    from ibasho.logs import redact

    assert redact("GET /accounts/password/reset/key/1-a2b3c4/ HTTP/1.1") == (
        "GET /accounts/password/reset/key/[redacted]/ HTTP/1.1"
    )
    assert redact("/feed.ics?lang=en&token=abc123") == "/feed.ics?lang=en&token=[redacted]"
    # The page for lost links has no token; task ids, module paths and long names stay.
    kept = (
        "POST /my/ HTTP/1.1",
        "Task events.tasks.deliver_message[0b6f3c55-9d1e-4b8e-a0f4-3f3a3c0f2b11] succeeded",
        "test_a_worker_runs_the_heartbeat_without_a_broker_server",
        "django_redis.exceptions.ConnectionInterrupted",
    )
    for line in kept:
        assert redact(line) == line


def test_a_worker_waiting_for_redis_says_so_once_a_minute(tmp_path):
    """A worker started while Redis is down retries every few seconds; its log says so once."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env |= {
        "DJANGO_SETTINGS_MODULE": "ibasho.settings.dev",
        "IBASHO_VAR_DIR": str(tmp_path),
        "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
    }
    log = tmp_path / "worker.log"
    celery = Path(sys.executable).with_name("celery")
    with log.open("w") as output:
        worker = subprocess.Popen(
            [str(celery), "-A", "ibasho", "worker", "--pool=solo", "--loglevel=INFO"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while "Cannot connect to redis" not in log.read_text():
                assert worker.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            # Celery tries again after 2 seconds, then 4 more: two retries unsaid.
            time.sleep(8)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    written = log.read_text()
    said = [line for line in written.splitlines() if "Cannot connect to redis" in line]
    assert len(said) == 1, written
    assert "once a minute" in said[0] and "Traceback" not in written
