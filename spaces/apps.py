from django.apps import AppConfig


class SpacesConfig(AppConfig):
    """Drop-in spaces, the organisations that run them and the areas they serve."""

    name = "spaces"
    verbose_name = "spaces"

    def ready(self):
        from events.schedule.forms import register_place_choices

        from .pages import area_choices, organisation_choices, space_choices

        # The schedule filters dates by area, organisation and space without knowing these
        # models.
        register_place_choices(
            area=area_choices, organisation=organisation_choices, space=space_choices
        )
