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
primary key in the same run.

    python -m bench.search --pages 5000

adds that many generated awareness pages (Japanese and English sentences of the kind the site
holds, seeded, so every run is the same) before timing the backend, and prints how long they
took to create (Wagtail indexes each as it is saved) and to index again in batches, as
`update_index` does."""

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


# Sentences of the kind the site's pages hold, mixed into generated pages.
SENTENCES = [
    "家族会では、同じ立場のご家族と、ゆっくりお話しできます。",
    "居場所は予約不要です。来られる時間に来て、帰りたい時に帰ってください。",
    "オンラインの集まりは、カメラをオフにしたままでも参加できます。",
    "土曜の午後、駅から歩いて五分の公民館で開いています。",
    "ピアサポーターは、ひきこもりの経験がある人たちです。",
    "民生委員や学校の先生が、声をかけるときのヒントをまとめました。",
    "話さなくても大丈夫です。お茶を飲んで過ごすだけの人もいます。",
    "Family meetings are held on Sunday afternoons; no booking is needed.",
    "Online gatherings: you may keep your camera off the whole time.",
    "Peer supporters have lived through withdrawal themselves.",
    "Teachers and neighbours can read how to mention the centre without pressure.",
]


def add_pages(count):
    """`count` generated awareness pages under the learn index of each language in turn."""
    import random

    from ibasho.models import ArticlePage, LearnIndexPage

    random.seed(16)
    parents = list(LearnIndexPage.objects.all())
    started = time.perf_counter()
    for i in range(count):
        parent = parents[i % len(parents)]
        body = " ".join(random.choices(SENTENCES, k=6))
        parent.add_child(
            instance=ArticlePage(
                title=f"{random.choice(SENTENCES)[:18]} {i}",
                slug=f"bench-{i}",
                summary=body,
            )
        )
    created = time.perf_counter() - started
    print(f"{count} pages created in {created:.1f} s (each indexed as it is saved)")
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    pages = list(ArticlePage.objects.filter(slug__startswith="bench-"))
    started = time.perf_counter()
    for first in range(0, len(pages), 500):
        backend.add_bulk(ArticlePage, pages[first : first + 500])
    indexed = time.perf_counter() - started
    print(f"{count} pages indexed again in batches of 500 in {indexed:.1f} s")


def time_backend(cases, *, rounds=20):
    from wagtail.models import Page

    from ibasho.search.results import search_pages

    one = Page.objects.live().last().pk
    searches, lookups, first_three = [], [], 0
    for round_number in range(rounds):
        for query, expected in cases:
            language = "en" if expected.startswith("/en/") else "ja"
            started = time.perf_counter()
            results = search_pages(query, language=language)
            searches.append(time.perf_counter() - started)
            if round_number == 0:
                first_three += expected in [r.page.url for r in results[:3]]
            started = time.perf_counter()
            Page.objects.get(pk=one)
            lookups.append(time.perf_counter() - started)
    print(f"labelled queries with the expected page in the first 3: {first_three}/{len(cases)}")
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
    if "--pages" in sys.argv:
        from wagtail.models import Page

        add_pages(int(sys.argv[sys.argv.index("--pages") + 1]))
        print(f"{Page.objects.live().count()} live pages in all")
        time_backend(JAPANESE + ENGLISH, rounds=5)
    else:
        time_backend(JAPANESE + ENGLISH)


if __name__ == "__main__":
    sys.exit(main())
