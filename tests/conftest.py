"""Factory fixtures shared by the whole suite: real pages in a real database."""

import os
import shutil

import pytest
from django.core.management import call_command
from wagtail.models import Locale, Site

from ibasho.models import ArticlePage, CentreSettings, ConsultationContact, HomePage, LearnIndexPage


def require_part(available, what):
    """Skip a test whose outside part (a browser, PostgreSQL, a tool) is missing on a developer's
    machine; in CI the same absence is a failure, so a skip never passes for green there."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} is not available on this machine")


def has_program(name):
    return shutil.which(name) is not None


@pytest.fixture
def home_page(db):
    """The Japanese home page that the migrations create."""
    return HomePage.objects.get(locale__language_code="ja")


@pytest.fixture
def en_locale(db):
    return Locale.objects.get_or_create(language_code="en")[0]


@pytest.fixture
def learn_index(home_page):
    index = home_page.add_child(instance=LearnIndexPage(title="知る・読む", slug="learn"))
    index.save_revision().publish()
    return index


@pytest.fixture
def make_article(learn_index):
    def make(
        title="ご家族の方へ", slug=None, audience="families", summary="短い要約です。", body=()
    ):
        article = learn_index.add_child(
            instance=ArticlePage(
                title=title,
                slug=slug or f"article-{ArticlePage.objects.count() + 1}",
                audience=audience,
                summary=summary,
                body=list(body),
            )
        )
        article.save_revision().publish()
        return article

    return make


@pytest.fixture
def contacts(db):
    """The centre's settings with one ordinary and one crisis line."""
    centre = CentreSettings.for_site(Site.objects.get(is_default_site=True))
    centre.name = "テスト県ひきこもり地域支援センター"
    centre.name_en = "Test Prefecture Support Centre"
    centre.contacts = [
        ConsultationContact(
            kind="phone",
            label="電話相談",
            label_en="Phone consultation",
            value="077-000-0000",
            hours="平日 9:00〜16:00",
            hours_en="Weekdays 9:00–16:00",
            sort_order=0,
        ),
        ConsultationContact(
            kind="phone",
            label="よりそいホットライン",
            label_en="Yorisoi Hotline",
            value="0120-279-338",
            hours="24時間",
            hours_en="24 hours",
            is_crisis=True,
            sort_order=1,
        ),
    ]
    centre.save()
    return centre


@pytest.fixture
def demo(db):
    """The demo content, exactly as `make run` loads it."""
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
