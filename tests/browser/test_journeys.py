"""Journeys through the public site in a real browser, on the demo content: what someone who
has withdrawn, or their family, meets first, in Japanese and in English, by mouse, keyboard
and on a small or magnified screen."""

from urllib.parse import urlsplit

import pytest

from tests.support.screens import WIDE_ELEMENTS

pytestmark = pytest.mark.browser

LEARN = {"ja": "/learn/", "en": "/en/learn/"}
HOME = {"ja": "/", "en": "/en/"}
OTHER_LANGUAGE = {"ja": "en", "en": "ja"}

# What `document.activeElement` is, in terms a failure message can show.
ACTIVE_ELEMENT = """() => {
  const el = document.activeElement;
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    className: el.className,
    href: el.getAttribute("href") || "",
    inFooter: Boolean(el.closest("footer#talk-now")),
  };
}"""


def article_paths(page, base_url, language):
    """The paths of the awareness articles listed on the language's /learn/ page, in order."""
    page.goto(base_url + LEARN[language])
    links = page.locator(".article-list a")
    paths = [urlsplit(links.nth(i).get_attribute("href")).path for i in range(links.count())]
    assert paths, f"no article is listed on {LEARN[language]}"
    return paths


def first_article_path(page, base_url, language):
    return article_paths(page, base_url, language)[0]


def tab_until(page, predicate, *, limit, description):
    """Press Tab until the focused element satisfies predicate; return the elements passed."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE_ELEMENT)
        seen.append(active)
        if predicate(active):
            return seen
    pytest.fail(f"{description} not reached within {limit} Tabs; focus went to {seen}")


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("kind", ["home", "article"])
def test_page_renders_accessibly_from_own_host(
    demo_site, page, browser_log, assert_no_axe_violations, language, kind
):
    path = HOME[language] if kind == "home" else first_article_path(page, demo_site, language)

    response = page.goto(demo_site + path)

    assert response.ok, f"{path} answered {response.status}"
    # The strict policy is really in force, so axe below ran under it, as the site's own
    # scripts would.
    assert "script-src 'self'" in response.headers.get("content-security-policy", "")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").first.is_visible()
    contacts = page.locator("footer#talk-now ul.contact-list li a.contact__value")
    assert contacts.count() > 0, "the footer lists no consultation contact"
    assert contacts.first.is_visible()
    assert page.locator('footer#talk-now a.contact__value[href^="tel:"]').count() > 0
    assert_no_axe_violations(page)
    assert browser_log.requests_elsewhere(demo_site) == []
    assert browser_log.console_errors == []


def test_keyboard_reaches_a_phone_number_from_the_top_of_the_page(demo_site, page):
    page.goto(demo_site + "/")

    page.keyboard.press("Tab")
    active = page.evaluate(ACTIVE_ELEMENT)
    assert "skip-link" in active["className"], f"the first Tab went to {active}"

    tab_until(
        page,
        lambda el: "talk-now" in el["className"],
        limit=10,
        description='The "talk to someone now" link',
    )
    page.keyboard.press("Enter")
    active = page.evaluate(ACTIVE_ELEMENT)
    assert active["id"] == "talk-now", f"Enter on the link moved focus to {active}"
    assert page.url.endswith("#talk-now")

    passed = tab_until(
        page,
        lambda el: el["href"].startswith("tel:"),
        limit=5,
        description="A phone number in the footer",
    )
    assert all(el["inFooter"] for el in passed), f"focus left the footer: {passed}"


# WCAG 1.4.10 asks for content that reflows at 320 CSS pixels (1280 px at 400 % zoom).
# Browser zoom at 200 % on a 1280 px window gives a page exactly this: a 640 CSS px layout
# viewport with two device pixels per CSS pixel. Emulating that viewport is what the zoom does
# to layout, without depending on a zoom keyboard shortcut headless chromium does not have.
SMALL_SCREENS = {
    "320px": {"viewport": {"width": 320, "height": 640}},
    "200%-zoom": {"viewport": {"width": 640, "height": 360}, "device_scale_factor": 2},
}


@pytest.mark.parametrize("screen", SMALL_SCREENS.keys())
def test_no_horizontal_scrolling_on_small_or_magnified_screens(demo_site, new_page, screen):
    page = new_page(**SMALL_SCREENS[screen])
    paths = [HOME["ja"], LEARN["ja"], first_article_path(page, demo_site, "ja")]
    paths += [HOME["en"], LEARN["en"], first_article_path(page, demo_site, "en")]

    for path in paths:
        page.goto(demo_site + path)
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert scroll_width <= inner_width, (
            f"{path} scrolls sideways at {screen}: {scroll_width}px wide in {inner_width}px; "
            f"sticking out: {page.evaluate(WIDE_ELEMENTS)}"
        )


@pytest.mark.parametrize("language", ["ja", "en"])
def test_language_switch_leads_to_the_same_article(demo_site, page, language):
    other = OTHER_LANGUAGE[language]
    for path in article_paths(page, demo_site, language):
        page.goto(demo_site + path)
        page.locator(f'nav.language-switch a[hreflang="{other}"]').click()
        page.wait_for_load_state()

        translated = page.url.removeprefix(demo_site)
        assert page.locator("html").get_attribute("lang") == other
        assert translated.startswith(LEARN[other]) and translated != LEARN[other], (
            f"the switch on {path} led to {translated}, not an article"
        )
        assert page.locator("article.article h1").is_visible()

        # And back: the translation's own switch returns to the article we started from.
        page.locator(f'nav.language-switch a[hreflang="{language}"]').click()
        page.wait_for_load_state()
        assert page.url.removeprefix(demo_site) == path


def test_browsing_sets_no_cookie(demo_site, page, context):
    paths = [HOME["ja"], LEARN["ja"], first_article_path(page, demo_site, "ja")]
    paths += [HOME["en"], LEARN["en"], first_article_path(page, demo_site, "en")]

    for path in paths:
        page.goto(demo_site + path)

    assert context.cookies() == []
