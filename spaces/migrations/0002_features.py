"""The fixed set of comfort and accessibility features; names come from the translations."""

from django.db import migrations

CODES = [
    "wheelchair",
    "quiet_room",
    "women_only",
    "no_introduction",
    "come_and_go",
    "camera_off",
    "free",
    "snacks",
    "families_welcome",
    "silent_ok",
]


def add_features(apps, schema_editor):
    Feature = apps.get_model("spaces", "Feature")
    for code in CODES:
        Feature.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("spaces", "0001_initial")]

    operations = [migrations.RunPython(add_features, migrations.RunPython.noop)]
