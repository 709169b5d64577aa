from django.http import HttpResponse
from django.urls import path

from ibasho.urls import urlpatterns as site_urlpatterns


def trivial(request):
    """The baseline: the cheapest response Django can give through the same stack."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), *site_urlpatterns]
