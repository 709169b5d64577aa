"""`/spaces/` and `/events/`: filters with stable URLs, kind answers to bad links, and a fixed
number of queries whatever the number of events."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from spaces.models import Feature
from tests.support.dates import JST, at, weekly

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def frozen_moment():
    return at(2026, 12, 1, 10, 0)


@pytest.fixture
def schedule(make_space, make_event, areas):
    _region, town, other = areas
    hidamari = make_space(title="ひだまり", slug="hidamari", area=town, audience="person")
    hidamari.features.set(Feature.objects.filter(code__in=["quiet_room", "free"]))
    hidamari.save_revision().publish()
    north = make_space(title="北のへや", slug="kita", area=other, audience="families")
    make_event(
        title="火曜と金曜の居場所", space=hidamari, rules=[weekly(D(2026, 12, 1), ["TU", "FR"])]
    )
    make_event(
        title="家族会",
        kind="family_group",
        audience="families",
        space=north,
        rules=[weekly(D(2026, 12, 1), ["WE"], start="13:30", end="15:30")],
    )
    make_event(
        title="夜のオンライン",
        space=None,
        is_online=True,
        rules=[weekly(D(2026, 12, 1), ["TH"], start="20:00", end="21:30")],
    )
    return hidamari, north


def titles(response, selector):
    assert response.status_code == 200, response.status_code
    page = BeautifulSoup(response.content, "html.parser")
    return [a.get_text(strip=True) for a in page.select(selector)]


def test_events_week_view_lists_each_date_with_its_day(client, schedule):
    page = BeautifulSoup(client.get("/events/").content, "html.parser")
    headings = [h.get_text(strip=True) for h in page.select(".day-heading")]
    assert headings[:3] == ["12月1日(火)", "12月2日(水)", "12月3日(木)"]
    # Tuesday 1 to Monday 7 December: Tue, Wed, Thu, Fri.
    assert len(page.select(".occurrence")) == 4
    assert next(h.get_text(strip=True) for h in page.select(".occurrence__time")) == "13:00–16:00"


def test_events_filters_narrow_the_list(client, schedule):
    assert titles(client.get("/events/?kind=family_group"), ".occurrence__title") == ["家族会"]
    assert titles(client.get("/events/?audience=families"), ".occurrence__title") == ["家族会"]
    by_area = titles(
        client.get("/events/?area=konan"), ".occurrence__title"
    )  # region includes town
    assert set(by_area) == {"火曜と金曜の居場所"}
    assert set(titles(client.get("/events/?space=kita"), ".occurrence__title")) == {"家族会"}


def test_day_and_month_views(client, schedule):
    day = titles(client.get("/events/?view=day&date=2026-12-02"), ".occurrence__title")
    assert day == ["家族会"]
    month = BeautifulSoup(client.get("/events/?view=month&date=2026-12-15").content, "html.parser")
    # The month is named once, above; each day's heading is short, to fit a phone's row.
    assert month.select_one(".pager__range").get_text(strip=True).startswith("12月1日(火)")
    assert month.select(".day-heading")[0].get_text(strip=True) == "1日(火)"
    assert len(month.select(".occurrence")) > 15


@pytest.mark.parametrize(
    "query",
    [
        "kind=party",
        "date=2026-13-45",
        "date=yesterday",
        "view=year",
        "area=nowhere",
        "date=1999-01-01",
        "audience=" + "x" * 5000,
    ],
)
def test_bad_event_filters_get_a_kind_400_not_a_500(client, schedule, query):
    response = client.get(f"/events/?{query}")
    assert response.status_code == 400
    assert "もう一度お選びください" in response.content.decode()


def test_a_cancelled_date_shows_its_message(client, schedule):
    from events.changes.services import cancel_occurrence
    from events.models import Occurrence

    friday = Occurrence.objects.get(start=dt.datetime(2026, 12, 4, 13, tzinfo=JST))
    cancel_occurrence(occurrence=friday, message="職員研修のためお休みします")
    page = BeautifulSoup(client.get("/events/").content, "html.parser")
    cancelled = page.select_one(".occurrence--cancelled")
    assert "中止" in cancelled.get_text() and "職員研修のためお休みします" in cancelled.get_text()


def test_spaces_filters(client, schedule):
    assert titles(client.get("/spaces/"), ".space-summary h2") == ["ひだまり", "北のへや"]
    assert titles(client.get("/spaces/?area=sakura"), ".space-summary h2") == ["ひだまり"]
    assert titles(client.get("/spaces/?audience=families"), ".space-summary h2") == ["北のへや"]
    assert titles(client.get("/spaces/?feature=quiet_room&feature=free"), ".space-summary h2") == [
        "ひだまり"
    ]
    assert titles(client.get("/spaces/?feature=wheelchair"), ".space-summary h2") == []
    assert titles(client.get("/spaces/?open=today"), ".space-summary h2") == ["ひだまり"]
    assert titles(client.get("/spaces/?open=now"), ".space-summary h2") == []


def test_bad_space_filters_get_a_kind_400(client, schedule):
    response = client.get("/spaces/?feature=jacuzzi")
    assert response.status_code == 400
    assert "もう一度お選びください" in response.content.decode()


def test_listings_take_a_fixed_number_of_queries(
    client, make_space, make_event, areas, django_assert_max_num_queries
):
    def count(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    space = make_space(title="はじめのへや", area=areas[1])
    make_event(space=space, rules=[weekly(D(2026, 12, 1), ["TU"])])
    urls = ["/events/?view=month", "/spaces/", "/"]
    for url in urls:
        count(url)  # warm the per-process caches (site roots, locales)
    small = {url: count(url) for url in urls}
    for i in range(10):
        more = make_space(title=f"へや{i}", area=areas[1])
        make_event(
            title=f"会{i}",
            space=more,
            rules=[weekly(D(2026, 12, 1), ["MO", "TU", "WE", "TH", "FR"])],
        )
    for url, queries in small.items():
        assert count(url) == queries, url
    with django_assert_max_num_queries(20):
        client.get("/events/?view=month")


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("view", ["day", "week", "month"])
def test_the_pager_never_links_to_a_date_the_listing_refuses(
    client, schedule, en_locale, view, prefix
):
    today = D(2026, 12, 1)
    for start in (today - dt.timedelta(days=366 * 3), today + dt.timedelta(days=366 * 3)):
        url = f"{prefix}/events/?view={view}&date={start.isoformat()}"
        for _step in range(3):  # walk outwards from the edge, as a visitor clicking would
            page = client.get(url)
            assert page.status_code == 200, url
            links = BeautifulSoup(page.content, "html.parser").select(".pager a")
            assert links, url
            for link in links:
                assert client.get(f"{prefix}/events/{link['href']}").status_code == 200, link
            outward = "prev" if start < today else "next"
            further = [a for a in links if a.get("rel") == [outward]]
            if not further:
                break
            url = f"{prefix}/events/{further[0]['href']}"
    # One day further is refused, kindly.
    assert client.get(f"{prefix}/events/?date=2023-11-28").status_code == 400
    assert client.get(f"{prefix}/events/?date=2029-12-04").status_code == 400
