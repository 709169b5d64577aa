"""`load_demo`: the content CONTRACT.md promises, and safe to run again."""

import datetime as dt
import io
import re
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import Locale, Page, Revision

from events.changes.services import japanese_holidays
from ibasho.content import Table, first_date
from ibasho.management.commands.load_demo import DEMO_CONTENT
from ibasho.models import ArticlePage, ConsultationContact, HomePage
from tests.support.totp import totp_code

pytestmark = pytest.mark.django_db


def load_demo(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
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


# --- Content files ------------------------------------------------------------------------


@pytest.fixture
def content(tmp_path):
    """A centre's own copy of the demo's content folder."""
    return shutil.copytree(DEMO_CONTENT, tmp_path / "content")


def edit(folder, name, old, new):
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_content_comes_from_the_folder_given(content, client):
    edit(
        content,
        "articles.toml",
        "何年も外に出ていないと、最初の一歩がとても大きく感じられます。",
        "みなと町では、最初の一歩を小さくする工夫をしています。",
    )
    load_demo("--content", str(content))
    page = client.get("/learn/for-you/").content.decode()
    assert "<p>みなと町では、最初の一歩を小さくする工夫をしています。" in page
    assert "何年も外に出ていないと" not in page


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (
            "places.toml",
            'area = "minato"',
            'area = "nowhere"',
            'places.toml: spaces "konan-hot-space" → area: no area is called "nowhere"',
        ),
        (
            "events.toml",
            'first = "saturday from today"',
            'first = "sataday from today"',
            'events.toml: events "games-sora" → rules #1 → first: "sataday" is not a weekday',
        ),
        (
            "events.toml",
            'join_mode = "enrolment"',
            "",
            'events.toml: events "family-class" → join_mode: this key is required but missing',
        ),
        (
            "centre.toml",
            'value = "0120-279-338"',
            'value = "0120-279-338"\nvalu = "typo"',
            "centre.toml: contacts #5 → valu: unknown key",
        ),
    ],
)
def test_a_broken_file_is_named_with_its_key_and_changes_nothing(content, name, old, new, message):
    home = HomePage.objects.get(locale__language_code="ja")
    # site.toml is loaded first: its new home title must not survive the failure either.
    edit(content, "site.toml", 'title = "ここにいていい場所を、いっしょに"', 'title = "新しい題"')
    edit(content, name, old, new)
    before = (Page.objects.count(), Revision.objects.count(), Locale.objects.count())
    with pytest.raises(CommandError) as failure:
        load_demo("--content", str(content))
    assert message in str(failure.value)
    assert (Page.objects.count(), Revision.objects.count(), Locale.objects.count()) == before
    home.refresh_from_db()
    assert home.title != "新しい題"


@pytest.mark.parametrize(
    ("rule", "today", "first"),
    [
        ({"first": "start of this month"}, dt.date(2025, 6, 14), dt.date(2025, 6, 1)),
        ({"first": "saturday from today"}, dt.date(2025, 6, 14), dt.date(2025, 6, 14)),
        ({"first": "saturday from today"}, dt.date(2025, 6, 15), dt.date(2025, 6, 21)),
        ({"first": "2nd saturday after today"}, dt.date(2025, 6, 13), dt.date(2025, 6, 14)),
        ({"first": "2nd saturday after today"}, dt.date(2025, 6, 14), dt.date(2025, 7, 12)),
        ({"first": "2nd saturday after today"}, dt.date(2025, 12, 20), dt.date(2026, 1, 10)),
        # 29 April and 6 May 2026 are Wednesdays and national holidays.
        (
            {"first": "wednesday from today", "weeks_ahead": 3, "not_on_holiday": True},
            dt.date(2026, 4, 8),
            dt.date(2026, 5, 13),
        ),
    ],
)
def test_first_date_words(rule, today, first):
    assert first_date(Table(rule, "events.toml"), today, japanese_holidays) == first


def test_demo_staff_can_pass_the_second_factor_with_what_is_printed(settings, client):
    settings.IBASHO_DEMO_ACCOUNTS = True
    output = load_demo()
    secret = re.search(r"secret ([A-Z2-7]{32})\b", output).group(1)
    assert f"otpauth://totp/staff%40example.org?secret={secret}" in output
    codes = re.search(r"each works once\):\s+((?:\d{8} ?){10})", output).group(1).split()
    assert len(codes) == 10
    # Run again: the same secret and codes, nothing new made.
    assert secret in load_demo()

    login = {"login": "staff@example.org", "password": "ibasho-demo"}
    assert client.post("/accounts/login/", login)["Location"] == "/accounts/2fa/authenticate/"
    passed = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert passed.status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post("/accounts/logout/")
    client.post("/accounts/login/", login)
    assert client.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_no_second_factor_is_printed_outside_development(settings):
    settings.IBASHO_DEMO_ACCOUNTS = False
    output = load_demo()
    assert "otpauth://" not in output and "secret" not in output
