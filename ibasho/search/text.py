"""How search folds and splits text: the same for what is indexed and for what is typed.

Japanese has no spaces between words, so a database full-text index (SQLite FTS5, PostgreSQL
tsvector), which cuts at spaces and punctuation, sees 「家族会や家族教室」 as one word and never
finds 家族. Text is therefore folded (NFKC: half-width ｶﾅ and full-width ＡＢＣ to their usual
forms; katakana to hiragana; lower case) and each run of Japanese characters is written as its
overlapping character pairs (bigrams), so 家族会 is indexed as 家族 族会 会 and a query 家族 is
the pair 家族. Other words stay whole, cut to their English stem (Snowball's English stemmer),
so "meetings" and "meeting" are one term. The README's search section says why bigrams and not
a morphological analyser.
"""

import re
import unicodedata

import jaconv
import snowballstemmer

# A run of Japanese letters: hiragana (with the prolonged sound mark and iteration marks),
# katakana, CJK ideographs (and 々 〆 〇).
JAPANESE_RUN = (
    r"[\u3041-\u309f\u30a0-\u30ff\u30fc\u3005-\u3007\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]+"
)
TOKEN = re.compile(rf"(?P<ja>{JAPANESE_RUN})|(?P<word>(?:(?!{JAPANESE_RUN})[^\W_])+)")

# Longest text a query is cut to before folding (the form refuses longer ones first).
MAX_QUERY_TOKENS = 40


_stemmer = snowballstemmer.stemmer("english")


def stem(word):
    """A word's English stem ("meetings", "meeting" -> "meet"); digits and romanised Japanese
    names come back as they are, or nearly so, on both sides of the index alike."""
    return _stemmer.stemWord(word) if word.isascii() and word.isalpha() else word


def fold(text):
    """One spelling for what a person may type several ways: ヒダマリ, ﾋﾀﾞﾏﾘ and ひだまり; ＪＲ and
    jr; ① and 1."""
    text = unicodedata.normalize("NFKC", text)
    return jaconv.kata2hira(text).casefold()


def tokens(text):
    """The index terms of a text, in order: bigrams of each Japanese run (with its last
    character alone, so that a one-character query finds it as a prefix), whole other words."""
    terms = []
    for match in TOKEN.finditer(fold(text)):
        if match.group("ja"):
            run = match.group("ja")
            terms.extend(run[i : i + 2] for i in range(len(run) - 1))
            terms.append(run[-1])
        else:
            terms.append(stem(match.group("word")))
    return terms


def query_tokens(text):
    """The terms a query must all match: a Japanese run's bigrams (a run of one character stays
    itself, matched as a prefix), other words whole. Duplicates dropped, order kept."""
    terms = []
    for match in TOKEN.finditer(fold(text)):
        if match.group("ja"):
            run = match.group("ja")
            terms.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
        else:
            terms.append(stem(match.group("word")))
    return list(dict.fromkeys(terms))[:MAX_QUERY_TOKENS]


def index_text(text):
    return " ".join(tokens(text))
