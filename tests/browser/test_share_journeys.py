"""Passing a page on, in a real browser on a 320 px phone: the address box, the QR code and
the share links are there, accessible (axe-core), and load nothing from another site."""

import pytest

from tests.support.screens import PHONE, assert_no_sideways_scroll

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/spaces/hidamari/", "/en/events/family-group/"])
def test_a_page_offers_its_address_qr_code_and_share_links(
    demo_site, new_page, browser_log, assert_no_axe_violations, path
):
    page = new_page(**PHONE)
    page.goto(demo_site + path)
    assert_no_sideways_scroll(page)
    box = page.locator("#share-url")
    assert box.input_value() == demo_site + path
    qr = page.locator("section.share svg")
    qr.scroll_into_view_if_needed()
    assert qr.is_visible() and qr.bounding_box()["width"] >= 100
    assert page.locator('section.share a[href^="mailto:"]').is_visible()
    assert page.locator('section.share a[href^="https://line.me/R/share?text="]').is_visible()
    assert_no_axe_violations(page)
    assert browser_log.requests_elsewhere(demo_site) == []
