"""The private pages behind sign-up links (the forms themselves are routes of EventPage)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.lost_links, name="signup-lost-links"),
    path("<str:token>/", views.manage, name="signup-manage"),
    path("<str:token>/slip/", views.manage_slip, name="signup-slip"),
    path("<str:token>/calendar.ics", views.manage_calendar, name="signup-calendar"),
]
