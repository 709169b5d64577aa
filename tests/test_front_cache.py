"""The shared HTTP cache in front: what the site lets it keep, and Varnish (Debian's `varnish`,
deploy/varnish/default.vcl) serving a page and dropping it when its date changes."""

import datetime as dt
import logging
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import wsgiref.util
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache

from events.changes.services import cancel_occurrence
from events.models import Occurrence, OccurrenceStatus
from ibasho.front_cache import SCOPES_HEADER
from ibasho.page_cache import GENERATION_KEY, CachedPages
from tests.support.dates import at, weekly
from tests.support.pages import in_english
from tests.support.parts import has_program, require_part
from tests.support.staff import sign_in_staff

D = dt.date
VCL = "deploy/varnish/default.vcl"
# Cached pages are dropped when a write commits: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.IBASHO_PAGE_CACHE_SECONDS = 600
    cache.delete(GENERATION_KEY)


@pytest.fixture
def hidamari(make_space, make_event, contacts):
    # Tuesdays and Fridays 13:00-16:00.
    with time_machine.travel(at(2026, 11, 30, 9, 0), tick=False):
        space = make_space(title="ひだまり", slug="hidamari")
        event = make_event(
            title="火曜と金曜の居場所", space=space, rules=[weekly(D(2026, 12, 1), ["TU", "FR"])]
        )
    return space, event


def shared_for(response):
    """The seconds a shared cache may keep this response, or None."""
    for part in response.get("Cache-Control", "").split(","):
        name, _, value = part.strip().partition("=")
        if name == "s-maxage":
            return int(value)
    return None


def test_anonymous_pages_may_be_kept_by_a_shared_cache_until_the_clock_changes_them(
    client, hidamari
):
    space, event = hidamari
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        for url in ["/", "/events/", "/events/?view=week", space.url, "/events/feed.ics"]:
            response = client.get(url)
            assert response.status_code == 200
            assert "max-age=0" in response["Cache-Control"]  # a browser cannot be purged
            # Until Tuesday's date opens at 13:00: 4 hours, cut to the page cache's 10 minutes.
            assert shared_for(response) == 600
        assert "event:" in client.get(event.url)["Surrogate-Key"]
    with time_machine.travel(at(2026, 12, 1, 12, 55), tick=False):
        # Five minutes before it opens, a page is kept no longer than that.
        assert shared_for(client.get(space.url)) == 300
    with time_machine.travel(at(2026, 12, 1, 12, 58), tick=False):
        # The same page, now from the page cache: the time left, not the time it was stored with.
        assert shared_for(client.get(space.url)) == 120


def test_a_page_answered_before_django_runs_says_the_time_left_too(client, hidamari):
    space, _event = hidamari
    with time_machine.travel(at(2026, 12, 1, 12, 50), tick=False):
        client.get(space.url)  # rendered and stored
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": space.url, "HTTP_HOST": "testserver"}
    wsgiref.util.setup_testing_defaults(environ)
    with time_machine.travel(at(2026, 12, 1, 12, 57), tick=False):
        stored = CachedPages.find(environ)  # what ibasho.wsgi answers without Django
    assert stored.status_code == 200
    assert shared_for(stored) == 180
    assert stored[SCOPES_HEADER] == client.get(space.url)[SCOPES_HEADER]


def test_a_feed_from_the_shared_cache_keeps_its_validators_and_304(client, hidamari):
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        first = client.get("/events/feed.ics")
        again = client.get("/events/feed.ics", HTTP_IF_NONE_MATCH=first["ETag"])
    assert first["ETag"] and first["Last-Modified"]
    assert again.status_code == 304
    assert shared_for(again) == 600


def test_private_pages_are_never_offered_to_a_shared_cache(client, hidamari):
    space, _event = hidamari
    staff = get_user_model().objects.create_superuser(email="staff@example.org", password="x")
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        for url in ["/talk/write/", "/my/", "/accounts/login/", "/search/?q=ひだまり"]:
            response = client.get(url)
            assert shared_for(response) is None, url
        sign_in_staff(client, staff)
        for url in ["/admin/", space.url, "/events/"]:
            assert shared_for(client.get(url)) is None, url


