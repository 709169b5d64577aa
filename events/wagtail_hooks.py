from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .admin_forms import OccurrenceForm
from .models import ClosedDays, Occurrence
from .services import sync_all_events


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


# Closed days: saving or removing them cancels, or gives back, the dates they touch at once.
class SyncDatesAfterSaveMixin:
    def save_instance(self):
        with transaction.atomic():
            instance = super().save_instance()
            sync_all_events()
        return instance


class ClosedDaysCreateView(SyncDatesAfterSaveMixin, generic.CreateView):
    pass


class ClosedDaysEditView(SyncDatesAfterSaveMixin, generic.EditView):
    pass


class ClosedDaysDeleteView(generic.DeleteView):
    def delete_action(self):
        with transaction.atomic():
            super().delete_action()
            sync_all_events()


class ClosedDaysViewSet(ModelViewSet):
    model = ClosedDays
    icon = "calendar-alt"
    menu_label = _("Closed days")
    add_to_admin_menu = True
    menu_order = 211
    form_fields = ["first_day", "last_day", "space", "message"]
    list_display = ["__str__", "space"]
    add_view_class = ClosedDaysCreateView
    edit_view_class = ClosedDaysEditView
    delete_view_class = ClosedDaysDeleteView


@hooks.register("register_admin_viewset")
def register_closed_days_viewset():
    return ClosedDaysViewSet("closed-days")
