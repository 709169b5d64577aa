"""SQLite (FTS5): Wagtail's backend, indexing and searching folded terms."""

from modelsearch.backends.database.sqlite import sqlite

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


class SQLiteSearchQueryCompiler(FoldedQueryMixin, sqlite.SQLiteSearchQueryCompiler):
    pass


class SQLiteSearchBackend(sqlite.SQLiteSearchBackend):
    index_class = SQLiteIndex
    query_compiler_class = SQLiteSearchQueryCompiler
