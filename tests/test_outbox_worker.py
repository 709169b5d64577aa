"""A real Celery worker, on Redis and PostgreSQL as in production, sends an outbox message
through a real SMTP server: the task crosses the broker with nothing but the message's id.

It needs a database that another process can open, so it runs where REDIS_URL and a
PostgreSQL DATABASE_URL are set (CI's second run); tests/test_worker.py runs a worker and beat
on the embedded default."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from events import tasks
from events.models import MessageKind, MessageStatus, Occurrence, OutboxMessage
from events.signups import services
from events.signups.tokens import new_form_key
from ibasho.celery import app as celery_app
from tests.support.broker import forget_connection_pools
from tests.support.dates import weekly
from tests.support.parts import require_part

# Deselected on a SQLite run (tests/conftest.py); CI's PostgreSQL run has Redis as well, and
# there a missing REDIS_URL is a failure, never a skip.
pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def redis_is_there():
    require_part(os.environ.get("REDIS_URL"), "Redis (REDIS_URL)")


@pytest.fixture
def through_redis():
    """Tasks go to Redis for real instead of running in the test process."""
    celery_app.conf.task_always_eager = False
    forget_connection_pools()
    yield
    celery_app.conf.task_always_eager = True
    forget_connection_pools()


@pytest.fixture
def worker(tmp_path, smtp_sink):
    """`celery -A ibasho worker` on the test database, its own queue and the SMTP sink."""
    queue = f"outbox-test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="ibasho.settings.dev",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        IBASHO_VAR_DIR=str(tmp_path),
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(settings.EMAIL_PORT),
    )
    celery = Path(sys.executable).with_name("celery")
    process = subprocess.Popen(
        [str(celery), "-A", "ibasho", "worker", "--pool=solo", "-Q", queue, "--loglevel=INFO"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield queue, process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_a_worker_on_redis_sends_a_message_once(
    make_event, settings, through_redis, worker, smtp_sink
):
    queue, process = worker
    settings.IBASHO_OUTBOX_FAST_PATH = False  # the row waits; the test queues the task itself
    first = timezone.localdate() + dt.timedelta(days=7)
    event = make_event(
        join_mode="booking",
        capacity=5,
        holiday_policy="open",
        rules=[weekly(first, ["MO", "TU", "WE", "TH", "FR", "SA", "SU"], count=1)],
    )
    date = Occurrence.objects.get(event=event)
    services.book_place(
        occurrence=date, form_key=new_form_key(), nickname="ゆう", email="yu@example.org"
    )
    message = OutboxMessage.objects.get(kind=MessageKind.CONFIRMATION)
    # The fast path's task, twice (a duplicate delivery): the message still leaves once.
    tasks.deliver_message.apply_async((message.pk,), queue=queue)
    tasks.deliver_message.apply_async((message.pk,), queue=queue)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        message.refresh_from_db()
        if message.status != MessageStatus.PENDING:
            break
        assert process.poll() is None, process.stdout.read()
        time.sleep(0.3)
    assert message.status == MessageStatus.SENT
    time.sleep(1)  # time for the duplicate task to run (and find nothing to do)
    process.send_signal(signal.SIGTERM)
    output = process.communicate(timeout=30)[0]
    assert output.count("succeeded") == 2, output
    assert "yu@example.org" not in output  # the worker's log carries ids only
    [sent] = smtp_sink.messages
    assert sent["To"] == "yu@example.org" and "/my/" in sent.get_body().get_content()
