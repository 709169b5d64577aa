"""What the database backends share: a query folded and split like the index."""

from modelsearch.query import And, Not, Or, Phrase, PlainText
from modelsearch.utils import get_content_type_pk

from .text import query_tokens


def fold_query(query):
    """The same query with every plain-text or phrase part folded and split like the index."""
    if isinstance(query, PlainText):
        terms = query_tokens(query.query_string)
        if not terms:
            return query  # nothing searchable: the stock backend answers as it always does
        return PlainText(" ".join(terms), operator="and", boost=query.boost)
    if isinstance(query, Phrase):
        terms = query_tokens(query.query_string)
        return Phrase(" ".join(terms)) if terms else query
    if isinstance(query, And | Or):
        return type(query)([fold_query(subquery) for subquery in query.subqueries])
    if isinstance(query, Not):
        return Not(fold_query(query.subquery))
    return query


class FoldedQueryMixin:
    """A query compiler that searches for the folded terms."""

    LAST_TERM_IS_PREFIX = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.query = fold_query(self.query)


def entries_of(index, model, objs):
    return index.entries.filter(
        content_type_id=get_content_type_pk(model), object_id__in=[str(obj.pk) for obj in objs]
    )
