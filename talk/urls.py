"""/talk/: writing to the centre without a name."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="talk"),
    path("write/", views.write, name="talk-write"),
    path("return/", views.come_back, name="talk-return"),
    path("erased/", views.erased, name="talk-erased"),
    path("c/<str:token>/", views.conversation, name="talk-conversation"),
]
