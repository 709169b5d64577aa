"""The schedule as open data: the recommended dataset 「イベント一覧」 as CSV (UTF-8 with a
byte-order mark, its columns in order) and the same rows as JSON, with the licence, the
filters of `/events/`, nothing about the people who come, and hidden addresses kept back."""

import csv
import datetime as dt
import io
import json

import pytest

from events.calendars.open_data import COLUMNS
from events.models import Occurrence
from events.signups import services
from events.signups.tokens import new_form_key
from tests.support.dates import at, weekly

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def schedule(make_space, make_event, areas, contacts):
    """A public space on Tuesdays and a hidden one on Saturdays, someone booked there; the
    centre publishes for 滋賀県."""
    contacts.local_government_code = "250007"
    contacts.prefecture_name = "滋賀県"
    contacts.save()
    region, town, _other = areas
    open_space = make_space(
        title="居場所ひだまり",
        slug="hidamari",
        area=town,
        address="さくら市本町1-2-3",
        access_station="JRさくら駅から歩いて5分",
    )
    hidden = make_space(
        title="北のへや",
        slug="kita",
        area=region,
        address="湖南市秘密町9-9",
        access_station="秘密駅",
        location_policy="after_signup",
    )
    make_event(
        title="火曜の居場所",
        title_kana="カヨウノイバショ",
        space=open_space,
        rules=[weekly(dt.date(2026, 12, 1), ["TU"], count=3)],
    )
    family = make_event(
        title="土曜の家族会",
        kind="family_group",
        space=hidden,
        join_mode="booking",
        capacity=8,
        rules=[weekly(dt.date(2026, 12, 1), ["SA"], start="10:00", end="12:00", count=2)],
    )
    services.book_place(
        occurrence=Occurrence.objects.get(event=family, start=at(2026, 12, 5, 10)),
        form_key=new_form_key(),
        nickname="ひみつのゆう",
        email="yu-private@example.org",
        note="電話090-1111-2222",
    )
    return open_space, hidden


