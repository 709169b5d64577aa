from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="peers_dashboard"),
    path("pause/", views.pause_profile, name="peers_pause_profile"),
    path("dates/<int:occurrence_id>/", views.dashboard_date, name="peers_dashboard_date"),
    path("dates/<int:occurrence_id>/cancel/", views.cancel_date, name="peers_cancel_date"),
    path("dates/<int:occurrence_id>/note/", views.annotate_date, name="peers_annotate_date"),
    path("dates/<int:occurrence_id>/today/", views.set_today_status, name="peers_today_status"),
]

urlpatterns += [
    path("messages/", views.inbox, name="peers_inbox"),
    path("dates/<int:occurrence_id>/messages/", views.date_messages, name="peers_date_messages"),
    path(
        "dates/<int:occurrence_id>/add-booking/",
        views.add_phoned_booking,
        name="peers_add_phoned_booking",
    ),
]
