"""Where a date happens, and who may know exactly where: the one home of that rule.

A space either shows its address to everyone or keeps it (and its door instructions) back
until a place is confirmed (`SpacePage.address_is_public`, set by staff). Everyone
else — a visitor, a calendar feed, schema.org data, someone who said "I might come", is
waiting, has been offered a place or has cancelled — sees the area only. Feeds, calendar files,
the manage page, a space's page and its structured data all ask `shows_address`; every
calendar (feeds, a person's file, e-mail attachments) asks `calendar_location`. The link to join
an online space is lighter: one anonymous step away at most (`shows_join_link`)."""

from django.utils.translation import gettext as _


def place_of(occurrence):
    """The space a date happens at: its own (a date may move to another room), else its
    event's; None online."""
    return occurrence.space or occurrence.event.space


# What a date's place and people may be read with, for `place_of` and `public_location`.
PLACE_RELATIONS = ("event__space__area", "space__area")


def public_location(space):
    """What anyone may know of where a space is: its name and its area."""
    area = space.area.name if space.area_id else ""
    return ", ".join(filter(None, [space.title, area]))


def shows_address(space, *, has_place=False):
    """May the exact address be shown? `has_place`: the reader's place is confirmed (see
    events.signups.models.SignUp.has_place)."""
    return space is not None and bool(space.address_is_public or has_place)


def shows_join_link(space, *, joined=False, just_come=False):
    """May the link to join an online space be shown? To everyone where staff publish it; on
    a "just come" date, where nothing is asked of anyone (so the link is the way in); otherwise
    to a reader who has `joined` the date in the lightest way it allows (an "I might come",
    which is anonymous, or a confirmed place: see SignUp.may_join_online)."""
    if space is None or not space.online_join_url:
        return False
    return bool(space.show_join_url or just_come or joined)


def calendar_location(space, event, *, discreet, has_place=False):
    """LOCATION of a date in a calendar. The exact address where it may be shown; otherwise
    the space and its area, or "Online". Discreet (a calendar a family shares) hides what the
    gathering is about, so the space's name goes, but not where it is: the address, the area,
    or the fact that it happens online."""
    if shows_address(space, has_place=has_place) and space.address:
        return space.address if discreet else f"{space.title}, {space.address}"
    online = space.is_online if space is not None else event.is_online
    if online:
        return _("Online") if discreet or space is None else f"{space.title}, {_('Online')}"
    if space is None:
        return ""
    if discreet:
        return space.area.name if space.area_id else ""
    return public_location(space)
