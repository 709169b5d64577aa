"""The printable monthly schedule in a real browser: a space's month with a dozen dates prints
on one A4 portrait page (Chromium's own print to PDF, with the print styles), with its QR code
and phone, nothing loaded from another site; the screen version is accessible (axe-core)."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from tests.support.screens import save_key_screen

pytestmark = pytest.mark.browser


def next_month():
    first = dt.date.today().replace(day=1)
    return (first + dt.timedelta(days=32)).replace(day=1).strftime("%Y-%m")


def test_a_month_of_a_space_fits_one_a4_page(
    demo_site, new_page, browser_log, assert_no_axe_violations
):
    page = new_page()
    path = f"/events/print/?space=konan-hot-space&month={next_month()}"
    page.goto(demo_site + path)
    assert page.locator("table.paper__dates tbody tr").count() >= 12
    assert page.locator(".paper__tools a[href^='/events/print.pdf']").count() == 1
    assert_no_axe_violations(page)
    save_key_screen(page, "print-month-screen")

    page.emulate_media(media="print")
    assert page.locator(".paper__tools").is_hidden()
    qr = page.locator("svg.paper__qr")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 100  # about 32 mm
    assert "077" in page.locator(".paper__contacts").inner_text()
    save_key_screen(page, "print-month-a4")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    assert len(pdf.pages) == 1
    width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    assert browser_log.requests_elsewhere(demo_site) == []
