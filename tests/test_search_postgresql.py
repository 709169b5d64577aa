"""The labelled queries of tests/test_search.py on PostgreSQL's full-text search (CI's
PostgreSQL run; deselected on SQLite). The rest of tests/test_search.py runs there too."""

import pytest
from django.db import connection
from wagtail.search.backends import get_search_backend

from ibasho.search.postgres import PostgresSearchBackend
from tests.support.search_cases import ENGLISH, JAPANESE, result_urls

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]


def test_the_site_searches_with_postgresqls_folded_backend(demo):
    assert connection.vendor == "postgresql"
    backend = get_search_backend()
    assert isinstance(backend, PostgresSearchBackend)
    assert backend.config == "simple"  # no English stemming of Japanese bigrams


@pytest.mark.parametrize(("query", "expected"), JAPANESE + ENGLISH)
def test_each_labelled_query_finds_its_page_in_the_first_three(client, demo, query, expected):
    prefix = "/en" if expected.startswith("/en/") else ""
    assert expected in result_urls(client, query, prefix=prefix)[:3], query
