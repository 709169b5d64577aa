from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import inbox


@hooks.register("register_admin_urls")
def register_inbox_urls():
    return [
        path("talk/", inbox.inbox, name="talk_admin_inbox"),
        path("talk/<int:pk>/", inbox.conversation, name="talk_admin_conversation"),
    ]


class InboxMenuItem(MenuItem):
    def is_shown(self, request):
        return inbox.can_answer(request.user)


@hooks.register("register_admin_menu_item")
def register_inbox_menu_item():
    return InboxMenuItem(_("Messages"), reverse("talk_admin_inbox"), icon_name="mail", order=205)


@hooks.register("register_permissions")
def register_inbox_permission():
    """So that staff groups can be given the inbox in Settings → Groups."""
    return Permission.objects.filter(content_type__app_label="talk", codename="change_conversation")
