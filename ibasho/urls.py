from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from events.pages import views as events_views
from peers import views as peers_views

from . import open_data, views
from .api import api
from .search import views as search_views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("healthz/live", views.liveness, name="liveness"),
    # Wagtail's sign-in is allauth's, which asks for the second factor staff must have.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
    ),
    path("admin/", include(wagtailadmin_urls)),
    # Open data is written in the site's main language whatever the reader's.
    path("events/open-data/events.csv", open_data.events_csv, name="open-data-csv"),
    path("events/open-data/events.json", open_data.events_json, name="open-data-json"),
    # The JSON API takes its language as a parameter (`lang`), not from the URL.
    path("api/v1/", api.urls),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Japanese at unprefixed URLs, English under /en/.
urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("my/", include("events.signups.urls")),
    path("talk/", include("talk.urls")),
    path("peers/invitation/<str:token>/", peers_views.accept_invitation, name="peers_invitation"),
    path("peers/dashboard/", include("peers.urls")),
    # Before Wagtail's pages, whose URLs all end in a slash.
    path("events/feed.ics", events_views.feed, name="events-feed"),
    path("events/calendar/", events_views.calendar_page, name="events-calendar"),
    path(
        "events/dates/<int:occurrence_id>.ics",
        events_views.date_calendar,
        name="events-date-calendar",
    ),
    path("events/print/", events_views.print_schedule, name="events-print"),
    path("events/print.pdf", events_views.print_schedule_pdf, name="events-print-pdf"),
    path("events/open-data/", open_data.open_data_page, name="open-data"),
    path("search/", search_views.search, name="search"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