def test_a_front_cache_that_is_down_does_not_stop_a_change(settings, hidamari, caplog):
    settings.IBASHO_FRONT_CACHE_URLS = [f"http://127.0.0.1:{free_port()}"]
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        friday = Occurrence.objects.get(start=at(2026, 12, 4, 13))
        with caplog.at_level(logging.WARNING, logger="ibasho"):
            cancel_occurrence(occurrence=friday, message="職員研修のためお休みします")
    friday.refresh_from_db()
    assert friday.status == OccurrenceStatus.CANCELLED
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("ibasho")]
    assert len(lines) == 1 and "ban not confirmed, given up" in lines[0], lines


# --- Varnish itself -----------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def varnish(live_server, settings):
    """varnishd on a free loopback port with the project's VCL, in front of the live server;
    the site bans its pages there. Stopped at the end."""
    require_part(has_program("varnishd"), "Varnish (varnishd)")
    # Not pytest's tmp_path: run as root, varnishd reads its files as its own user.
    with tempfile.TemporaryDirectory(prefix="ibasho-varnish-") as folder:
        Path(folder).chmod(0o755)
        yield from run_varnish(live_server, settings, Path(folder))


def run_varnish(live_server, settings, tmp_path):
    backend_port = live_server.url.rsplit(":", 1)[1]
    vcl = (settings.BASE_DIR / VCL).read_text().replace('"8000"', f'"{backend_port}"')
    assert f'.port = "{backend_port}"' in vcl
    (tmp_path / "default.vcl").write_text(vcl)
    port = free_port()
    process = subprocess.Popen(
        [
            *("varnishd", "-F", "-n", str(tmp_path / "work"), "-a", f"127.0.0.1:{port}"),
            *("-f", str(tmp_path / "default.vcl"), "-s", "malloc,32m"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "varnishd did not start"
                time.sleep(0.1)
        settings.IBASHO_FRONT_CACHE_URLS = [url]
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetch(url):
    """(from Varnish's cache?, body) for one GET."""
    with urllib.request.urlopen(url, timeout=10) as response:
        # X-Varnish holds two transaction ids on a hit (this request's and the stored one's).
        return len(response.headers["X-Varnish"].split()) == 2, response.read().decode()


def test_varnish_serves_a_page_again_and_a_cancelled_date_purges_it(
    varnish, hidamari, make_article, en_locale
):
    space, _event = hidamari
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=True):
        article = make_article(title="ご家族の方へ", slug="families")
        english_space = in_english(space, en_locale)
        pages = ["/events/", "/events/?view=week", space.url, english_space.url]
        before = {}
        for path in [*pages, article.url]:
            assert fetch(varnish + path)[0] is False, path
            hit, before[path] = fetch(varnish + path)
            assert hit, f"{path} was not answered by Varnish the second time"
        assert "職員研修" not in before["/events/"]

        friday = Occurrence.objects.get(start=at(2026, 12, 4, 13))
        cancel_occurrence(occurrence=friday, message="職員研修のためお休みします")

        for path in pages:
            hit, body = fetch(varnish + path)
            assert not hit, f"{path} was still served from Varnish"
            assert body != before[path], path
        assert "職員研修のためお休みします" in fetch(varnish + space.url)[1]
        # An awareness page does not show dates: it stays where it was.
        assert fetch(varnish + article.url)[0] is True


def test_varnish_refuses_a_malformed_ban_and_keeps_private_pages_out(varnish, hidamari):
    # The test runs on an allowed address (the purgers ACL); scopes are words, not a regex.
    request = urllib.request.Request(varnish + "/", method="BAN", headers={"X-Ibasho-Ban": "a|b"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=True):
        for path in ["/talk/write/", "/search/?q=%E3%81%B2%E3%81%A0"]:
            fetch(varnish + path)
            assert fetch(varnish + path)[0] is False, path
