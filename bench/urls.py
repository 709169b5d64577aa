from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path
from django.utils import timezone

from events.models import Occurrence, SignUp
from ibasho.urls import urlpatterns as site_urlpatterns


def trivial(request):
    """The baseline: the cheapest response Django can give through the same stack."""
    return HttpResponse("ok", content_type="text/plain")


def trivial_post(request):
    """The baseline for forms: a POST through the same stack (CSRF check included) answered
    with a redirect, as a booking is, but touching no database."""
    if request.method != "POST":
        return HttpResponse("ok", content_type="text/plain")
    return HttpResponseRedirect("/bench/trivial")


def locked_insert(request, occurrence_id):
    """The floor for a booking: a POST through the same stack that locks one date's row and
    inserts one sign-up for it, in one transaction, and redirects. No form, no rules, no
    rate limit: what any booking must pay at least under the same row lock."""
    if request.method != "POST":
        return HttpResponse("ok", content_type="text/plain")
    with transaction.atomic():
        occurrence = Occurrence.objects.select_for_update().get(pk=occurrence_id)
        SignUp.objects.create(
            event_id=occurrence.event_id,
            occurrence=occurrence,
            kind="booking",
            status="confirmed",
            queued_at=timezone.now(),
        )
    return HttpResponseRedirect("/bench/trivial")


_BODIES = {}


def same_size(request):
    """The ceiling for a cached feed: a body of the same size, already in memory (with an ETag,
    as the feed has), through the same stack. What is left is the cost of the bytes."""
    size = min(int(request.GET.get("bytes", "0")), 50_000_000)
    body = _BODIES.setdefault(size, b"x" * size)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = f'"{size}"'
    return response


urlpatterns = [
    path("bench/same-size", same_size),
    path("bench/trivial", trivial),
    path("bench/trivial-post", trivial_post),
    path("bench/locked-insert/<int:occurrence_id>", locked_insert),
    *site_urlpatterns,
]
