"""The page cache: anonymous visitors get stored pages, and never a stale one."""

import datetime as dt
import wsgiref.util

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from events.changes.services import cancel_occurrence, move_occurrence
from events.models import Occurrence
from ibasho.page_cache import GENERATION_KEY
from spaces.services import clear_live_status, set_live_status
from tests.support.dates import at, weekly
from tests.support.staff import sign_in_staff

D = dt.date
# Cached pages are dropped when a write commits: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.IBASHO_PAGE_CACHE_SECONDS = 600
    cache.delete(GENERATION_KEY)  # nothing from another test can be served


@pytest.fixture
def hidamari(make_space, make_event, contacts):
    # Tuesdays and Fridays 13:00-16:00.
    with time_machine.travel(at(2026, 11, 30, 9, 0), tick=False):
        space = make_space(title="ひだまり", slug="hidamari")
        event = make_event(
            title="火曜と金曜の居場所", space=space, rules=[weekly(D(2026, 12, 1), ["TU", "FR"])]
        )
    return space, event


def get(client, url, **extra):
    """(queries, text of the page) for one request."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.status_code
    return len(queries), BeautifulSoup(response.content, "html.parser").get_text(" ")


def opening_text(client, url):
    return get(client, url)[1]


def test_a_second_visit_is_served_without_touching_the_database(client, hidamari):
    space, _event = hidamari
    with time_machine.travel(at(2026, 12, 1, 14, 0), tick=False):
        for url in ["/", "/spaces/", space.url, "/events/", "/events/?view=month&area="]:
            first_queries, first = get(client, url)
            second_queries, second = get(client, url)
            assert first_queries > 0 and second_queries == 0, url
            assert first == second


def test_a_browser_asking_for_english_cannot_put_english_under_a_japanese_url(client, hidamari):
    with time_machine.travel(at(2026, 12, 1, 14, 0), tick=False):
        client.get("/spaces/", HTTP_ACCEPT_LANGUAGE="en")  # stored first
        response = client.get("/spaces/")
    assert '<html lang="ja">' in response.content.decode()


def test_publishing_shows_at_once(client, hidamari):
    space, _event = hidamari
    with time_machine.travel(at(2026, 12, 1, 14, 0), tick=False):
        assert "ひだまり" in opening_text(client, "/spaces/")
        space.title = "ひだまりの部屋"
        space.save_revision().publish()
        assert "ひだまりの部屋" in opening_text(client, "/spaces/")


def test_a_live_status_shows_at_once_and_goes_at_once(client, hidamari):
    space, _event = hidamari
    with time_machine.travel(at(2026, 12, 1, 14, 0), tick=False):
        assert "臨時休業" not in opening_text(client, space.url)
        set_live_status(space=space, kind="closed_today", message="臨時休業です")
        assert "臨時休業です" in opening_text(client, space.url)
        assert "臨時休業です" in opening_text(client, "/spaces/")
        clear_live_status(space=space)
        assert "臨時休業です" not in opening_text(client, space.url)


def test_cancelling_or_moving_a_date_shows_at_once(client, hidamari):
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        assert "職員研修" not in opening_text(client, "/events/")
        friday = Occurrence.objects.get(start=at(2026, 12, 4, 13))
        cancel_occurrence(occurrence=friday, message="職員研修のためお休みします")
        assert "職員研修のためお休みします" in opening_text(client, "/events/")
        tuesday = Occurrence.objects.get(start=at(2026, 12, 1, 13))
        move_occurrence(occurrence=tuesday, start=at(2026, 12, 1, 15), end=at(2026, 12, 1, 17))
        assert "15:00" in opening_text(client, "/events/")


def test_open_now_changes_on_time_without_any_write(client, hidamari):
    """Opening at 13:00: a page stored at 12:59 must not say "opens at 13:00" after 13:00."""
    space, _event = hidamari
    with time_machine.travel(at(2026, 12, 1, 12, 59), tick=False):
        before = opening_text(client, space.url)
    assert "13:00" in before and "開所中" not in before
    with time_machine.travel(at(2026, 12, 1, 13, 0, 1), tick=False):
        assert "開所中" in opening_text(client, space.url)
    with time_machine.travel(at(2026, 12, 1, 16, 0, 1), tick=False):
        assert "開所中" not in opening_text(client, space.url)


def test_a_status_that_ends_by_itself_is_not_served_after_its_end(client, hidamari):
    space, _event = hidamari
    with time_machine.travel(at(2026, 12, 1, 14, 0), tick=False):
        set_live_status(
            space=space, kind="quiet_today", message="今日は静かです", ends_at=at(2026, 12, 1, 15)
        )
        assert "今日は静かです" in opening_text(client, space.url)
    with time_machine.travel(at(2026, 12, 1, 15, 0, 1), tick=False):
        assert "今日は静かです" not in opening_text(client, space.url)


def test_today_moves_on_at_midnight(client, hidamari):
    # No session on Thursday; at midnight Friday's list of spaces open today must change.
    with time_machine.travel(at(2026, 12, 3, 23, 59), tick=False):
        assert "ひだまり" not in opening_text(client, "/spaces/?open=today")
        assert get(client, "/spaces/?open=today")[0] == 0  # stored
    with time_machine.travel(at(2026, 12, 4, 0, 0, 1), tick=False):
        assert "ひだまり" in opening_text(client, "/spaces/?open=today")


def test_signed_in_people_get_fresh_pages_and_share_nothing(client, hidamari):
    space, _event = hidamari
    staff = get_user_model().objects.create_superuser(email="staff@example.org", password="x")
    with time_machine.travel(at(2026, 12, 1, 14, 0), tick=False):
        get(client, space.url)  # stored for anonymous visitors
        sign_in_staff(client, staff)
        queries, _ = get(client, space.url)
        assert queries > 0


def test_error_pages_are_never_stored(client, hidamari):
    with time_machine.travel(at(2026, 12, 1, 14, 0), tick=False):
        first = client.get("/spaces/?feature=jacuzzi")
        with CaptureQueriesContext(connection) as queries:
            again = client.get("/spaces/?feature=jacuzzi")
    assert first.status_code == again.status_code == 400 and len(queries) > 0


def test_a_lost_generation_never_brings_old_pages_back(client, hidamari):
    space, _event = hidamari
    with time_machine.travel(at(2026, 12, 1, 14, 0), tick=False):
        get(client, space.url)
        cache.delete(GENERATION_KEY)  # evicted, or the cache restarted
        queries, _ = get(client, space.url)
    assert queries > 0


def test_a_page_rendered_before_the_commit_is_not_kept(client, hidamari):
    space, _event = hidamari
    with time_machine.travel(at(2026, 12, 1, 14, 0), tick=False):
        with transaction.atomic():
            set_live_status(space=space, kind="full", message="満員です")
            get(client, space.url)  # rendered and stored while the write is not committed
        queries, text = get(client, space.url)  # the commit dropped it
    assert queries > 0 and "満員です" in text


def test_a_client_that_has_the_feed_gets_a_304_from_the_small_record_alone(client, hidamari):
    from ibasho.page_cache import key_for, memory

    with time_machine.travel(at(2026, 12, 1, 14, 0), tick=False):
        first = client.get("/events/feed.ics")
        key = key_for(first.wsgi_request)
        # Without the stored body, in the shared cache or in memory, the 304 still comes.
        cache.delete(key)
        memory.clear()
        with CaptureQueriesContext(connection) as queries:
            again = client.get("/events/feed.ics", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again.content == b"" and len(queries) == 0
        assert again["ETag"] == first["ETag"]
        # A client without it gets the whole feed again, rendered anew.
        fresh = client.get("/events/feed.ics")
        assert fresh.status_code == 200 and fresh.content == first.content


def test_each_process_keeps_recent_pages_in_memory(client, hidamari):
    from ibasho.page_cache import bump_generation, key_for

    with time_machine.travel(at(2026, 12, 1, 14, 0), tick=False):
        first = client.get("/spaces/")
        cache.delete(key_for(first.wsgi_request))  # only memory has it
        queries, _text = get(client, "/spaces/")
        assert queries == 0
        bump_generation()  # a write elsewhere: the copy in memory is not served any more
        queries, _text = get(client, "/spaces/")
        assert queries > 0


# --- Before Django: the WSGI application a server runs (ibasho.wsgi) ---------------------------


def serve(path, query="", **environ):
    """(status, headers, body, queries, whether Django handled it) of one GET through the WSGI
    application gunicorn runs."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from ibasho.wsgi import application

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "HTTP_HOST": "testserver",
        **environ,
    }
    wsgiref.util.setup_testing_defaults(environ)
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = status, headers

    handled = []

    def note(**kwargs):
        handled.append(True)

    # As Django's test client does: the test's database connection stays open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    request_started.connect(note)
    try:
        with CaptureQueriesContext(connection) as queries:
            result = application(environ, start_response)
            body = b"".join(result)
            getattr(result, "close", lambda: None)()
    finally:
        request_started.disconnect(note)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], dict(answer["headers"]), body, len(queries), bool(handled)


