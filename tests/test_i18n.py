"""Japanese first, English complete: every interface string exists in both languages."""

import re
import shutil
import subprocess
import sys
from collections import Counter, deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from django.conf import settings

from tests.support.parts import has_program, require_part

CATALOGUE = settings.BASE_DIR / "locale" / "ja" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
CJK_RUN = re.compile(r".{0,20}[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]+")


def msgids(path):
    with open(path, "rb") as f:
        return {m.id for m in read_po(f) if m.id}


def test_every_interface_string_has_a_japanese_translation():
    with open(CATALOGUE, "rb") as f:
        catalogue = read_po(f)
    untranslated = [m.id for m in catalogue if m.id and not m.string]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    assert len(catalogue) > 50


def test_catalogue_is_up_to_date_with_the_code(tmp_path):
    """makemessages over the current code finds no string that the catalogue lacks."""
    require_part(has_program("xgettext"), "GNU gettext (xgettext)")
    tree = tmp_path / "tree"
    ignore = shutil.ignore_patterns(".venv", "var", "static", "node_modules", "__pycache__", ".*")
    shutil.copytree(settings.BASE_DIR, tree, ignore=ignore)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale",
            "ja",
            "--ignore",
            "tests/*",
            "--ignore",
            "bench/*",
            "--no-obsolete",
        ],
        cwd=tree,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "ibasho.settings.test",
            "IBASHO_VAR_DIR": str(tmp_path / "var"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    fresh = msgids(tree / "locale" / "ja" / "LC_MESSAGES" / "django.po")
    missing = fresh - msgids(CATALOGUE)
    assert missing == set(), "run `make messages` and translate these"


def visible_text(html):
    page = BeautifulSoup(html, "html.parser")
    # Text marked lang="ja" is Japanese on purpose (a notice staff wrote only in Japanese, shown
    # with its "(in Japanese)" hint); the language switch names 日本語 in Japanese.
    for element in page.select("nav.language-switch, script, style, [lang=ja]"):
        element.decompose()
    return page.get_text(" ", strip=True)


# Pages the links from /en/ do not reach by themselves (forms, private and refusal pages).
ENGLISH_SEEDS = ["/en/", "/en/accounts/login/", "/en/my/", "/en/search/?q=family", "/en/nowhere/"]
NOT_PAGES = re.compile(r"\.(ics|xml|txt|svg|png|pdf|csv|json)$|^/en/(admin|django-admin)/")


def english_pages(client, limit_per_shape=2):
    """Every kind of English page a visitor can reach from /en/ by following links: a breadth-first
    walk that visits at most two pages of each shape (the same first path segments, depth and
    query parameters), so that the walk stays short as the schedule grows."""
    seen, queue, shapes = set(ENGLISH_SEEDS), deque(ENGLISH_SEEDS), Counter()
    while queue:
        url = queue.popleft()
        response = client.get(url)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        yield url, response
        for link in BeautifulSoup(response.content, "html.parser").select("a[href]"):
            parts = urlsplit(link["href"])
            if parts.netloc or not parts.path.startswith("/en/") or NOT_PAGES.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            segments = parts.path.strip("/").split("/")
            keys = tuple(sorted(name for name, _ in parse_qsl(parts.query)))
            shape = (tuple(segments[:2]), len(segments), keys)
            if target in seen or shapes[shape] >= limit_per_shape:
                continue
            shapes[shape] += 1
            seen.add(target)
            queue.append(target)


@pytest.mark.django_db
def test_no_english_page_shows_an_untranslated_string(client, demo):
    """An interface string written in Japanese in a template or in code, or content without its
    English version, shows up as Japanese on an English page; each page that does is named."""
    pages = {url: visible_text(response.content) for url, response in english_pages(client)}
    assert len(pages) > 20  # the walk really went through the site
    japanese_left = {
        url: CJK_RUN.findall(text)[:5] for url, text in pages.items() if CJK.search(text)
    }
    assert japanese_left == {}, "\n".join(f"{url}: {runs}" for url, runs in japanese_left.items())


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/learn/", "/learn/for-families/", "/accounts/login/"])
def test_japanese_pages_show_no_english_interface_text(client, demo, url):
    text = visible_text(client.get(url).content)
    for phrase in ["Skip to main content", "Talk to someone", "Main menu", "Sign in", "In short"]:
        assert phrase not in text
