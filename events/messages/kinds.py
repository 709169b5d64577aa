"""The kinds of message the outbox carries. Each sender registers what it sends: a label for
staff and the function that turns a row into a mail at send time (or into nothing, when the
mail is no longer needed). The outbox itself knows none of them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    label: str
    render: object  # render(message, now) -> EmailMessage | None


_kinds = {}


def register(kind, *, label, render):
    """Called by a sender at start-up (its AppConfig.ready). Registering again replaces."""
    _kinds[str(kind)] = Kind(label=label, render=render)


def render(message, *, now):
    """The mail a row stands for now, or None when it is no longer needed."""
    return _kinds[message.kind].render(message, now)


def label(kind):
    registered = _kinds.get(kind)
    return registered.label if registered is not None else kind
