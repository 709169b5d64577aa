"""`/search/` on the embedded default (SQLite): Japanese words inside longer text, other
scripts and widths, both languages, what a result shows, an empty result, bad input, and that
a search is kept nowhere (logs, page cache). tests/test_search_postgresql.py runs the same
queries on PostgreSQL."""

import logging

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from ibasho.logs import redact
from ibasho.search.text import fold, query_tokens, tokens
from spaces.pages import SpacePage
from tests.support.dates import at
from tests.support.search_cases import ENGLISH, JAPANESE, result_urls

pytestmark = pytest.mark.django_db


def page_text(response):
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


# --- Folding and splitting -----------------------------------------------------------------


def test_the_ways_of_writing_a_word_fold_into_one():
    assert fold("ヒダマリ") == fold("ﾋﾀﾞﾏﾘ") == fold("ひだまり") == "ひだまり"
    assert fold("ＪＲさくら駅") == "jrさくら駅"
    assert tokens("家族会") == ["家族", "族会", "会"]
    assert query_tokens("家族") == ["家族"]
    # Latin words stay whole beside Japanese ones.
    assert query_tokens("JRさくら駅") == ["jr", "さく", "くら", "ら駅"]


def test_english_words_are_found_by_their_stem():
    assert query_tokens("meetings") == query_tokens("meeting") == ["meet"]
    assert tokens("Family classes") == tokens("family class")
    # Japanese and digits are not touched.
    assert query_tokens("2026 家族") == ["2026", "家族"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Sunday meetings", "/en/events/family-group/"),
        ("gatherings on Tuesday", "/en/events/hidamari-tue-fri/"),
        ("family classes", "/en/events/family-class/"),
    ],
)
def test_an_english_plural_finds_the_page_that_says_the_singular(client, demo, query, expected):
    assert expected in result_urls(client, query, prefix="/en")[:3], query


# --- Finding what a person means -----------------------------------------------------------


@pytest.mark.parametrize(("query", "expected"), JAPANESE)
def test_a_japanese_query_finds_the_page_in_the_first_three(client, demo, query, expected):
    assert expected in result_urls(client, query)[:3], query


@pytest.mark.parametrize(("query", "expected"), ENGLISH)
def test_an_english_query_finds_the_english_page(client, demo, query, expected):
    assert expected in result_urls(client, query, prefix="/en")[:3], query


def test_each_language_finds_only_its_own_pages(client, demo):
    ja = result_urls(client, "ひだまり")
    en = result_urls(client, "Hidamari", prefix="/en")
    assert ja and all(not url.startswith("/en/") for url in ja)
    assert en and all(url.startswith("/en/") for url in en)


def test_every_page_that_says_the_word_is_found(client, demo):
    """Recall, not only the best result: every live Japanese page whose title or summary says
    家族 is in the results."""
    saying = {
        p.url
        for p in Page.objects.live().filter(locale__language_code="ja").specific()
        if "家族" in p.title or "家族" in getattr(p, "summary", "")
    }
    assert len(saying) >= 5
    assert saying <= set(result_urls(client, "家族"))


def test_a_hidden_address_is_not_searchable(client, demo):
    """湖南ほっとスペース gives its address only after sign-up: its street and building find
    nothing, while its town does."""
    space = SpacePage.objects.get(slug="konan-hot-space", locale__language_code="ja")
    assert "保健センター" in space.address
    assert space.url not in result_urls(client, "保健センター")
    assert space.url not in result_urls(client, "港2丁目")
    assert space.url in result_urls(client, "みなと町")


def test_a_page_is_found_by_what_it_says_once_published(client, demo):
    space = SpacePage.objects.get(slug="hidamari", locale__language_code="ja")
    assert space.url not in result_urls(client, "フクロウ")
    space.summary += "ふくろうの置物があります。"
    space.save_revision().publish()
    assert space.url in result_urls(client, "フクロウ")


# --- What a result shows ---------------------------------------------------------------------


def test_results_show_kind_area_next_date_and_today(client, demo):
    # A Tuesday afternoon: ひだまり (Tuesdays and Fridays 13:00-16:00) is open.
    with time_machine.travel(at(2026, 12, 1, 14, 0), tick=False):
        # The demo counts its dates from the day it was loaded: make today's.
        from events.pages.models import sync_all_events

        sync_all_events()
        response = client.get("/search/", {"q": "ひだまり"})
    soup = BeautifulSoup(response.content, "html.parser")
    items = {
        li.h2.a["href"]: " ".join(li.get_text(" ").split()) for li in soup.select(".search-result")
    }
    # Kind and area, then whether it is open (spaces.openings).
    assert items["/spaces/hidamari/"].startswith("居場所 · さくら市")
    assert "開所中" in items["/spaces/hidamari/"]
    # An event: kind, area and today's date; another one its next date.
    assert items["/events/hidamari-tue-fri/"].startswith("日程・会 · さくら市")
    assert "今日 13:00" in items["/events/hidamari-tue-fri/"]
    assert "次回：" in items["/events/family-group/"]


