"""Replace Wagtail's placeholder welcome page with an Ibasho home page in the site language,
so that a new installation (demo content or not) serves a real page at /."""

import uuid

from django.conf import settings
from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("ibasho", "HomePage")

    if HomePage.objects.exists():
        return
    # The welcome page made by wagtailcore's initial data (its Site goes with it).
    Page.objects.filter(
        depth=2, slug="home", content_type__app_label="wagtailcore", content_type__model="page"
    ).delete()

    root = Page.objects.get(depth=1)
    taken = set(Page.objects.filter(depth=2).values_list("path", flat=True))
    number = 1
    while f"{root.path}{number:04d}" in taken:
        number += 1
    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    content_type, _ = ContentType.objects.get_or_create(app_label="ibasho", model="homepage")
    home = HomePage.objects.create(
        title="ホーム",
        draft_title="ホーム",
        slug="home",
        content_type=content_type,
        path=f"{root.path}{number:04d}",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        translation_key=uuid.uuid4(),
        live=True,
    )
    Page.objects.filter(pk=root.pk).update(numchild=Page.objects.filter(depth=2).count())
    if not Site.objects.filter(is_default_site=True).exists():
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)


class Migration(migrations.Migration):
    dependencies = [
        ("ibasho", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_homepage, migrations.RunPython.noop),
    ]
