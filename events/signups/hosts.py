"""Whether an event has a host from outside the staff (a peer supporter), who sees the
nicknames and party sizes of its sign-ups (SignUpQuerySet.seen_by_host), so the sign-up form
can say so. Events knows nothing of peers: the app that keeps hosts registers its answer at
start-up (its AppConfig.ready)."""

_answer = None


def register(has_peer_host):
    """`has_peer_host(event) -> bool`, for an event page in the site's main language."""
    global _answer  # one answer per process, set once at start-up
    _answer = has_peer_host


def has_peer_host(event):
    return bool(_answer and _answer(event.source))