def test_nothing_found_suggests_where_to_look_and_whom_to_ask(client, demo):
    response = client.get("/search/", {"q": "宇宙旅行"})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert not soup.select(".search-result")
    suggested = {a["href"] for a in soup.select(".search-suggestions a")}
    assert {"/spaces/", "/events/", "/learn/"} <= suggested
    contacts = soup.select("#search-contacts ~ .contact-list .contact")
    assert contacts and "tel:" in str(soup.select_one("#search-contacts").parent)


def test_the_english_empty_result_suggests_english_pages(client, demo):
    soup = BeautifulSoup(client.get("/en/search/", {"q": "zzzz"}).content, "html.parser")
    suggested = {a["href"] for a in soup.select(".search-suggestions a")}
    assert {"/en/spaces/", "/en/events/", "/en/learn/"} <= suggested


def search_queries(client, query):
    """(queries, page types among the results) of one search."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": query})
    kinds = BeautifulSoup(response.content, "html.parser").select(".search-result")
    hrefs = [li.h2.a["href"] for li in kinds]
    types = {type(Page.objects.get(url_path=f"/home{href}").specific) for href in hrefs}
    return len(queries), types, len(hrefs)


def test_the_search_page_costs_a_fixed_number_of_queries(client, demo):
    client.get("/search/", {"q": "居場所"})  # locales and site roots are then known
    few, few_types, few_found = search_queries(client, "ひだまり")
    many, many_types, many_found = search_queries(client, "の")
    assert many_found > 15 > few_found
    # The search, one query per page type found, the openings and dates, the page around them;
    # never one per result.
    assert few == BASE_QUERIES + len(few_types)
    assert many == BASE_QUERIES + len(many_types)


BASE_QUERIES = 6  # the site, the centre, its contacts and the menu come from the cache


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        "%",
        "_",
        ".*+?^$()[]{}|\\",
        '"',
        "AND OR NOT",
        "家族 OR",
        "NEAR(家族)",
        "！？。、",
        "\u202e家族",
        "家族\x00\x07",
        "line\r\nbreak",
        "ﾋﾀﾞﾏﾘ hidamari 家族",
        "*",
        "-家族",
    ],
)
def test_odd_queries_get_an_answer_never_an_error(client, demo, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "\u202e" not in response.content.decode()


def test_control_characters_are_dropped_and_the_rest_searched(client, demo):
    assert "/events/family-group/" in result_urls(client, "家族\x00会\u202e")


def test_an_over_long_query_is_asked_to_be_shorter(client, demo):
    response = client.get("/search/", {"q": "家族" * 2500})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one('[role="alert"]')
    assert len(soup.select_one("#id_q")["value"]) == 100
    assert not soup.select(".search-result")


def test_a_search_for_nothing_asks_for_a_word(client, demo):
    response = client.get("/search/", {"q": "!!!"})
    assert response.status_code == 200
    assert not BeautifulSoup(response.content, "html.parser").select(".search-result")


# --- Kept nowhere ------------------------------------------------------------------------------


def test_the_query_is_redacted_from_log_lines():
    line = 'GET /search/?q=%E5%AE%B6%E6%97%8F&x=1 HTTP/1.1" 200 "/en/search/?page=2&q=family"'
    assert (
        redact(line)
        == 'GET /search/?q=[redacted]&x=1 HTTP/1.1" 200 "/en/search/?page=2&q=[redacted]"'
    )


def test_a_search_that_fails_logs_no_query(client, demo, caplog, settings):
    """A 405 (a POST) is logged by Django: the line holds the path, not the words."""
    with caplog.at_level(logging.WARNING):
        client.post("/search/?q=%E5%AE%B6%E6%97%8F%E4%BC%9A")
    handler_text = " ".join(redact(r.getMessage()) for r in caplog.records)
    assert "家族" not in handler_text and "%E5%AE%B6" not in handler_text


def test_a_search_is_never_kept_by_the_page_cache(client, demo, settings):
    settings.IBASHO_PAGE_CACHE_SECONDS = 600
    cache.clear()
    response = client.get("/search/", {"q": "家族会"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    # Nothing was written: no page, no key made from the query (the page cache skips /search/).
    keys = cached_keys()
    assert not [key for key in keys if "ibasho:page:" in key]
    assert "家族会" not in str(cache.get_many(keys))
    # And a second search is answered afresh, not from a stored page.
    with CaptureQueriesContext(connection) as queries:
        client.get("/search/", {"q": "家族会"})
    assert len(queries) > 0


def cached_keys():
    """Every key in the cache: Redis's (CI's PostgreSQL run) or local memory's."""
    if hasattr(cache, "keys"):
        return [str(key) for key in cache.keys("*")]
    return [key.split(":", 2)[-1] for key in cache._cache]


def test_the_header_has_a_search_box_that_works_without_javascript(client, demo):
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    form = soup.select_one("header form[role=search]")
    assert form["method"] == "get" and form["action"] == "/search/"
    field = form.select_one("input[name=q]")
    assert soup.select_one(f"label[for={field['id']}]")
    en = BeautifulSoup(client.get("/en/").content, "html.parser")
    assert en.select_one("header form[role=search]")["action"] == "/en/search/"
