"""SQLite (FTS5): Wagtail's backend, indexing and searching folded terms."""

from django.db.models import FloatField, Func
from modelsearch.backends.database.sqlite import sqlite
from modelsearch.backends.database.sqlite.query import SQLiteFTSIndexEntry

from .queries import FoldedQueryMixin, entries_of
from .text import index_text


class SQLiteIndex(sqlite.SQLiteIndex):
    def add_items(self, model, objs):
        super().add_items(model, objs)
        entries = list(entries_of(self, model, objs))
        for entry in entries:
            entry.title, entry.body = index_text(entry.title), index_text(entry.body or "")
        # The FTS5 table follows the entries by triggers.
        self.entries.bulk_update(entries, ["title", "body"])


class WeightedBM25(Func):
    """SQLite's bm25() with the FTS table's columns weighted: a
    word in the title counts as much as five in the body. Lower is better."""

    # In the order the table was created: fts5(autocomplete, body, title).

    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):
        return f"bm25({SQLiteFTSIndexEntry._meta.db_table}, 0.0, 1.0, 5.0)", []


class SQLiteSearchQueryCompiler(FoldedQueryMixin, sqlite.SQLiteSearchQueryCompiler):
    def _build_rank_expression(self, vectors, config):
        # Wagtail's adds the same whole-row bm25 for title and body, so a title weighs no more.
        return WeightedBM25()


class SQLiteSearchBackend(sqlite.SQLiteSearchBackend):
    index_class = SQLiteIndex
    query_compiler_class = SQLiteSearchQueryCompiler
