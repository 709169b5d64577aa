"""Wagtail's database search backend, taught to read Japanese (see `ibasho.search.text`).

`WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "ibasho.search.backend"}}` picks, as Wagtail's
own `wagtail.search.backends.database` does, the backend for the default database: SQLite's
FTS5 or PostgreSQL's full-text search, each subclassed so that

- what is indexed is folded and split into terms (Japanese bigrams, other words whole): the
  stock index writes its entry, and the same entry is then rewritten from its plain text, so
  the stock code, its rebuilds and its `update_index` command are used as they are;
- what is searched is folded and split the same way, every term required (AND), the last one
  matched as a prefix (a word typed halfway).

Autocomplete (the admin's) and fuzzy search are Wagtail's own. Elasticsearch or OpenSearch
needs none of this: its analyser (kuromoji or the CJK bigram filter) does the same inside the
engine, so switching to it is a change of settings alone (README, "Search").
"""

from django.db import connection
from modelsearch.backends.database.fallback import DatabaseSearchBackend

_sqlite_fts = []  # [True] once found: not asked again in this process


def sqlite_has_fts():
    """Whether SQLite has FTS5 and Wagtail's FTS table. Only a yes is remembered: during the
    first migrations the table is not there yet."""
    from modelsearch.backends.database.sqlite.utils import fts5_available, fts_table_exists

    if not _sqlite_fts and fts5_available() and fts_table_exists():
        _sqlite_fts.append(True)
    return bool(_sqlite_fts)


def SearchBackend(params):  # the name Wagtail looks for
    """The backend for the default database, as `wagtail.search.backends.database` chooses."""
    # Imported here: each module loads models that exist only on its own database.
    if connection.vendor == "postgresql":
        from .postgres import PostgresSearchBackend

        return PostgresSearchBackend(params)
    if connection.vendor == "sqlite" and sqlite_has_fts():
        from .sqlite import SQLiteSearchBackend

        return SQLiteSearchBackend(params)
    # MySQL, or SQLite without FTS5: Wagtail's fallback, a plain "contains" on the fields, which
    # finds Japanese words inside text but folds nothing.
    return DatabaseSearchBackend(params)
