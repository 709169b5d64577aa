"""Searching in a real browser: from the header box on a 320 px phone to a result, with
axe-core on the results and on an empty result, in both languages; nothing loads from
elsewhere and nothing needs JavaScript."""

import pytest

from tests.support.screens import PHONE, assert_no_sideways_scroll

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("language", "home", "query", "expected"),
    [
        ("ja", "/", "ひだまり", "/spaces/hidamari/"),
        ("en", "/en/", "Hidamari", "/en/spaces/hidamari/"),
    ],
)
def test_the_header_box_finds_a_space_on_a_phone(
    demo_site, new_page, browser_log, language, home, query, expected
):
    page = new_page(java_script_enabled=False, **PHONE)
    page.goto(demo_site + home)
    assert_no_sideways_scroll(page)
    box = page.locator("header form[role=search] input[name=q]")
    assert box.is_visible()
    # The label is really the box's name: that is how a screen reader announces it.
    page.get_by_role("searchbox", name=page.locator("header form label").inner_text()).fill(query)
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert_no_sideways_scroll(page)
    links = page.locator(".search-results h2 a")
    assert links.count() > 0
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert expected in hrefs[:3]
    assert page.locator(".search-result--space .opening").first.is_visible()
    assert browser_log.requests_elsewhere(demo_site) == []


@pytest.mark.parametrize("path", ["/search/?q=家族会", "/search/?q=宇宙旅行", "/en/search/?q=zzzz"])
def test_search_pages_are_accessible_at_320px(demo_site, new_page, assert_no_axe_violations, path):
    page = new_page(**PHONE)
    response = page.goto(demo_site + path)
    assert response.ok
    assert_no_sideways_scroll(page)
    assert_no_axe_violations(page)
