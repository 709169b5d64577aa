"""Share without trackers: every space and event page offers its address to copy, a QR code
drawn on the page, and e-mail and LINE links, and nothing on it loads from another site."""

from urllib.parse import parse_qs, urlsplit

import pytest
import segno
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db

PAGES = [
    "/spaces/hidamari/",
    "/events/family-group/",
    "/en/spaces/hidamari/",
    "/en/events/family-class/",
]


@pytest.mark.parametrize("path", PAGES)
def test_a_page_can_be_passed_on_without_loading_anything_elsewhere(client, demo, path):
    response = client.get(path)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    share = soup.select_one("section.share")
    url = f"http://testserver{path}"
    # The address, in a labelled box to copy.
    box = share.select_one("input#share-url")
    assert box["value"] == url and "readonly" in box.attrs
    assert share.select_one("label[for=share-url]")
    # The QR code is inline SVG, and is the code of exactly this address.
    svg = share.select_one("svg")
    drawn = svg.select_one("path")["d"]
    expected = BeautifulSoup(
        segno.make(url, error="m").svg_inline(scale=4, border=4), "html.parser"
    )
    assert drawn == expected.select_one("path")["d"]
    # E-mail and LINE: plain links carrying the address; followed only when clicked.
    links = {
        urlsplit(a["href"]).scheme + ":" + urlsplit(a["href"]).netloc: a["href"]
        for a in share.select("a")
    }
    mail = parse_qs(urlsplit(links["mailto:"]).query)
    assert mail["body"] == [url]
    line = parse_qs(urlsplit(links["https:line.me"]).query)
    assert url in line["text"][0]
    # Nothing is fetched from another site: no external src, stylesheet or frame.
    for tag in soup.select("[src], link[href], iframe, object, embed"):
        address = tag.get("src") or tag.get("href")
        assert not urlsplit(address).netloc, f"{tag.name} loads {address}"
