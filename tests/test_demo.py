"""`load_demo`: the content CONTRACT.md promises, and safe to run again."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Revision

from ibasho.models import ArticlePage, ConsultationContact

pytestmark = pytest.mark.django_db


def load_demo():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_has_awareness_pages_for_individuals_families_and_neighbours():
    load_demo()
    audiences = set(
        ArticlePage.objects.filter(locale__language_code="ja").values_list("audience", flat=True)
    )
    assert {"person", "families", "neighbours"} <= audiences
    for article in ArticlePage.objects.filter(locale__language_code="ja"):
        english = article.get_translation_or_none(
            article.locale.__class__.objects.get(language_code="en")
        )
        assert english is not None and english.live
        assert english.title != article.title  # really translated, not copied


def test_demo_has_consultation_contacts_including_crisis_lines():
    load_demo()
    assert ConsultationContact.objects.filter(is_crisis=False, kind="phone").exists()
    assert ConsultationContact.objects.filter(is_crisis=True).count() >= 1
    assert all(c.label_en for c in ConsultationContact.objects.all())


def test_second_run_changes_nothing():
    load_demo()
    pages, revisions = Page.objects.count(), Revision.objects.count()
    contacts = ConsultationContact.objects.count()
    load_demo()
    assert Page.objects.count() == pages
    assert Revision.objects.count() == revisions  # nothing republished
    assert ConsultationContact.objects.count() == contacts


def test_demo_accounts_are_created_and_printed_in_development(settings):
    settings.IBASHO_DEMO_ACCOUNTS = True
    output = load_demo()
    User = get_user_model()
    staff = User.objects.get(email="staff@example.org")
    assert staff.is_staff and staff.check_password("ibasho-demo")
    assert not User.objects.get(email="hikari@example.org").is_staff
    assert User.objects.filter(email="sora@example.org").exists()
    assert "staff@example.org" in output and "ibasho-demo" in output


def test_no_demo_accounts_outside_development(settings):
    settings.IBASHO_DEMO_ACCOUNTS = False
    output = load_demo()
    assert not get_user_model().objects.exists()
    assert "ibasho-demo" not in output


def test_demo_schedule_has_an_exception_holidays_and_the_new_year_closure():
    from events.models import CancelReason, EventKind, EventPage, Occurrence
    from spaces.models import SpacePage

    load_demo()
    reasons = set(Occurrence.objects.values_list("cancel_reason", flat=True))
    assert {CancelReason.STAFF, CancelReason.HOLIDAY, CancelReason.CLOSED_DAYS} <= reasons
    new_year = Occurrence.objects.filter(cancel_reason=CancelReason.CLOSED_DAYS)
    assert {(o.local_date.month, o.local_date.day) for o in new_year} <= {
        (12, 29),
        (12, 30),
        (12, 31),
        (1, 1),
        (1, 2),
        (1, 3),
    }
    # Every space for the person concerned has drop-in hours ("open today" can be true there);
    # the family room only hosts family groups and classes.
    drop_in_spaces = set(
        EventPage.objects.filter(kind=EventKind.DROP_IN).values_list("space_id", flat=True)
    )
    for space in SpacePage.objects.filter(locale__language_code="ja", audience="person"):
        assert space.pk in drop_in_spaces, space.title
