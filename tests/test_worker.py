"""The embedded default runs real background work: a Celery worker on kombu's filesystem broker,
with no server to install (what `make run` starts), and the periodic jobs beat sends it."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from celery.beat import Scheduler
from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache

from ibasho.tasks import HEARTBEAT_KEY

CELERY = Path(sys.executable).with_name("celery")


def embedded_default(var_dir):
    """The environment of `make run`, its files (broker, cache) in var_dir: no database or
    broker from the test run's environment."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(DJANGO_SETTINGS_MODULE="ibasho.settings.dev", IBASHO_VAR_DIR=str(var_dir))
    return env


def send_heartbeat(env):
    """Queue the heartbeat as beat does, from another process; the task's id."""
    sent = subprocess.run(
        [str(CELERY), "-A", "ibasho", "call", "ibasho.tasks.record_heartbeat"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert sent.returncode == 0, sent.stdout + sent.stderr
    return sent.stdout.strip()


def wait_for_success(worker, log, task_id, timeout=120):
    """Wait for the worker to report the task done; generous, as a loaded machine is slow to
    start a worker, but it returns as soon as the line is there."""
    done = f"Task ibasho.tasks.record_heartbeat[{task_id}] succeeded"
    deadline = time.monotonic() + timeout
    while done not in log.read_text() and time.monotonic() < deadline:
        assert worker.poll() is None, log.read_text()
        time.sleep(0.2)
    assert done in log.read_text(), log.read_text()


def test_a_worker_runs_the_heartbeat_without_a_broker_server(tmp_path):
    # The task that beat sends on its schedule (see the next test), sent by the test itself: it
    # waits for the worker to run two given tasks, never for a schedule to come round.
    env = embedded_default(tmp_path)
    log = tmp_path / "worker.log"
    with log.open("w") as output:  # a file, not a pipe that a chatty worker could fill
        worker = subprocess.Popen(
            [str(CELERY), "-A", "ibasho", "worker", "--pool=solo", "--loglevel=INFO"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    cache = FileBasedCache(str(tmp_path / "cache"), {})
    try:
        wait_for_success(worker, log, send_heartbeat(env))
        first = cache.get(HEARTBEAT_KEY)
        assert first is not None, "the worker ran the heartbeat but the shared cache has none"
        # It keeps running: a later heartbeat replaces the timestamp.
        wait_for_success(worker, log, send_heartbeat(env))
        later = cache.get(HEARTBEAT_KEY)
        assert dt.datetime.fromisoformat(later) > dt.datetime.fromisoformat(first)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def test_beat_sends_the_heartbeat_every_minute():
    from ibasho.celery import app

    # The schedule as beat reads it from the settings.
    entry = Scheduler(app).schedule["record-heartbeat"]
    assert entry.task == "ibasho.tasks.record_heartbeat"
    assert entry.schedule.run_every == dt.timedelta(minutes=1)


def test_the_heartbeat_interval_comes_from_the_environment(tmp_path):
    env = {**embedded_default(tmp_path), "IBASHO_HEARTBEAT_SECONDS": "15"}
    read = subprocess.run(
        [
            sys.executable,
            "-c",
            "from ibasho.settings import dev; "
            "print(dev.CELERY_BEAT_SCHEDULE['record-heartbeat']['schedule'])",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert read.stdout.strip() == "15.0", read.stderr


def test_every_periodic_job_is_a_registered_task():
    from ibasho.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


def test_periodic_sign_up_jobs_are_idempotent(db):
    from events import tasks

    assert tasks.pass_on_expired_offers() == 0
    assert tasks.erase_expired_personal_data() == 0
    assert tasks.erase_expired_personal_data() == 0
