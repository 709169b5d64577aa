from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .admin_forms import OccurrenceForm
from .models import Occurrence


class DatesPermissionPolicy(ModelPermissionPolicy):
    """Dates come from schedules: staff change them but never add or delete them by hand."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)


register_permission_policy(Occurrence, DatesPermissionPolicy(Occurrence))


class OccurrenceViewSet(ModelViewSet):
    model = Occurrence
    icon = "date"
    menu_label = _("Dates")
    add_to_admin_menu = True
    menu_order = 210
    list_display = ["__str__", "status", "message", "edited"]
    list_filter = ["event", "status", "edited"]
    search_fields = ["event__title", "message"]
    ordering = ["start"]

    def get_form_class(self, for_update=False):
        return OccurrenceForm


@hooks.register("register_admin_viewset")
def register_occurrence_viewset():
    return OccurrenceViewSet("dates")
