"""PostgreSQL: Wagtail's backend, indexing and searching folded terms."""

from django.contrib.postgres.search import SearchVector
from django.db.models import TextField, Value
from modelsearch.backends.database.postgres import postgres

from .queries import FoldedQueryMixin, entries_of
from .text import index_text


class PostgresIndex(postgres.PostgresIndex):
    def add_items(self, model, objs):
        super().add_items(model, objs)
        config = self.backend.config
        for entry in entries_of(self, model, objs).values("pk", "title_text", "body_text"):
            self.entries.filter(pk=entry["pk"]).update(
                title=vector(entry["title_text"], "A", config),
                body=vector(entry["body_text"], "D", config),
            )


def vector(text, weight, config):
    return SearchVector(
        Value(index_text(text), output_field=TextField()), weight=weight, config=config
    )


class PostgresSearchQueryCompiler(FoldedQueryMixin, postgres.PostgresSearchQueryCompiler):
    pass


class PostgresSearchBackend(postgres.PostgresSearchBackend):
    index_class = PostgresIndex
    query_compiler_class = PostgresSearchQueryCompiler

    def __init__(self, params):
        # Terms are already folded: no stemming or stop words of another language on top.
        super().__init__({"SEARCH_CONFIG": "simple", **params})
