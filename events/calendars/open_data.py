"""The schedule as open data: each upcoming public date as one row of 「イベント一覧」 in the
Digital Agency's standard open datasets for local governments (自治体標準オープンデータセット,
the columns below in its order), for a CSV and a JSON of the same rows.

Only what the public pages show: no sign-up is read at all (no nickname, e-mail or count), an
address only where `shows_address` allows it (otherwise the area, as on the site), and only
live events. Written in the site's main language, with the English title where there is one."""

import csv
import io
import json

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..schedule.i18n import pages_in_language, source_pages
from ..schedule.listing import apply_filters
from ..schedule.models import Occurrence
from ..schedule.places import PLACE_RELATIONS, place_of, shows_address
from ..schedule.recurrence import site_zone

# The columns of 「イベント一覧」 in the 自治体標準オープンデータセット (デジタル庁; the
# 推奨データセット of 内閣官房IT総合戦略室 renamed and revised, its common first columns now
# 都道府県コード又は市区町村コード, NO, 都道府県名, 市区町村名), in its order, its names
# exactly (half-width brackets). Required there: イベント名, イベント名_カナ, 開始日, 終了日,
# 開始時間, 終了時間, 説明, 場所名称, 住所; the rest may be empty. Dates YYYY-MM-DD, times
# hh:mm. Checked against the item list as mirrored in NEC-FIWARE/smart-data-models
# (cio/06_イベント一覧) and as municipalities publish it; see the README's open-data section.
COLUMNS = (
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
)


def upcoming_dates(filters, *, now=None):
    """The live dates of the `/events/` filters that have not ended, with their places."""
    dates = Occurrence.objects.live().upcoming(now or timezone.now())
    return apply_filters(dates, filters).select_related(
        "event", "event__space__organisation", "space__organisation", *PLACE_RELATIONS
    )


def how_to_join(event):
    if event.join_mode in ("just_come", "maybe"):
        return _("No booking needed")
    if event.join_mode == "enrolment":
        return _("Enrolment for the whole course")
    return _("Booking needed")


def build_rows(occurrences, *, publisher, url_for):
    """One dict per date, keyed by COLUMNS. `publisher`: {"code", "prefecture", "municipality",
    "contact", "phone"} (the centre's); `url_for(page)`: the page's absolute URL."""
    occurrences = list(occurrences)
    with translation.override(settings.LANGUAGE_CODE):
        events = source_pages({o.event for o in occurrences})
        english = pages_in_language(list(events.values()), "en")
        rows = []
        zone = site_zone()
        for occurrence in occurrences:
            event = events[occurrence.event_id]
            space = place_of(occurrence)
            start = timezone.localtime(occurrence.start, zone)
            end = timezone.localtime(occurrence.end, zone)
            organisation = space.organisation if space is not None else None
            notes, place, address, access, parking = [], "", "", "", ""
            if space is not None:
                place = space.title
                if shows_address(space):
                    address, access, parking = (
                        space.address,
                        space.access_station,
                        space.access_parking,
                    )
                else:
                    address = space.area.name if space.area_id else ""
                    notes.append(_("The exact address is told to people whose place is confirmed."))
                if space.is_online:
                    place = f"{space.title}({_('Online')})"
            elif event.is_online:
                place = _("Online")
            english_title = english.get(event.pk)
            special = ""
            if occurrence.is_cancelled:
                special = _("Cancelled")
            elif occurrence.is_moved:
                special = _("Changed")
            if message := occurrence.display_message:
                special = f"{special}: {message}" if special else message
            rows.append(
                {
                    "都道府県コード又は市区町村コード": publisher["code"],
                    "NO": str(occurrence.pk),
                    "都道府県名": publisher["prefecture"],
                    "市区町村名": publisher["municipality"],
                    "イベント名": event.title,
                    "イベント名_カナ": event.title_kana,
                    "イベント名_英語": english_title.title
                    if english_title is not None and english_title.pk != event.pk
                    else "",
                    "開始日": start.date().isoformat(),
                    "終了日": end.date().isoformat(),
                    "開始時間": f"{start:%H:%M}",
                    "終了時間": f"{end:%H:%M}",
                    "開始日時特記事項": special,
                    "説明": event.summary,
                    "料金(基本)": "",
                    "料金(詳細)": "",
                    "連絡先名称": organisation.name if organisation else publisher["contact"],
                    "連絡先電話番号": (organisation.phone if organisation else "")
                    or publisher["phone"],
                    "連絡先内線番号": "",
                    "主催者": organisation.name if organisation else publisher["contact"],
                    "場所名称": place,
                    "住所": address,
                    "方書": "",
                    "緯度": "",
                    "経度": "",
                    "アクセス方法": access,
                    "駐車場情報": parking,
                    "定員": str(occurrence.effective_capacity or ""),
                    "参加申込終了日": "",
                    "参加申込終了時間": "",
                    "参加申込方法": "" if occurrence.is_cancelled else how_to_join(event),
                    "URL": url_for(event),
                    "備考": " ".join(notes),
                }
            )
    return rows


def to_csv(rows):
    """UTF-8 with a byte-order mark, CRLF line ends (RFC 4180), every field quoted where
    needed: Excel in Japan opens it with the right characters, and a CSV reader that knows
    `utf-8-sig` reads it as plain UTF-8."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()


def to_json(rows, *, licence):
    """The same rows as JSON, with the licence and the column order (nothing that changes by
    itself, so its ETag changes only with the schedule)."""
    payload = {
        "dataset": "イベント一覧",
        "license": licence,
        "columns": list(COLUMNS),
        "events": rows,
    }
    return json.dumps(payload, ensure_ascii=False, indent=1)
