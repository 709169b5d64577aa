"""Sending outbox messages: how long one sweep takes for 1,000 confirmations, each rendered
from its sign-up with a fresh manage link and a calendar file, next to its same-run baselines.

    python -m bench.outbox         (SQLite in a temporary directory; DATABASE_URL for another
                                    database, which must be empty: it is migrated and filled)

- the sweep with the in-memory e-mail backend (rendering and database work only);
- the sweep through Django's SMTP backend to a local SMTP server (aiosmtpd) on one connection;
- the floor: the same number of ready-made messages sent to that server on one connection.
The numbers say how many messages one worker process can send per minute, for the README's
sizing advice."""

import datetime as dt
import os
import statistics
import sys
import tempfile
import time

from bench.local import smtp_server

MESSAGES = int(os.environ.get("BENCH_MESSAGES", "1000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def main():
    var_dir = tempfile.mkdtemp(prefix="ibasho-bench-outbox-")
    os.environ.setdefault("IBASHO_VAR_DIR", var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.utils import timezone

    from events.messages import delivery
    from events.models import (
        EventIndexPage,
        EventPage,
        MessageStatus,
        Occurrence,
        OutboxMessage,
        ScheduleRule,
    )
    from events.signups import services
    from events.signups.tokens import new_form_key
    from ibasho.models import HomePage

    settings.IBASHO_OUTBOX_FAST_PATH = False
    call_command("migrate", verbosity=0)
    home = HomePage.objects.get(locale__language_code="ja")
    index = home.add_child(instance=EventIndexPage(title="日程", slug="events"))
    day = timezone.localdate() + dt.timedelta(days=7)
    event = EventPage(
        title="ベンチマーク",
        slug="bench",
        kind="drop_in",
        summary="-",
        join_mode="booking",
        capacity=MESSAGES,
    )
    event.rules = [
        ScheduleRule(
            frequency="weekly",
            start_date=day,
            weekdays=[day.strftime("%a").upper()[:2]],
            start_time=dt.time(13),
            end_time=dt.time(16),
            count=1,
        )
    ]
    index.add_child(instance=event)
    event.save_revision().publish()
    date = Occurrence.objects.get(event=event)
    for number in range(MESSAGES):
        services.book_place(
            occurrence=date,
            form_key=new_form_key(),
            nickname=f"n{number}",
            email=f"person{number}@example.org",
        )
    assert OutboxMessage.objects.due().count() == MESSAGES

    def sweep():
        OutboxMessage.objects.update(status=MessageStatus.PENDING, sent_at=None)
        started = time.perf_counter()
        handled = delivery.send_due()
        seconds = time.perf_counter() - started
        assert handled == MESSAGES, handled
        return seconds

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    locmem = statistics.median(sweep() for _ in range(RUNS))

    ready = [
        mail.EmailMessage("subject", "body " * 80, to=[f"person{n}@example.org"])
        for n in range(MESSAGES)
    ]

    def floor():
        started = time.perf_counter()
        with mail.get_connection() as connection:
            connection.send_messages(ready)
        return time.perf_counter() - started

    with smtp_server() as (sink, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        smtp = statistics.median(sweep() for _ in range(RUNS))
        assert len(sink.messages) == MESSAGES * RUNS
        bare = statistics.median(floor() for _ in range(RUNS))

    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"{MESSAGES} confirmations, median of {RUNS} runs, {database}:")
    for name, seconds in [
        ("sweep, in-memory backend", locmem),
        ("sweep, SMTP to a local server", smtp),
        ("floor: ready messages, same SMTP server", bare),
    ]:
        per = seconds / MESSAGES * 1000
        print(f"  {name:42} {seconds:6.2f} s  {per:5.1f} ms/message  {60 / per * 1000:8.0f}/min")


if __name__ == "__main__":
    sys.exit(main())
