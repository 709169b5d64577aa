"""Ending a person's sessions: when staff deactivate an account, every browser signed in to it
is signed out at once (sessions live in the database)."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone


def end_sessions(user):
    """Delete every live session signed in as `user`; returns how many. Reads each session,
    which is fine for a centre's few signed-in people: visitors get no session at all."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()
            ended += 1
    return ended
