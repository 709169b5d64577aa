"""Japanese search: character bigrams (what the site uses) next to a morphological analyser,
on the demo content and the labelled queries of the tests (tests/support/search_cases.py).

    python -m bench.search            (loads the demo into a scratch SQLite database)

For each way of splitting text it prints recall (the expected page among the pages that match
every term, and in the first three by a simple title-weighted count), the index size (terms
and characters) and the time to split the whole corpus. An analyser is measured when it can be
imported (janome; SudachiPy with sudachidict_core): neither is a dependency of the site, so
install them yourself (`pip install --target DIR janome` and PYTHONPATH=DIR) to compare.
Then the site's own backend on the same database: the median and 95th percentile of a search
through Wagtail (the labelled queries, repeated) next to a plain lookup of one page by its
primary key in the same run."""

import os
import statistics
import sys
import tempfile
import time
import unicodedata


def setup():
    scratch = tempfile.mkdtemp(prefix="ibasho-search-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/db.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ibasho.settings.test")
    import django

    django.setup()
    import io

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())


def corpus(language):
    """{url: (title, body)} of the live pages of a language, as the index reads them."""
    from modelsearch.backends.database.sqlite.sqlite import ObjectIndexer
    from wagtail.models import Page
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    pages = Page.objects.live().filter(locale__language_code=language).specific()
    docs = {}
    for page in pages:
        if page.depth == 1:
            continue
        indexer = ObjectIndexer(page, backend)
        docs[page.url] = (indexer.title, indexer.body)
    return docs


def stock_splitter():
    """What Wagtail's database backends index without ibasho.search: words cut at spaces and
    punctuation only (SQLite FTS5's unicode61, PostgreSQL's parser), nothing folded."""
    import re

    words = re.compile(r"[^\W_]+")

    def split(text):
        return words.findall(text.casefold())

    return "stock (cut at spaces only)", split, lambda q: list(dict.fromkeys(split(q)))


def bigram_splitter():
    from ibasho.search.text import query_tokens, tokens

    return "bigrams (ibasho.search.text)", tokens, query_tokens


def janome_splitter():
    from janome.tokenizer import Tokenizer

    from ibasho.search.text import fold

    tokenizer = Tokenizer()

    def split(text):
        text = unicodedata.normalize("NFKC", text)
        return [fold(t.surface) for t in tokenizer.tokenize(text) if t.surface.strip()]

    return "janome (morphemes)", split, lambda q: list(dict.fromkeys(split(q)))


def sudachi_splitter():
    from sudachipy import Dictionary, SplitMode

    from ibasho.search.text import fold

    tokenizer = Dictionary(dict="core").create()

    def split(text):
        text = unicodedata.normalize("NFKC", text)
        return [
            fold(m.surface()) for m in tokenizer.tokenize(text, SplitMode.A) if m.surface().strip()
        ]

    return "SudachiPy mode A (core dict)", split, lambda q: list(dict.fromkeys(split(q)))


def evaluate(name, split, split_query, docs, cases, *, prefix=True):
    started = time.perf_counter()
    index = {url: (split(title), split(body)) for url, (title, body) in docs.items()}
    split_seconds = time.perf_counter() - started
    terms = sum(len(t) + len(b) for t, b in index.values())
    chars = sum(len(" ".join(t)) + len(" ".join(b)) for t, b in index.values())
    found = top3 = 0
    missed = []
    for query, expected in cases:
        wanted = split_query(query)

        def matches(words, wanted=wanted):
            # Every term, the last one as a prefix (as the site's backend does; Wagtail's own
            # matches whole terms only).
            vocabulary = set(words)
            *whole, last = wanted
            if not prefix:
                return all(w in vocabulary for w in wanted)
            return all(w in vocabulary for w in whole) and any(w.startswith(last) for w in words)

        scores = {}
        for url, (title, body) in index.items():
            if wanted and matches(title + body):
                scores[url] = 5 * sum(title.count(w) for w in wanted) + sum(
                    body.count(w) for w in wanted
                )
        ranked = sorted(scores, key=lambda url: -scores[url])
        found += expected in scores
        top3 += expected in ranked[:3]
        if expected not in ranked[:3]:
            missed.append(query)
    n = len(cases)
    print(
        f"{name:32} found {found}/{n}, top 3 {top3}/{n}; index {terms} terms, {chars} chars; "
        f"split in {split_seconds * 1000:.0f} ms; missed: {', '.join(missed) or 'none'}"
    )


def time_backend(cases):
    from wagtail.models import Page

    from ibasho.search.results import search_pages

    one = Page.objects.live().last().pk
    searches, lookups = [], []
    for _ in range(20):
        for query, expected in cases:
            language = "en" if expected.startswith("/en/") else "ja"
            started = time.perf_counter()
            search_pages(query, language=language)
            searches.append(time.perf_counter() - started)
            started = time.perf_counter()
            Page.objects.get(pk=one)
            lookups.append(time.perf_counter() - started)
    for label, values in (("search (with what results show)", searches), ("page by pk", lookups)):
        values.sort()
        p95 = values[int(len(values) * 0.95)]
        print(
            f"{label:32} median {statistics.median(values) * 1000:.2f} ms, "
            f"p95 {p95 * 1000:.2f} ms ({len(values)} runs)"
        )


def main():
    setup()
    from tests.support.search_cases import ENGLISH, JAPANESE

    docs = corpus("ja")
    print(f"{len(docs)} Japanese pages, {len(JAPANESE)} labelled queries")
    for make in (stock_splitter, bigram_splitter, janome_splitter, sudachi_splitter):
        try:
            name, split, split_query = make()
        except ImportError as error:
            print(f"{make.__name__}: not installed ({error.name})")
            continue
        evaluate(name, split, split_query, docs, JAPANESE, prefix=make is not stock_splitter)
    time_backend(JAPANESE + ENGLISH)


if __name__ == "__main__":
    sys.exit(main())
