"""The printable monthly schedule: a month of `/events/` for an A4 flyer, as a page to print
and as a PDF, with the hidden-address rule, whether to book, the centre's phone and a QR code
to the online schedule."""

import datetime as dt
import io

import pytest
import segno
from bs4 import BeautifulSoup
from pypdf import PdfReader

from tests.support.dates import weekly

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def month(make_space, make_event, areas, contacts):
    """December 2026: a public space on Tuesdays (just come) and a hidden one on Saturdays
    (booking needed)."""
    region, town, _other = areas
    open_space = make_space(
        title="居場所ひだまり", slug="hidamari", area=town, address="さくら市本町1-2-3"
    )
    hidden = make_space(
        title="北のへや",
        slug="kita",
        area=region,
        address="湖南市秘密町9-9",
        location_policy="after_signup",
    )
    make_event(
        title="火曜の居場所",
        space=open_space,
        rules=[weekly(dt.date(2026, 12, 1), ["TU"])],
        discreet_title="火曜のあつまり",
    )
    make_event(
        title="土曜の家族会",
        kind="family_group",
        space=hidden,
        join_mode="booking",
        capacity=8,
        rules=[weekly(dt.date(2026, 12, 1), ["SA"], start="10:00", end="12:00")],
    )
    return open_space, hidden


def rows(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return soup, [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in soup.select("table.paper__dates tbody tr")
    ]


def test_a_month_lists_every_date_with_time_place_and_how_to_join(client, month):
    response = client.get("/events/print/?month=2026-12")
    assert response.status_code == 200
    soup, lines = rows(response)
    assert soup.h1.get_text(strip=True) == "2026年12月の日程"
    # Five Tuesdays and four Saturdays in December 2026.
    assert len(lines) == 9
    first = lines[0]
    assert first[0] == "12月1日(火)"
    assert first[1:] == [
        "13:00–16:00",
        "火曜の居場所",
        "居場所ひだまり, さくら市本町1-2-3",
        "予約不要",
    ]
    saturday = next(line for line in lines if "土曜の家族会" in line)
    # The hidden space shows its area only, and says booking is needed.
    assert saturday[-2:] == ["北のへや, 湖南圏域", "要予約"]
    assert "秘密町" not in response.content.decode()
    # The centre's phone, not the crisis line's listing only.
    footer = soup.select_one(".paper__contacts").get_text(" ", strip=True)
    assert "077-000-0000" in footer


def test_the_qr_code_is_the_online_schedule_of_the_same_month_and_filters(client, month):
    response = client.get("/events/print/?month=2026-12&space=kita")
    soup, lines = rows(response)
    assert len(lines) == 4 and all("土曜の家族会" in line for line in lines)
    assert soup.h1.get_text(strip=True) == "北のへや: 2026年12月の日程"
    url = soup.select_one(".paper__url").get_text(strip=True)
    assert url == "http://testserver/events/?space=kita&date=2026-12-01&view=month"
    expected = segno.make(url, error="m").svg_inline(scale=3, border=4)
    drawn = soup.select_one("svg.paper__qr path")["d"]
    assert drawn == BeautifulSoup(expected, "html.parser").select_one("path")["d"]
    # Nothing is loaded from another site.
    for tag in soup.select("[src], link[href]"):
        assert (tag.get("src") or tag["href"]).startswith("/")


def test_the_discreet_version_names_nothing_that_says_what_the_gathering_is(client, month):
    response = client.get("/events/print/?month=2026-12&discreet=1")
    soup, lines = rows(response)
    assert soup.h1.get_text(strip=True) == "2026年12月のあつまり"
    assert "火曜のあつまり" in lines[0]
    assert "居場所ひだまり" not in response.content.decode()


def test_the_english_page_is_in_english(client, month, en_locale):
    response = client.get("/en/events/print/?month=2026-12")
    soup, _lines = rows(response)
    assert response.status_code == 200
    assert soup.h1.get_text(strip=True) == "Dates for December 2026"


@pytest.mark.parametrize(
    "query",
    [
        "month=2026-13",
        "month=2026-1",
        "month=december",
        "month=2026-12&month=2027-01",
        "month=2040-01",
        "month=2026-12&space=nowhere",
        "month=2026-12&discreet=yes",
        "month=2026-12&view=week",
    ],
)
def test_a_bad_month_or_filter_gets_a_kind_400(client, month, query):
    for path in ("/events/print/", "/events/print.pdf"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        text = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
        assert "2026-12" in text and "日程のページ" in text


def test_the_pdf_is_one_a4_page_with_the_japanese_dates(client, month):
    response = client.get("/events/print.pdf?month=2026-12&space=kita")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["ETag"]
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    text = reader.pages[0].extract_text()
    assert "北のへや: 2026年12月の日程" in text
    assert "12月5日(土)" in text and "要予約" in text and "077-000-0000" in text
    assert "秘密町" not in text
    # The tools of the screen version are not printed.
    assert "PDF" not in text


def test_the_dates_page_and_a_space_page_link_to_the_printable_month(client, month):
    listing = BeautifulSoup(
        client.get("/events/?view=month&date=2026-12-01&kind=family_group").content,
        "html.parser",
    )
    link = listing.select_one("a[href^='/events/print/']")
    assert link["href"] == "/events/print/?kind=family_group&month=2026-12"
    space = BeautifulSoup(client.get("/spaces/kita/").content, "html.parser")
    assert space.select_one("a[href^='/events/print/']")["href"] == "/events/print/?space=kita"
