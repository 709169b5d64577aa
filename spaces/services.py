"""Live status workflows: a note on a space that staff (and later hosts) set in two clicks."""

from django.db import transaction
from django.utils import timezone

from .directory import LiveStatus, LiveStatusKind


def set_live_status(*, space, kind, message="", message_en="", user=None, now=None, ends_at=None):
    """Replace the space's current status. It ends by itself at the end of today unless
    `ends_at` says otherwise; always stored on the page in the site's main language."""
    if kind not in LiveStatusKind.values:
        raise ValueError(f"unknown status {kind!r}")
    now = now or timezone.now()
    ends_at = ends_at or LiveStatus.end_of_today(now)
    space = space.source
    with transaction.atomic():
        _end_current(space, now)
        return LiveStatus.objects.create(
            space=space,
            kind=kind,
            message=message.strip(),
            message_en=message_en.strip(),
            starts_at=now,
            ends_at=ends_at,
            set_by=user,
        )


def clear_live_status(*, space, now=None):
    """End the current status now: the schedule alone speaks again."""
    now = now or timezone.now()
    with transaction.atomic():
        return _end_current(space.source, now)


def _end_current(space, now):
    # Saved one by one (there is rarely more than one) so that page caches hear of it.
    ended = 0
    for status in LiveStatus.objects.current(now).filter(space=space).select_for_update():
        if status.starts_at >= now:
            status.delete()  # set this very moment: it never showed
        else:
            status.ends_at = now
            status.save(update_fields=["ends_at"])
        ended += 1
    return ended
