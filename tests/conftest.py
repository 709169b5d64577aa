"""Factory fixtures shared by the whole suite: real pages in a real database."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Locale, Site

from bench.local import smtp_server
from ibasho.models import ArticlePage, CentreSettings, ConsultationContact, HomePage, LearnIndexPage
from tests.support import fuzz  # noqa: F401 (registers and loads the Hypothesis profiles)
from tests.support.dates import at, weekly
from tests.support.pages import index_page


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` are about PostgreSQL's row locks: on a run against SQLite they
    are deselected (and said so), never skipped; CI's PostgreSQL run has them all."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    selected = [item for item in items if item.get_closest_marker("postgresql") is None]
    deselected = [item for item in items if item.get_closest_marker("postgresql") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: no rate-limit counts, cached pages or site roots
    left over from another test."""
    from events.schedule.i18n import forget_locales
    from ibasho.page_cache import memory

    cache.clear()
    memory.clear()
    forget_locales()  # a rolled-back test may have made a locale


@pytest.fixture
def home_page(db):
    """The Japanese home page that the migrations create."""
    return HomePage.objects.get(locale__language_code="ja")


@pytest.fixture
def en_locale(db):
    return Locale.objects.get_or_create(language_code="en")[0]


@pytest.fixture
def learn_index(home_page):
    return index_page(home_page, LearnIndexPage, "知る・読む", "learn")


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


@pytest.fixture(scope="module")
def demo_content(django_db_setup, django_db_blocker):
    """The demo content, loaded once per test module inside a transaction that is rolled back
    when the module ends. Each test's own transaction nests inside it (a savepoint), so tests
    still cannot see one another's changes. Modules using it must not assume an empty site."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            cache.clear()  # Wagtail caches site roots; they went with the rollback


@pytest.fixture
def demo(demo_content, db):
    """The demo content, exactly as `make run` loads it."""


# --- Spaces and the schedule -----------------------------------------------------------------


@pytest.fixture
def space_index(home_page):
    from spaces.models import SpaceIndexPage

    return index_page(home_page, SpaceIndexPage, "居場所をさがす", "spaces")


@pytest.fixture
def event_index(home_page):
    from events.models import EventIndexPage

    return index_page(home_page, EventIndexPage, "日程", "events")


@pytest.fixture
def areas(home_page):
    """A region (湖南圏域) with a town in it (さくら市), and another region."""
    from wagtail.models import Locale

    from spaces.models import Area

    ja = Locale.objects.get(language_code="ja")
    region = Area.objects.create(name="湖南圏域", slug="konan", level="region", locale=ja)
    town = Area.objects.create(
        name="さくら市", slug="sakura", level="municipality", parent=region, locale=ja
    )
    other = Area.objects.create(name="北部圏域", slug="hokubu", level="region", locale=ja)
    return region, town, other


@pytest.fixture
def make_space(space_index):
    from spaces.models import SpacePage

    def make(title="居場所ひだまり", slug=None, **fields):
        fields.setdefault("summary", "話さなくても大丈夫な場所です。")
        space = space_index.add_child(
            instance=SpacePage(
                title=title, slug=slug or f"space-{SpacePage.objects.count() + 1}", **fields
            )
        )
        space.save_revision().publish()
        return space

    return make


@pytest.fixture
def make_event(event_index):
    """An event page with schedule rules, published (which stores its dates)."""
    from events.models import EventPage, ScheduleRule

    def make(title="火曜日の居場所", rules=(), slug=None, **fields):
        fields.setdefault("kind", "drop_in")
        fields.setdefault("summary", "予約はいりません。")
        event = EventPage(
            title=title, slug=slug or f"event-{EventPage.objects.count() + 1}", **fields
        )
        event.rules = [ScheduleRule(**rule) for rule in rules]
        event_index.add_child(instance=event)
        event.save_revision().publish()
        return event

    return make


# --- A real mail server: aiosmtpd on a free local port ---------------------------------------


@pytest.fixture
def smtp_sink(settings):
    """Django's real SMTP backend, talking to a mail server started for the test."""
    with smtp_server() as (sink, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield sink


@pytest.fixture
def cache_down(settings):
    """The shared cache, configured as in production (Redis), does not answer."""
    from bench.local import free_port
    from ibasho.settings.base import redis_cache

    settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{free_port()}/0")}


@pytest.fixture
def broker_down():
    """Celery publishes for real (not in the test process) to a port where nothing listens."""
    from ibasho.celery import app as celery_app
    from tests.support.broker import forget_connection_pools

    conf = celery_app.conf
    saved = (
        conf.task_always_eager,
        conf.broker_url,
        conf.broker_transport_options,
        conf.broker_connection_timeout,
    )
    conf.task_always_eager = False
    conf.broker_url = "redis://127.0.0.1:1/0"
    conf.broker_transport_options = {}
    conf.broker_connection_timeout = 0.5
    forget_connection_pools()
    yield
    (
        conf.task_always_eager,
        conf.broker_url,
        conf.broker_transport_options,
        conf.broker_connection_timeout,
    ) = saved
    forget_connection_pools()


@pytest.fixture
def frozen_moment():
    """Where `frozen_now` stops the clock. A module whose story starts at another moment
    overrides this fixture, never the clock itself."""
    return at(2026, 12, 1, 9, 0)


@pytest.fixture
def frozen_now(frozen_moment):
    """Tuesday 2026-12-01 09:00 in Tokyo (or the module's `frozen_moment`), the clock standing
    still (`move_to` moves it). Modules that want it for every test name it in `pytestmark`."""
    with time_machine.travel(frozen_moment, tick=False) as traveller:
        yield traveller


@pytest.fixture
def date(make_space, make_event):
    """Tuesday 2026-12-08 13:00 of a weekly session with 4 places."""
    from events.models import Occurrence

    event = make_event(
        title="火曜の午後",
        space=make_space(title="湖南ほっとスペース"),
        join_mode="booking",
        capacity=4,
        rules=[weekly(dt.date(2026, 12, 1), ["TU"])],
    )
    return Occurrence.objects.get(event=event, start=at(2026, 12, 8, 13))
