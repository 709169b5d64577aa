"""Peer supporters' public pages under /peers/: a pseudonym, their own words, the sessions they
host (and their feed); a paused profile is hidden and its sessions stay."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar

from tests.support.dates import weekly
from tests.support.peers import make_profile, peer_index

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def session(make_event, make_space):
    return make_event(
        title="ピアサポーターと話そう",
        slug="peer-talk",
        kind="peer_session",
        space=make_space(title="湖南ほっとスペース"),
        join_mode="maybe",
        rules=[weekly(dt.date(2026, 12, 3), ["TH"])],
    )


@pytest.fixture
def other_session(make_event):
    return make_event(
        title="ほかの人の会", slug="other", rules=[weekly(dt.date(2026, 12, 2), ["WE"])]
    )


def text(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ")


def test_a_profile_shows_their_words_and_only_their_sessions(
    client, home_page, session, other_session, django_user_model
):
    user = django_user_model.objects.create_user(email="peer-hikari@example.org")
    profile = make_profile(
        home_page, user=user, events=[session], topics="不登校、家族との距離", languages="日本語"
    )
    response = client.get(profile.url)
    assert response.status_code == 200
    page = text(response)
    assert "ひかり" in page and "ゆっくり話を聞いています" in page
    assert "家族との距離" in page and "日本語" in page
    assert "ピアサポーターと話そう" in page and "ほかの人の会" not in page
    assert "13:00–16:00" in page
    # Nothing about who they are.
    assert "hikari@example.org" not in response.content.decode()


def test_a_profile_feed_holds_their_sessions(client, home_page, session, other_session):
    profile = make_profile(home_page, events=[session])
    soup = BeautifulSoup(client.get(profile.url).content, "html.parser")
    feed = soup.find("link", rel="alternate", type="text/calendar")["href"]
    assert feed == "/events/feed.ics?event=peer-talk"
    calendar = Calendar.from_ical(client.get(feed).content)
    assert {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")} == {"ピアサポーターと話そう"}


def test_the_index_lists_profiles_that_are_not_paused(client, home_page, session):
    make_profile(home_page, title="ひかり", slug="hikari", events=[session])
    make_profile(home_page, title="そら", slug="sora", paused=True)
    page = text(client.get(peer_index(home_page).url))
    assert "ひかり" in page and "そら" not in page


def test_a_paused_profile_is_a_kind_404_and_its_sessions_stay(client, home_page, session):
    profile = make_profile(home_page, events=[session], paused=True)
    response = client.get(profile.url)
    assert response.status_code == 404
    assert "お休み" in text(response) or "resting" in text(response)
    assert "ピアサポーターと話そう" in text(client.get(session.url))


def test_profile_pages_set_no_cookie_and_stay_cacheable(client, home_page, session):
    profile = make_profile(home_page, events=[session])
    for url in (profile.url, peer_index(home_page).url):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies, url
        assert "private" not in response.get("Cache-Control", ""), url


def test_a_peer_pauses_their_page_from_the_dashboard_and_brings_it_back(
    client, home_page, session, django_user_model
):
    user = django_user_model.objects.create_user(email="peer-hikari@example.org")
    profile = make_profile(home_page, slug="hikari", user=user, events=[session])
    client.force_login(user)
    client.post("/peers/dashboard/pause/", {"paused": "1"})
    client.logout()
    assert client.get(profile.url).status_code == 404
    assert "ひかり" not in text(client.get(peer_index(home_page).url))
    assert "ピアサポーターと話そう" in text(client.get(session.url))
    client.force_login(user)
    client.post("/peers/dashboard/pause/", {"paused": "0"})
    client.logout()
    assert client.get(profile.url).status_code == 200


# Last in the module: the demo content stays loaded for the module's later tests.
def test_the_demo_introduces_its_two_peer_supporters_in_both_languages(client, demo):
    page = text(client.get("/peers/hikari/"))
    assert "ひかり" in page and "ゆっくりだった" in page and "ピアサポーターと話そう" in page
    assert "Hikari" in text(client.get("/en/peers/hikari/"))
    assert "ゲームでゆるく集まろう" in text(client.get("/peers/sora/"))
    assert "そら" in text(client.get("/peers/"))