def test_a_stored_page_is_answered_whole_before_django_runs(hidamari):
    space, _event = hidamari
    with time_machine.travel(at(2026, 12, 1, 14, 0), tick=False):
        for path, query in [(space.url, ""), ("/events/feed.ics", "discreet=1")]:
            first = serve(path, query)
            again = serve(path, query)
            assert first[0] == "200 OK" and first[3] > 0 and first[4], path
            status, headers, body, queries, handled = again
            assert (status, queries, handled) == ("200 OK", 0, False), path
            # Exactly what Django answered: the page, and every header the middleware added.
            assert body == first[2] and headers == first[1], path
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert "Content-Security-Policy" in headers and "Permissions-Policy" in headers
            assert int(headers["Content-Length"]) == len(body)
            # A calendar app that has it gets a 304, also without Django.
            status, headers, body, queries, handled = serve(
                path, query, HTTP_IF_NONE_MATCH=first[1]["ETag"]
            )
            assert (status, body, queries, handled) == ("304 Not Modified", b"", 0, False)
            assert headers["ETag"] == first[1]["ETag"]
            # Another version's ETag gets the page.
            assert serve(path, query, HTTP_IF_NONE_MATCH='"old"')[:3] == again[:3]
        # A feed also answers If-Modified-Since alone.
        status, headers, *_ = serve(
            "/events/feed.ics", "discreet=1", HTTP_IF_MODIFIED_SINCE=first[1]["Last-Modified"]
        )
        assert status == "304 Not Modified"
        assert headers["Last-Modified"] == first[1]["Last-Modified"]


