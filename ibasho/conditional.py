"""304 Not Modified for HEAD as well as GET.

Django's ConditionalGetMiddleware answers GET only, so a calendar app or monitor that asks with
HEAD and the ETag or date it already has is sent the whole headers of a 200 every time. With
HEAD, the validators the view set itself (the feed's ETag and Last-Modified, for example) are
compared as GET compares them (RFC 9110 §13.2.1); none is computed from a HEAD body."""

from django.middleware.http import ConditionalGetMiddleware as DjangoConditionalGetMiddleware
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe


class ConditionalGetMiddleware(DjangoConditionalGetMiddleware):
    def process_response(self, request, response):
        if request.method != "HEAD":
            return super().process_response(request, response)
        etag = response.get("ETag")
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        if etag or last_modified:
            return get_conditional_response(
                request, etag=etag, last_modified=last_modified, response=response
            )
        return response
