"""The feed over the demo content (a cancelled Friday, national holidays, the New Year closure):
every date `/events/` lists for the same filters, and no other (cancelled dates of a series
more than two weeks ahead are left out of it: see tests/test_feeds.py)."""

import datetime as dt

import pytest

from tests.support.feeds import in_feed, listed


@pytest.mark.parametrize("query", ["", "kind=drop_in", "audience=families", "area=minato"])
def test_the_demo_feed_has_exactly_the_listed_dates(client, demo, query):
    response = client.get(f"/events/feed.ics?{query}")
    assert response.status_code == 200
    # This month and the next two, as the month view pages through them.
    first = dt.date.today().replace(day=1)
    expected = listed(f"?{query}", first=first, months=3)
    assert expected and in_feed(response, first=first, months=3) == expected, query
