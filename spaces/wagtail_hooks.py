from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import ListingButton

from .pages import SpacePage
from .views import live_status


@hooks.register("register_admin_urls")
def register_live_status_url():
    return [path("spaces/<int:page_id>/status/", live_status, name="spaces_live_status")]


@hooks.register("register_page_listing_buttons")
def live_status_button(page, user, next_url=None):
    if isinstance(page.specific_deferred, SpacePage) and page.permissions_for_user(user).can_edit():
        yield ListingButton(
            _("Today's status"),
            reverse("spaces_live_status", args=[page.pk]),
            icon_name="time",
            priority=5,
        )
