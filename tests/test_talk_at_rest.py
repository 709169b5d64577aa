"""What a database dump or a backup would show of a conversation: nothing readable. The text,
the contact details and staff's notes are encrypted under the keys of IBASHO_TALK_KEYS, which
rotate; production refuses to start without them."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from talk import crypto, services
from talk.models import Conversation, Message
from tests.support.talk import start, text

pytestmark = pytest.mark.django_db

SECRET_TEXT = "母には言えない秘密の話です"


def raw_rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        return " ".join(str(value) for row in cursor.fetchall() for value in row)


def test_the_raw_database_rows_hold_no_text_no_address_and_no_phone(client, contacts):
    token, passphrase, page = start(
        client, SECRET_TEXT, email="hikari.writer@example.org", phone="090-1234-5678"
    )
    assert SECRET_TEXT in page  # the writer reads it...
    conversation = Conversation.objects.get()
    services.add_note(conversation=conversation, body="内部メモ：電話を待つ", user=None)
    dump = " ".join(raw_rows(table) for table in ("talk_conversation", "talk_message", "talk_note"))
    for secret in (SECRET_TEXT, "hikari.writer", "1234-5678", "内部メモ", token, passphrase):
        assert secret not in dump
    assert "gAAAAA" in dump  # Fernet tokens, as stored
    # ...and the application reads it back.
    assert Message.objects.get().body == SECRET_TEXT
    assert Conversation.objects.get().email == "hikari.writer@example.org"


def test_keys_rotate_without_losing_a_message(client, contacts, settings):
    old_key, new_key = crypto.new_key(), crypto.new_key()
    settings.IBASHO_TALK_KEYS = [old_key]
    token, _passphrase, _page = start(client, SECRET_TEXT)
    stored_under_old = raw_rows("talk_message")
    # A new key goes first; the old one stays behind it until everything is rotated.
    settings.IBASHO_TALK_KEYS = [new_key, old_key]
    assert SECRET_TEXT in text(client.get(f"/talk/c/{token}/"))
    call_command("rotate_talk_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert raw_rows("talk_message") != stored_under_old
    # The old key can go now.
    settings.IBASHO_TALK_KEYS = [new_key]
    assert SECRET_TEXT in text(client.get(f"/talk/c/{token}/"))
    assert Message.objects.get().body == SECRET_TEXT


def test_a_missing_key_shows_a_placeholder_not_someone_elses_text(client, contacts, settings):
    settings.IBASHO_TALK_KEYS = [crypto.new_key()]
    token, _passphrase, _page = start(client, SECRET_TEXT)
    settings.IBASHO_TALK_KEYS = [crypto.new_key()]  # the key was removed too early
    page = client.get(f"/talk/c/{token}/")
    assert page.status_code == 200 and SECRET_TEXT not in text(page)


def test_production_refuses_to_start_without_talk_keys():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("IBASHO_TALK_KEYS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ibasho.settings.production",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="ibasho.example.org",
        DATABASE_URL="postgres://ibasho@127.0.0.1:5432/ibasho",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Set the IBASHO_TALK_KEYS environment variable" in result.stderr
