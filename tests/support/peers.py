"""Peer supporters for tests: the index of profiles and a profile hosting some events."""

from peers.models import HostedEvent, PeerIndexPage, PeerProfilePage
from tests.support.pages import index_page


def peer_index(home):
    return index_page(home, PeerIndexPage, "ピアサポーター", "peers")


def make_profile(home, *, title="ひかり", user=None, events=(), **fields):
    """A published profile page of `user`, hosting `events`."""
    fields.setdefault("own_words", "10年ほど家にいました。いまはゆっくり話を聞いています。")
    profile = PeerProfilePage(
        title=title, slug=fields.pop("slug", None) or title, user=user, **fields
    )
    profile.hosted_events = [HostedEvent(event=event) for event in events]
    peer_index(home).add_child(instance=profile)
    profile.save_revision().publish()
    return profile
