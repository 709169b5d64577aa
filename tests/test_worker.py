"""The embedded default runs real background work: a Celery worker and beat on kombu's
filesystem broker, with no server to install (what `make run` starts)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache

from ibasho.tasks import HEARTBEAT_KEY


def test_worker_and_beat_run_periodic_jobs_without_a_broker_server(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ibasho.settings.dev",
        IBASHO_VAR_DIR=str(tmp_path),
        IBASHO_HEARTBEAT_SECONDS="1",
    )
    celery = Path(sys.executable).with_name("celery")
    worker = subprocess.Popen(
        [str(celery), "-A", "ibasho", "worker", "--beat", "--pool=solo", "--loglevel=INFO"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    cache = FileBasedCache(str(tmp_path / "cache"), {})
    try:
        deadline = time.monotonic() + 60
        while cache.get(HEARTBEAT_KEY) is None and time.monotonic() < deadline:
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.5)
        first = cache.get(HEARTBEAT_KEY)
        assert first is not None, "beat never ran the heartbeat through the worker"
        # It keeps running: a later beat replaces the timestamp.
        deadline = time.monotonic() + 30
        while cache.get(HEARTBEAT_KEY) == first and time.monotonic() < deadline:
            time.sleep(0.5)
        assert cache.get(HEARTBEAT_KEY) > first
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


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