def read_csv(response):
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs
    text = body.decode("utf-8-sig")
    assert "\r\n" in text
    reader = csv.reader(io.StringIO(text, newline=""))
    header, *rows = list(reader)
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def test_the_csv_has_the_datasets_columns_in_order_and_a_row_a_date(client, schedule):
    response = client.get("/events/open-data/events.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, rows = read_csv(response)
    assert tuple(header) == COLUMNS
    # 自治体標準オープンデータセット「イベント一覧」: 32 columns, these names in this order.
    assert header == [
        "都道府県コード又は市区町村コード",
        "NO",
        "都道府県名",
        "市区町村名",
        "イベント名",
        "イベント名_カナ",
        "イベント名_英語",
        "開始日",
        "終了日",
        "開始時間",
        "終了時間",
        "開始日時特記事項",
        "説明",
        "料金(基本)",
        "料金(詳細)",
        "連絡先名称",
        "連絡先電話番号",
        "連絡先内線番号",
        "主催者",
        "場所名称",
        "住所",
        "方書",
        "緯度",
        "経度",
        "アクセス方法",
        "駐車場情報",
        "定員",
        "参加申込終了日",
        "参加申込終了時間",
        "参加申込方法",
        "URL",
        "備考",
    ]
    assert len(rows) == 5
    assert len({row["NO"] for row in rows}) == 5  # unique within the publisher
    tuesday = rows[0]
    assert tuesday["都道府県コード又は市区町村コード"] == "250007"
    assert (tuesday["都道府県名"], tuesday["市区町村名"]) == ("滋賀県", "")
    assert tuesday["イベント名"] == "火曜の居場所"
    assert tuesday["イベント名_カナ"] == "カヨウノイバショ"
    assert (tuesday["開始日"], tuesday["開始時間"], tuesday["終了時間"]) == (
        "2026-12-01",
        "13:00",
        "16:00",
    )
    assert tuesday["場所名称"] == "居場所ひだまり"
    assert tuesday["住所"] == "さくら市本町1-2-3"
    assert tuesday["アクセス方法"] == "JRさくら駅から歩いて5分"
    assert tuesday["参加申込方法"] == "予約不要"
    assert tuesday["連絡先電話番号"] == "077-000-0000"
    assert tuesday["URL"].startswith("http://testserver/events/")
    saturday = next(row for row in rows if row["イベント名"] == "土曜の家族会")
    assert (saturday["参加申込方法"], saturday["定員"]) == ("要予約", "8")


def test_no_personal_data_and_no_hidden_address_ever(client, schedule):
    for path in ("/events/open-data/events.csv", "/events/open-data/events.json"):
        body = client.get(path).content.decode("utf-8-sig")
        for secret in ("ひみつのゆう", "yu-private@example.org", "090-1111-2222", "秘密"):
            assert secret not in body, (path, secret)
    _header, rows = read_csv(client.get("/events/open-data/events.csv"))
    saturday = next(row for row in rows if row["場所名称"] == "北のへや")
    assert saturday["住所"] == "湖南圏域"
    assert saturday["アクセス方法"] == ""
    assert "参加が決まった方" in saturday["備考"]


def test_the_json_holds_the_same_rows_and_the_licence(client, schedule):
    response = client.get("/events/open-data/events.json")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["license"]["name"] == "CC BY 4.0"
    assert data["columns"] == list(COLUMNS)
    _header, rows = read_csv(client.get("/events/open-data/events.csv"))
    assert data["events"] == rows


def test_the_filters_of_the_dates_page_work_here(client, schedule):
    _header, rows = read_csv(client.get("/events/open-data/events.csv?space=kita"))
    assert {row["イベント名"] for row in rows} == {"土曜の家族会"}
    _header, rows = read_csv(client.get("/events/open-data/events.csv?area=sakura"))
    assert {row["イベント名"] for row in rows} == {"火曜の居場所"}


def test_an_ended_or_unpublished_date_is_not_listed(client, schedule, frozen_now):
    frozen_now.move_to(at(2026, 12, 6, 9))
    _header, rows = read_csv(client.get("/events/open-data/events.csv"))
    assert [row["開始日"] for row in rows] == ["2026-12-08", "2026-12-12", "2026-12-15"]
    from events.models import EventPage

    EventPage.objects.get(title="土曜の家族会").unpublish()
    _header, rows = read_csv(client.get("/events/open-data/events.csv"))
    assert "土曜の家族会" not in {row["イベント名"] for row in rows}


@pytest.mark.parametrize("query", ["space=nowhere", "kind=party", "colour=red", "area="])
def test_a_bad_filter_gets_a_plain_400(client, schedule, query):
    for path in ("/events/open-data/events.csv", "/events/open-data/events.json"):
        response = client.get(f"{path}?{query}")
        if query == "area=":  # an empty filter is no filter
            assert response.status_code == 200
            continue
        assert response.status_code == 400
        assert "読み取れない条件" in response.content.decode()


def test_the_files_are_cacheable_with_an_etag_and_set_no_cookie(client, schedule):
    response = client.get("/events/open-data/events.csv")
    etag = response["ETag"]
    assert not response.cookies
    again = client.get("/events/open-data/events.csv", headers={"if-none-match": etag})
    assert again.status_code == 304


def test_the_open_data_page_is_linked_from_every_footer_and_names_the_licence(
    client, schedule, home_page
):
    home = client.get("/").content.decode()
    assert 'href="/events/open-data/"' in home
    page = client.get("/events/open-data/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "CC BY 4.0" in text and "http://testserver/events/open-data/events.csv" in text
    assert client.get("/en/events/open-data/").status_code == 200


@pytest.mark.parametrize("reading", ["かようのいばしょ", "火曜", "Kayou"])
def test_the_kana_title_takes_katakana_only(reading):
    from django.core.exceptions import ValidationError

    from events.models import EventPage

    field = EventPage._meta.get_field("title_kana")
    field.run_validators("カヨウ ノ イバショ")
    with pytest.raises(ValidationError, match="katakana"):
        field.run_validators(reading)