def test_before_django_only_anonymous_visitors_of_known_hosts_are_answered(hidamari):
    space, _event = hidamari
    with time_machine.travel(at(2026, 12, 1, 14, 0), tick=False):
        serve(space.url)  # stored
        # Someone signed in (a session cookie) goes to Django, as does any other method.
        assert serve(space.url, HTTP_COOKIE="sessionid=abc")[4]
        assert serve(space.url, REQUEST_METHOD="HEAD")[4]
        # A host the site does not serve gets Django's plain 400, not an error.
        status, _headers, _body, _queries, handled = serve(space.url, HTTP_HOST="evil.example")
        assert status.startswith("400") and handled
        # A change is seen at once.
        set_live_status(space=space, kind="closed_today", message="臨時休業です")
        _status, _headers, body, _queries, handled = serve(space.url)
        assert handled and "臨時休業です" in body.decode()


# --- When the shared cache is down ------------------------------------------------------------


def test_pages_are_rendered_and_changes_saved_while_the_shared_cache_is_down(
    client, hidamari, cache_down, caplog
):
    space, _event = hidamari
    with time_machine.travel(at(2026, 12, 1, 14, 0), tick=False):
        assert "ひだまり" in opening_text(client, space.url)
        assert serve(space.url)[0] == "200 OK"  # before Django too
        # The write commits, though the cache cannot be told to drop its pages.
        set_live_status(space=space, kind="closed_today", message="臨時休業です")
        assert "臨時休業です" in opening_text(client, space.url)
    assert "Connection refused" in caplog.text  # logged, without any visitor's data


def test_a_maybe_drops_only_the_pages_that_show_its_date(
    client, make_space, make_event, make_article, hidamari
):
    from events.signups import services
    from events.signups.tokens import new_form_key

    space, _event = hidamari
    with time_machine.travel(at(2026, 11, 30, 9, 0), tick=False):
        elsewhere = make_space(title="こもれび", slug="komorebi")
        make_event(title="こもれびの午後", space=elsewhere, rules=[weekly(D(2026, 12, 1), ["WE"])])
        maybe = make_event(
            title="行くかもの会",
            space=space,
            join_mode="maybe",
            rules=[weekly(D(2026, 12, 1), ["TH"])],
        )
        article = make_article()
    date = Occurrence.objects.filter(event=maybe).first()
    showing = [maybe.url, space.url, "/events/", "/events/feed.ics", "/"]
    unrelated = [elsewhere.url, article.url]
    with time_machine.travel(at(2026, 12, 1, 14, 0), tick=False):
        for url in showing + unrelated:
            get(client, url)
            assert get(client, url)[0] == 0, url  # stored
        services.say_maybe(occurrence=date, form_key=new_form_key())
        for url in unrelated:
            assert get(client, url)[0] == 0, url  # still served from the cache
        for url in showing:
            assert get(client, url)[0] > 0, url  # rendered afresh


def test_a_date_moved_to_another_space_drops_both_spaces(client, make_space, hidamari):
    space, event = hidamari
    with time_machine.travel(at(2026, 11, 30, 9, 0), tick=False):
        other = make_space(title="こもれび", slug="komorebi")
    date = Occurrence.objects.get(event=event, start=at(2026, 12, 4, 13))
    with time_machine.travel(at(2026, 12, 1, 14, 0), tick=False):
        move_occurrence(occurrence=date, start=date.start, end=date.end, space=other)
        get(client, space.url), get(client, other.url)
        move_occurrence(occurrence=date, start=date.start, end=date.end, space=space)
        assert get(client, other.url)[0] > 0  # the date left it
        assert get(client, space.url)[0] > 0  # the date came back
