"""Japanese first, English complete: every interface string exists in both languages."""

import re
import shutil
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from django.conf import settings

from tests.support.parts import has_program, require_part

CATALOGUE = settings.BASE_DIR / "locale" / "ja" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


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
    for element in page.select("nav.language-switch, script, style"):
        element.decompose()
    return page.get_text(" ", strip=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/en/", "/en/learn/", "/en/learn/for-families/", "/en/accounts/login/"]
)
def test_english_pages_have_no_japanese_left(client, demo, url):
    text = visible_text(client.get(url).content)
    assert CJK.findall(text) == [], text


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/learn/", "/learn/for-families/", "/accounts/login/"])
def test_japanese_pages_show_no_english_interface_text(client, demo, url):
    text = visible_text(client.get(url).content)
    for phrase in ["Skip to main content", "Talk to someone", "Main menu", "Sign in", "In short"]:
        assert phrase not in text
