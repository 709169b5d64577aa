"""What a visitor sees: the home page, awareness pages and their English versions."""

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def test_home_page_in_japanese_with_the_demo_content(client, demo):
    page = soup(client.get("/"))
    assert page.html["lang"] == "ja"
    assert page.h1.get_text(strip=True) == "ここにいていい場所を、いっしょに"
    assert page.find("a", class_="skip-link")["href"] == "#main"
    assert page.find(id="main") is not None
    # The footer names the centre and lists its phone lines as tappable links.
    footer = page.find("footer", id="talk-now")
    assert "みずうみ県ひきこもり地域支援センター" in footer.get_text()
    assert footer.find("a", href="tel:0770000101") is not None
    assert footer.find("a", href="tel:0120279338") is not None


def test_english_home_page_lives_under_en(client, demo):
    page = soup(client.get("/en/"))
    assert page.html["lang"] == "en"
    assert page.h1.get_text(strip=True) == "A place where you can simply be"
    assert page.find("a", class_="talk-now").get_text(strip=True) == "Talk to someone now"
    assert "Mizuumi Prefecture" in page.find("footer").get_text()


def test_talk_to_someone_now_is_one_step_away_on_every_page(client, demo):
    for url in ["/", "/learn/", "/learn/for-families/", "/en/", "/en/learn/for-you/"]:
        page = soup(client.get(url))
        link = page.find("a", class_="talk-now")
        target = page.find(id=link["href"].lstrip("#"))
        assert target is not None, url
        assert target.find("a", href=lambda h: h and h.startswith("tel:")) is not None, url


def test_crisis_lines_are_shown_apart_from_the_centre(client, contacts, home_page):
    footer = soup(client.get("/")).find("footer")
    crisis = footer.find(class_="contacts__crisis")
    assert "よりそいホットライン" in crisis.get_text()
    assert "24時間" in crisis.get_text()
    assert "電話相談" not in crisis.get_text()


def test_article_opens_with_its_plain_summary(client, demo):
    page = soup(client.get("/learn/for-families/"))
    assert page.h1.get_text(strip=True) == "ご家族の方へ"
    summary = page.find(class_="summary")
    assert "ご家族だけで抱え込まないでください" in summary.get_text()
    # FAQ answers open without JavaScript.
    assert page.find("details").find("summary").get_text(strip=True)
    assert page.find("blockquote") is not None


def test_learn_index_filters_by_audience_with_a_stable_url(client, demo):
    everything = soup(client.get("/learn/"))
    families = soup(client.get("/learn/?audience=families"))
    titles = [h.get_text(strip=True) for h in families.select(".article-summary h2")]
    assert titles == ["ご家族の方へ"]
    assert len(everything.select(".article-summary")) == 4
    current = families.find("nav", class_="filter-links").find(attrs={"aria-current": "page"})
    assert current.get_text(strip=True) == "ご家族の方へ"


def test_an_unknown_filter_shows_everything_with_a_kind_notice(client, demo):
    page = soup(client.get("/learn/?audience=%3Cscript%3E"))
    assert len(page.select(".article-summary")) == 4
    assert "すべてのページを表示しています" in page.find(role="status").get_text()
    assert b"<script>" not in client.get("/learn/?audience=%3Cscript%3E").content


def test_language_switch_keeps_you_on_the_same_article(client, demo):
    page = soup(client.get("/learn/for-families/"))
    switch = page.find("nav", class_="language-switch").find("a")
    assert switch["hreflang"] == "en"
    english = soup(client.get(switch["href"]))
    assert english.h1.get_text(strip=True) == "For families"
    back = english.find("nav", class_="language-switch").find("a")
    assert back["href"] == "/learn/for-families/"


def test_untranslated_page_switches_to_the_other_language_home(client, make_article, en_locale):
    make_article(title="まだ翻訳していないページ", slug="untranslated")
    page = soup(client.get("/learn/untranslated/"))
    assert page.find("nav", class_="language-switch").find("a")["href"] == "/en/"


def test_unknown_page_gets_a_kind_404(client, demo):
    response = client.get("/learn/no-such-page/")
    assert response.status_code == 404
    text = BeautifulSoup(response.content, "html.parser").get_text()
    assert "あなたの操作のせいではありません" in text
    english = client.get("/en/learn/no-such-page/")
    assert "Nothing is wrong on your side" in english.content.decode()


def test_long_and_awkward_text_is_escaped_not_broken(client, make_article, contacts):
    summary = "長い文章" * 100 + "<b>太字</b>"
    article = make_article(title="長い要約", slug="long", summary=summary[:400])
    page = client.get(article.url)
    assert page.status_code == 200
    assert b"<b>" not in page.content
