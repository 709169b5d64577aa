"""What an e-mail holds as its recipient's mail program sees it, for tests of several modules."""


def calendar_of(message):
    """(the calendar's text, its part's Content-Type header) of a Django e-mail, or None when it
    carries no calendar."""
    parts = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    if not parts:
        return None
    [part] = parts
    return part.get_payload(decode=True).decode(part.get_content_charset()), part["Content-Type"]
