from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path

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


urlpatterns = [
    path("bench/trivial", trivial),
    path("bench/trivial-post", trivial_post),
    *site_urlpatterns,
]
