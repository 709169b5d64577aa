from django.contrib.auth.models import Permission
from django.db import transaction
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton, ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .admin import views as admin_views
from .admin.forms import OccurrenceForm
from .changes.services import ScheduleError
from .pages.models import sync_all_events
from .schedule.models import ClosedDays, Occurrence
from .signups.models import DateMessage


class DatesPermissionPolicy(ModelPermissionPolicy):
    """Dates come from schedules: staff change them but never add or delete them by hand."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)


register_permission_policy(Occurrence, DatesPermissionPolicy(Occurrence))


def signups_button(button_class, occurrence, user, **kwargs):
    """A link to a date's sign-ups, for those who may see them."""
    if admin_views.can_manage_signups(user, occurrence.event):
        return [
            button_class(
                _("Sign-ups"),
                url=reverse("events_day_signups", args=[occurrence.pk]),
                icon_name="clipboard-list",
                **kwargs,
            )
        ]
    return []


class OccurrenceIndexView(generic.IndexView):
    def get_base_queryset(self):
        # Each row shows its title and its counts: all read in the listing's one query.
        return admin_views.with_signup_counts(super().get_base_queryset().select_related("event"))

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        return [*buttons, *signups_button(ListingButton, instance, self.request.user, priority=5)]


class OccurrenceEditView(generic.EditView):
    def form_valid(self, form):
        # A change the schedule refuses (a date already passed, a closed day…) is said on the
        # form, which keeps what staff typed; nothing was changed.
        try:
            return super().form_valid(form)
        except ScheduleError as error:
            form.add_error(None, str(error))
            self.produced_error_message = str(error)
            return self.form_invalid(form)

    @cached_property
    def header_buttons(self):
        return signups_button(HeaderButton, self.object, self.request.user)


class OccurrenceViewSet(ModelViewSet):
    model = Occurrence
    icon = "date"
    menu_label = _("Dates")
    add_to_admin_menu = True
    menu_order = 210
    list_display = [
        "__str__",
        "status",
        Column("booked_people", label=_("booked"), accessor="booked_people"),
        Column("waiting_people", label=_("waiting"), accessor="waiting_people"),
        Column("maybe_count", label=_("I might come"), accessor="maybe_count"),
        "message",
        # Said only where it is so; an unchanged date shows nothing (not "False").
        Column(
            "edited",
            label=_("changed by staff"),
            accessor=lambda date: _("changed by staff") if date.edited else "",
        ),
    ]
    list_filter = ["event", "status", "edited"]
    search_fields = ["event__title", "message"]
    ordering = ["start"]
    index_view_class = OccurrenceIndexView
    edit_view_class = OccurrenceEditView

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
    form_fields = ["first_day", "last_day", "space", "message", "message_en"]
    list_display = ["__str__", "space"]
    add_view_class = ClosedDaysCreateView
    edit_view_class = ClosedDaysEditView
    delete_view_class = ClosedDaysDeleteView


@hooks.register("register_admin_viewset")
def register_closed_days_viewset():
    return ClosedDaysViewSet("closed-days")


# Sign-ups: a date's list (from the Dates listing), staff-entered sign-ups, and monthly counts.
@hooks.register("register_admin_urls")
def register_signup_urls():
    return [
        path(
            "signups/date/<int:occurrence_id>/",
            admin_views.day_signups,
            name="events_day_signups",
        ),
        path(
            "signups/date/<int:occurrence_id>/add-booking/",
            admin_views.add_booking,
            name="events_add_booking",
        ),
        path(
            "signups/date/<int:occurrence_id>/add-enrolment/",
            admin_views.add_enrolment,
            name="events_add_enrolment",
        ),
        path(
            "signups/date/<int:occurrence_id>/<int:signup_id>/",
            admin_views.signup_action,
            name="events_signup_action",
        ),
        path(
            "signups/date/<int:occurrence_id>/head-count/",
            admin_views.date_head_count,
            name="events_date_head_count",
        ),
        path("signups/find/", admin_views.find_booking, name="events_find_booking"),
        path("signups/attendance/", admin_views.attendance, name="events_attendance"),
        path("outbox/", admin_views.outbox_failures, name="events_outbox"),
        path(
            "outbox/<int:message_id>/retry/", admin_views.outbox_retry, name="events_outbox_retry"
        ),
    ]


class AttendanceMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_see_attendance(request.user)


@hooks.register("register_admin_menu_item")
def register_attendance_menu_item():
    return AttendanceMenuItem(
        _("Attendance"), reverse("events_attendance"), icon_name="table", order=212
    )


@hooks.register("register_permissions")
def register_outbox_permission():
    """So that staff groups can be given the *Unsent e-mail* page in Settings → Groups."""
    return Permission.objects.filter(
        content_type__app_label="events", codename="change_outboxmessage"
    )


@hooks.register("register_admin_menu_item")
def register_find_booking_menu_item():
    # Shown to the same staff as the counts: whoever may edit some event.
    return AttendanceMenuItem(
        _("Find a booking"), reverse("events_find_booking"), icon_name="search", order=211
    )


class OutboxMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_see_outbox(request.user)


@hooks.register("register_admin_menu_item")
def register_outbox_menu_item():
    return OutboxMenuItem(_("Unsent e-mail"), reverse("events_outbox"), icon_name="mail", order=213)


# Messages on dates (a host to everyone coming, the replies): staff read the threads, nobody
# writes or changes them here.
class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)


register_permission_policy(DateMessage, ReadOnlyPermissionPolicy(DateMessage))


class DateMessageIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("signup", "occurrence__event")


class DateMessageViewSet(ModelViewSet):
    model = DateMessage
    icon = "mail"
    menu_label = _("Messages on peer sessions")
    add_to_admin_menu = True
    menu_order = 215
    inspect_view_enabled = True
    index_view_class = DateMessageIndexView
    list_display = [
        Column("occurrence", label=_("date"), accessor="occurrence"),
        "author",
        Column("writer", label=_("who"), accessor="writer_name"),
        Column(
            "body", label=_("message"), accessor=lambda message: Truncator(message.body).chars(80)
        ),
        "created_at",
    ]
    list_filter = ["author", "occurrence__event"]
    search_fields = ["body"]
    # A date's thread together, in the order it was written.
    ordering = ["-occurrence__start", "created_at", "pk"]
    inspect_view_fields = [
        "occurrence",
        "author",
        "writer_name",
        "body",
        "written_by",
        "created_at",
    ]
    copy_view_enabled = False
    form_fields = ["body"]  # never shown: nobody may add or change a message here


@hooks.register("register_admin_viewset")
def register_date_message_viewset():
    return DateMessageViewSet("date-messages")
