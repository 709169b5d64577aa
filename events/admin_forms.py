"""The staff form for changing a single date: it routes each change through the services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from . import services
from .models import Occurrence, OccurrenceStatus


class OccurrenceForm(WagtailAdminModelForm):
    """Cancel, move, add a note or change the places of one date."""

    class Meta:
        model = Occurrence
        fields = ["status", "message", "start", "end", "space", "capacity"]
        widgets = {"message": forms.TextInput}
        help_texts = {
            "status": _("Cancelling keeps the date (and anyone who signed up) on record."),
        }

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The end must come after the start."))
        return data

    def save(self, commit=True):
        occurrence = self.instance
        original = Occurrence.objects.get(pk=occurrence.pk)
        data = self.cleaned_data
        try:
            if data["status"] == OccurrenceStatus.CANCELLED and not original.is_cancelled:
                return services.cancel_occurrence(occurrence=original, message=data["message"])
            if (data["start"], data["end"], data["space"]) != (
                original.start,
                original.end,
                original.space,
            ):
                moved = services.move_occurrence(
                    occurrence=original,
                    start=data["start"],
                    end=data["end"],
                    space=data["space"],
                    message=data["message"],
                )
                return self._set_capacity(moved, data["capacity"])
        except services.ScheduleError as error:
            raise forms.ValidationError(str(error), code=error.code) from error
        original.status = data["status"]
        if original.status == OccurrenceStatus.SCHEDULED:
            original.cancel_reason = ""
        original.message = data["message"]
        original.capacity = data["capacity"]
        original.edited = True
        original.save()
        return original

    @staticmethod
    def _set_capacity(occurrence, capacity):
        if occurrence.capacity != capacity:
            occurrence.capacity = capacity
            occurrence.save(update_fields=["capacity", "updated_at"])
        return occurrence
