"""Form bodies and query strings that are not UTF-8 are refused with a 400, not decoded.

Django decodes them with replacement characters, so a broken client's bytes would be stored as
"�" in a nickname or a note. A browser showing one of Ibasho's pages always sends UTF-8, so only
broken or hostile clients meet this, and they get a short plain answer in both languages."""

from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

FORM_TYPE = "application/x-www-form-urlencoded"


def is_utf8(encoded):
    """Whether every name and value of a URL-encoded string (bytes) decodes as UTF-8."""
    for pair in encoded.split(b"&"):
        for part in pair.split(b"=", 1):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                return False
    return True


class RefuseInvalidUTF8Middleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        # WSGI hands the raw bytes over as ISO-8859-1 text; anything else was never raw bytes.
        raw_query = query.encode("iso-8859-1", errors="ignore")
        valid = is_utf8(raw_query)
        if valid and request.method == "POST" and request.content_type == FORM_TYPE:
            # An over-long body raises here as it would in the view: Django answers it.
            valid = is_utf8(request.body)
        if not valid:
            return HttpResponseBadRequest(
                _(
                    "Some of what was sent could not be read (it was not in a text encoding we "
                    "understand). Please go back to the page and send it again."
                ),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
