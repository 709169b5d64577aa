from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views


@hooks.register("register_admin_urls")
def register_invitation_urls():
    return [
        path("invitations/", views.invitations, name="peers_invitations"),
        path(
            "invitations/<int:invitation_id>/resend/",
            views.resend_invitation,
            name="peers_invitation_resend",
        ),
        path(
            "invitations/<int:invitation_id>/withdraw/",
            views.withdraw_invitation,
            name="peers_invitation_withdraw",
        ),
    ]


class InvitationsMenuItem(MenuItem):
    def is_shown(self, request):
        return views.can_invite(request.user)


@hooks.register("register_admin_menu_item")
def register_invitations_menu_item():
    return InvitationsMenuItem(
        _("Invite peer supporters"), reverse("peers_invitations"), icon_name="user", order=214
    )


@hooks.register("register_permissions")
def register_invitation_permission():
    # Staff groups can be given the right to invite in Wagtail's group settings.
    return Permission.objects.filter(content_type__app_label="peers", codename="add_invitation")
