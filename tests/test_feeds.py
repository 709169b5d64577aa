"""Calendar feeds: `/events/feed.ics` with the filters of `/events/`, exact RFC 5545 that
calendar apps parse, discreet for shared calendars, and served so that apps refresh cheaply."""

import datetime as dt
import re

import pytest
import recurring_ical_events
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from events.calendars import ical
from events.changes import services as changes
from events.models import Occurrence
from events.signups import services
from events.signups.tokens import new_form_key
from tests.support.dates import JST, at, weekly
from tests.support.feeds import exdates, in_feed, listed, vevents
from tests.support.pages import in_english

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def schedule(make_space, make_event, areas):
    hidamari = make_space(
        title="ひだまり", slug="hidamari", area=areas[1], address="さくら市本町1-2-3"
    )
    kita = make_space(title="北のへや", slug="kita", location_policy="after_signup", area=areas[0])
    drop_in = make_event(
        title="火曜と金曜の居場所, ひだまり; 午後",
        space=hidamari,
        discreet_title="",
        rules=[weekly(D(2026, 12, 1), ["TU", "FR"])],
    )
    family = make_event(
        title="家族会",
        kind="family_group",
        audience="families",
        space=kita,
        rules=[weekly(D(2026, 12, 5), ["SA"])],
    )
    return drop_in, family


def get_feed(client, query="", **headers):
    response = client.get(f"/events/feed.ics{query}", **headers)
    assert response.status_code == 200, response.content[:300]
    return response


EARLIEST, LATEST = dt.datetime(2026, 10, 1, tzinfo=JST), dt.datetime(2028, 1, 1, tzinfo=JST)


def expand(response, first=EARLIEST, after=LATEST):
    """{(UID, RECURRENCE-ID or None): VEVENT} of every date a calendar app shows: series
    expanded, their exceptions applied."""
    calendar = Calendar.from_ical(response.content)
    return {
        (str(e["UID"]), e["RECURRENCE-ID"].dt if "RECURRENCE-ID" in e else None): e
        for e in recurring_ical_events.of(calendar).between(first, after)
    }


def identity(occurrence):
    uid, recurrence_id = ical.occurrence_identity(occurrence)
    return uid, recurrence_id


def test_the_feed_has_exactly_the_dates_the_listing_has(client, schedule):
    for query in ["", "?kind=drop_in", "?area=sakura", "?space=kita", "?audience=families"]:
        response = get_feed(client, query)
        assert in_feed(response, months=3) == listed(query, months=3), query
        assert listed(query, months=3), query


def test_a_series_is_one_vevent_with_a_rule_in_local_time(client, schedule):
    drop_in, _family = schedule
    response = get_feed(client)
    entries = vevents(response)
    masters = [e for e in entries if "RRULE" in e]
    assert len(masters) == 2
    # Only the dates that differ from the rule would be written out; here the only ones are
    # national holidays, weeks ahead, which are simply left out of the rule.
    assert [e for e in entries if "RRULE" not in e] == []
    [tuesdays] = [
        e for e in masters if e["UID"] == ical.occurrence_uid(drop_in.occurrences.first())
    ]
    assert tuesdays["RRULE"]["BYDAY"] == ["TU", "FR"]
    new_year, emperors_birthday = at(2027, 1, 1, 13), at(2027, 2, 23, 13)  # a Friday, a Tuesday
    assert {(tuesdays["UID"], new_year), (tuesdays["UID"], emperors_birthday)} <= exdates(response)
    assert new_year not in {e["DTSTART"].dt for e in expand(response).values()}
    # Local time with its VTIMEZONE, so the rule's weekdays are the site's weekdays.
    assert tuesdays["DTSTART"].params["TZID"] == "Asia/Tokyo"
    used = set(re.findall(rb"TZID=([^:;]+)", response.content))
    defined = {
        str(tz["TZID"]).encode() for tz in Calendar.from_ical(response.content).walk("VTIMEZONE")
    }
    assert used == defined == {b"Asia/Tokyo"}


def test_rfc_5545_lines_crlf_folding_and_escaping(client, schedule):
    body = get_feed(client).content
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # folding never splits a character
    assert "SUMMARY:火曜と金曜の居場所\\, ひだまり\\; 午後" in body.decode().replace("\r\n ", "")
    drop_in, _family = schedule
    [first] = [e for e in vevents(get_feed(client)) if e["DTSTART"].dt == at(2026, 12, 1, 13)]
    assert str(first["SUMMARY"]) == drop_in.title  # parsers read it back exactly
    for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "LAST-MODIFIED", "URL"):
        assert name in first, name
    calendar = Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) and calendar["REFRESH-INTERVAL"]
    assert "X-PUBLISHED-TTL" in calendar
    assert "ORGANIZER" not in body.decode() and "ATTENDEE" not in body.decode()


def test_folding_never_splits_a_character():
    line = "SUMMARY:" + "あいうえお" * 40
    folded = ical.fold(line)
    physical = folded.encode().split(b"\r\n")
    assert all(len(p) <= 75 for p in physical)
    assert all(p.decode() for p in physical)
    assert folded.replace("\r\n ", "") == line
    assert ical.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_cancelled_and_moved_dates_keep_their_identity(client, schedule):
    drop_in, _family = schedule
    friday = Occurrence.objects.get(event=drop_in, start=at(2026, 12, 4, 13))
    tuesday = Occurrence.objects.get(event=drop_in, start=at(2026, 12, 8, 13))
    before = expand(get_feed(client))
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        changes.cancel_occurrence(occurrence=friday, message="職員研修のためお休みします")
        changes.move_occurrence(
            occurrence=tuesday, start=at(2026, 12, 8, 14), end=at(2026, 12, 8, 17)
        )
        after = expand(get_feed(client))
    assert before.keys() == after.keys()  # the same dates, updated in place
    cancelled = after[identity(friday)]
    assert cancelled["STATUS"] == "CANCELLED"
    # Apps that show cancelled entries like others still tell the reader.
    assert str(cancelled["SUMMARY"]) == "【お休み】" + drop_in.title
    assert cancelled["SEQUENCE"] > before[identity(friday)]["SEQUENCE"]
    assert "職員研修" in str(cancelled["DESCRIPTION"])
    moved = after[identity(tuesday)]
    assert moved["DTSTART"].dt == at(2026, 12, 8, 14)
    assert moved["SEQUENCE"] > before[identity(tuesday)]["SEQUENCE"]
    assert cancelled["LAST-MODIFIED"].dt > before[identity(friday)]["LAST-MODIFIED"].dt


def test_a_date_moved_into_another_space_stands_on_its_own_in_that_spaces_feed(client, schedule):
    drop_in, family = schedule
    kita = family.space
    tuesday = Occurrence.objects.get(event=drop_in, start=at(2026, 12, 8, 13))
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        changes.move_occurrence(
            occurrence=tuesday, start=tuesday.start, end=tuesday.end, space=kita
        )
        there = Calendar.from_ical(get_feed(client, "?space=kita").content).walk("VEVENT")
    masters = {str(e["UID"]) for e in there if "RECURRENCE-ID" not in e}
    # No instance without its series, which calendar apps drop or show out of context.
    assert all(str(e["UID"]) in masters for e in there if "RECURRENCE-ID" in e)
    [visiting] = [e for e in there if str(e["SUMMARY"]) == drop_in.title]
    assert "RECURRENCE-ID" not in visiting and "RRULE" not in visiting
    assert visiting["DTSTART"].dt == at(2026, 12, 8, 13)
    assert str(visiting["UID"]) != identity(tuesday)[0]
    assert str(visiting["UID"]) in {uid for uid, _ in expand(get_feed(client, "?space=kita"))}
    # Home again: gone from the other space's feed, back in its series at home.
    with time_machine.travel(at(2026, 12, 1, 11, 0), tick=False):
        changes.move_occurrence(
            occurrence=Occurrence.objects.get(pk=tuesday.pk),
            start=tuesday.start,
            end=tuesday.end,
            space=drop_in.space,
        )
        there = expand(get_feed(client, "?space=kita"))
        home = expand(get_feed(client, "?space=hidamari"))
    assert str(visiting["UID"]) not in {uid for uid, _ in there}
    assert identity(tuesday) in home


def test_cancelled_dates_are_entries_two_weeks_ahead_and_left_out_further(
    client, schedule, make_event
):
    drop_in, _family = schedule
    soon = drop_in.occurrences.get(start=at(2026, 12, 11, 13))  # in ten days
    later = drop_in.occurrences.get(start=at(2026, 12, 25, 13))  # in three and a half weeks
    party = make_event(
        title="クリスマス会",
        rules=[
            {
                "frequency": "once",
                "start_date": D(2026, 12, 24),
                "start_time": dt.time(13),
                "end_time": dt.time(15),
            }
        ],
    )
    for date in (soon, later, party.occurrences.get()):
        changes.cancel_occurrence(occurrence=date, message="職員研修のためお休みします")
    first = get_feed(client)
    entries = expand(first)
    assert entries[identity(soon)]["STATUS"] == "CANCELLED"
    assert str(entries[identity(soon)]["SUMMARY"]) == "【お休み】" + drop_in.title
    assert "職員研修" in str(entries[identity(soon)]["DESCRIPTION"])
    # Further ahead, the rule simply skips it; every calendar app honours that.
    assert identity(later) not in entries and identity(later) in exdates(first)
    # A one-off date has no rule to skip it: it stays a cancelled entry.
    [one_off] = [e for e in vevents(first) if str(e["UID"]) == identity(party.occurrences.get())[0]]
    assert one_off["STATUS"] == "CANCELLED" and "RRULE" not in one_off
    with time_machine.travel(at(2026, 12, 10, 23, 59), tick=False):
        assert identity(later) not in expand(get_feed(client))
    # At midnight the window moves on: the feed changes, and says so to apps that ask.
    with time_machine.travel(at(2026, 12, 11, 0, 0, 1), tick=False):
        again = get_feed(client, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert again.status_code == 200 and again["Last-Modified"] != first["Last-Modified"]
        assert expand(again)[identity(later)]["STATUS"] == "CANCELLED"
    # Once past, a cancelled date is left out like the others.
    with time_machine.travel(at(2026, 12, 12, 9, 0), tick=False):
        past = get_feed(client)
        assert identity(soon) not in expand(past) and identity(soon) in exdates(past)


def test_past_dates_stay_for_thirty_days(client, schedule):
    with time_machine.travel(at(2026, 12, 20, 9, 0), tick=False):
        starts = [e["DTSTART"].dt for e in expand(get_feed(client)).values()]
    assert at(2026, 12, 1, 13) in starts  # 19 days ago: still there
    with time_machine.travel(at(2027, 1, 5, 9, 0), tick=False):
        starts = [e["DTSTART"].dt for e in expand(get_feed(client)).values()]
    assert at(2026, 12, 1, 13) not in starts and at(2026, 12, 8, 13) in starts


def test_discreet_feed_reveals_nothing_but_time_and_place(client, schedule):
    drop_in, _family = schedule
    friday = drop_in.occurrences.get(start=at(2026, 12, 4, 13))
    changes.cancel_occurrence(occurrence=friday, message="職員研修のためお休みします")
    body = get_feed(client, "?discreet=1").content.decode().replace("\r\n ", "")
    for word in ["居場所", "家族会", "ひだまり", "北のへや", "職員研修", "DESCRIPTION", "URL:http"]:
        assert word not in body, word
    summaries = {str(e["SUMMARY"]) for e in expand(get_feed(client, "?discreet=1")).values()}
    # A cancelled date says so in the title as well, without its reason.
    assert summaries == {
        "火曜日・金曜日の集まり",
        "【お休み】火曜日・金曜日の集まり",
        "土曜日の集まり",
    }
    assert "さくら市本町1-2-3" in body  # the place, without naming what it is


def test_a_hidden_address_and_personal_data_never_reach_a_feed(client, schedule, make_space):
    _drop_in, family = schedule
    family.space.address = "みなと町港2丁目5-8"
    family.space.save_revision().publish()
    family.join_mode = "booking"
    family.save_revision().publish()
    saturday = Occurrence.objects.get(event=family, start=at(2026, 12, 5, 13))
    services.book_place(
        occurrence=saturday,
        form_key=new_form_key(),
        nickname="ゆう",
        email="yu@example.org",
        note="入口で迎えてください",
    )
    body = get_feed(client).content.decode().replace("\r\n ", "")
    for secret in ["みなと町港2丁目5-8", "ゆう", "yu@example.org", "入口で迎えて"]:
        assert secret not in body


def test_served_as_calendar_never_gzipped_with_etag_and_304(client, schedule):
    response = get_feed(client, HTTP_ACCEPT_ENCODING="gzip, deflate", HTTP_ACCEPT="*/*")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Content-Encoding" not in response
    assert response["ETag"] and response["Last-Modified"]
    again = client.get("/events/feed.ics", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""
    lenient = client.get("/events/feed.ics", HTTP_ACCEPT="text/html")
    assert lenient.status_code == 200


def test_head_answers_304_exactly_like_get(client, schedule):
    first = get_feed(client)
    head = client.head("/events/feed.ics")
    assert head.status_code == 200 and head["ETag"] == first["ETag"]
    validators = {
        "HTTP_IF_NONE_MATCH": first["ETag"],
        "HTTP_IF_MODIFIED_SINCE": first["Last-Modified"],
    }
    for header, value in validators.items():
        assert client.get("/events/feed.ics", **{header: value}).status_code == 304
        again = client.head("/events/feed.ics", **{header: value})
        assert again.status_code == 304 and again["ETag"] == first["ETag"]
    # A calendar app holding an older copy is given the headers of the new one.
    assert client.head("/events/feed.ics", HTTP_IF_NONE_MATCH='"older"').status_code == 200


@pytest.mark.parametrize(
    "query", ["?kind=party", "?date=2026-13-45", "?audience=" + "x" * 5000, "?discreet=yes"]
)
def test_bad_filters_get_a_plain_400(client, schedule, query):
    response = client.get(f"/events/feed.ics{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "フィルター" in response.content.decode()


def uids(response):
    return {str(entry["UID"]) for entry in vevents(response)}


def test_a_filter_given_twice_means_any_of_them_on_the_feed_and_the_listing(client, schedule):
    drop_in, family = schedule
    both = uids(get_feed(client, "?space=kita&space=hidamari"))
    assert both == uids(get_feed(client, "?space=kita")) | uids(get_feed(client, "?space=hidamari"))
    assert len(both) == 2
    assert uids(get_feed(client, "?kind=drop_in&kind=family_group")) == both
    listing = client.get("/events/?kind=drop_in&kind=family_group&view=month&date=2026-12-01")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert drop_in.title in text and family.title in text
    # The pager keeps both.
    pager = BeautifulSoup(text, "html.parser").find("a", rel="next")
    assert "kind=drop_in" in pager["href"] and "kind=family_group" in pager["href"]


@pytest.mark.parametrize(
    "query",
    [
        "?space=nowhere",  # a space that is not there (a typo, a space taken down)
        "?space=kita&space=nowhere",
        "?kind=drop_in&kind=party",
        "?view=day&view=month",  # one view, one date
        "?date=2026-12-01&date=2026-12-08",
    ],
)
def test_a_value_the_listing_does_not_offer_is_a_kind_400_on_both(client, schedule, query):
    feed = client.get(f"/events/feed.ics{query}")
    assert feed.status_code == 400 and feed["Content-Type"].startswith("text/plain")
    assert "フィルター" in feed.content.decode()
    listing = client.get(f"/events/{query}")
    assert listing.status_code == 400
    assert "選んだ条件の一部が使えませんでした" in listing.content.decode()


def test_a_feed_takes_the_same_queries_whatever_its_size(client, schedule, make_event):
    def count():
        with CaptureQueriesContext(connection) as queries:
            get_feed(client)
        return len(queries)

    count()
    small = count()
    for i in range(5):
        make_event(title=f"会{i}", rules=[weekly(D(2026, 12, 1), ["MO", "WE", "TH"])])
    assert count() == small <= 10


def test_pages_that_list_dates_link_their_feed(client, schedule):
    drop_in, _family = schedule
    for url, feed in [
        ("/events/?kind=drop_in", "/events/feed.ics?kind=drop_in"),
        (drop_in.url, f"/events/feed.ics?event={drop_in.slug}"),
        (drop_in.space.url, "/events/feed.ics?space=hidamari"),
    ]:
        page = BeautifulSoup(client.get(url).content, "html.parser")
        link = page.find("link", rel="alternate", type="text/calendar")
        assert link["href"] == feed, url
        subscribe = page.find("a", href=re.compile(r"^webcal://"))
        assert subscribe["href"].endswith(feed)


def test_a_date_is_the_same_entry_in_every_feed_and_in_its_booking_download(client, schedule):
    _drop_in, family = schedule
    family.join_mode = "booking"
    family.capacity = 10
    family.save_revision().publish()
    saturday = Occurrence.objects.get(event=family, start=at(2026, 12, 12, 13))
    _signup, token, _created = services.book_place(occurrence=saturday, form_key=new_form_key())
    download = client.get(f"/my/{token}/calendar.ics")
    assert download.status_code == 200
    [booked] = vevents(download)
    key = (str(booked["UID"]), booked["RECURRENCE-ID"].dt)
    assert key == identity(saturday) and booked["DTSTART"].dt == saturday.start
    for query in ["", "?space=kita", "?discreet=1", "?kind=family_group&discreet=1"]:
        entry = expand(get_feed(client, query))[key]
        assert entry["DTSTART"].dt == saturday.start, query


def test_awkward_text_round_trips_exactly(client, make_space, make_event, areas):
    title = "CRLFと改行\r\nカンマ, セミコロン; バックスラッシュ\\ 絵文字🌱🍵 " + "長" * 200
    summary = "一行目\r\n二行目, 三行目; 🌸"
    space = make_space(title="場所, その1; 🌱", slug="odd", address="本町1-2,3階", area=areas[1])
    event = make_event(
        title=title[:255], summary=summary, space=space, rules=[weekly(D(2026, 12, 1), ["TU"])]
    )
    body = get_feed(client, "?space=odd").content
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    for line in body.split(b"\r\n"):
        line.decode("utf-8")  # no line ends inside a character
    [master] = [e for e in vevents(get_feed(client, "?space=odd")) if "RRULE" in e]
    # What a calendar app reads back is what staff typed (line breaks as "\n").
    assert str(master["SUMMARY"]) == event.title.replace("\r\n", "\n")
    assert str(master["DESCRIPTION"]) == summary.replace("\r\n", "\n")
    assert str(master["LOCATION"]) == "場所, その1; 🌱, 本町1-2,3階"


@pytest.mark.parametrize(
    "query",
    [
        "?kind=drop_in&kind=family_group",  # repeated: any of them, as on /events/
        "?utm_source=x&" + "&".join(f"x{i}=1" for i in range(900)),  # unknown ones are ignored
    ],
)
def test_repeated_and_unknown_parameters_are_calm(client, schedule, query):
    response = client.get(f"/events/feed.ics{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"


def test_a_flood_of_parameters_is_a_plain_400_not_an_error(client, schedule):
    query = "&".join(f"x{i}=1" for i in range(20_000))
    response = client.get(f"/events/feed.ics?{query}")
    assert response.status_code == 400
    huge = client.get("/events/feed.ics?space=" + "a" * 100_000)
    assert huge.status_code == 400 and "フィルター" in huge.content.decode()


def test_an_organisation_has_its_own_feed(client, schedule):
    from spaces.models import Organisation

    _drop_in, family = schedule
    kita = family.space
    organisation = Organisation.objects.create(name="みずうみ家族会", kind="family_association")
    kita.organisation = organisation
    kita.save_revision().publish()
    query = f"?organisation={organisation.pk}"
    assert in_feed(get_feed(client, query), months=3) == listed(query, months=3)
    assert {uid for uid, _start, _status in listed(query, months=3)} == {
        ical.occurrence_uid(family.occurrences.first())
    }
    page = BeautifulSoup(client.get("/events/" + query).content, "html.parser")
    assert page.find("link", rel="alternate", type="text/calendar")["href"].endswith(query)
    assert client.get("/events/feed.ics?organisation=99999").status_code == 400


def test_a_long_rule_is_folded_like_any_line(client, make_event):
    every_day = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    make_event(title="毎日の会", rules=[weekly(D(2026, 12, 1), every_day, interval=2)])
    response = get_feed(client)
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
    [master] = [e for e in vevents(response) if "RRULE" in e]
    assert master["RRULE"]["BYDAY"] == every_day and master["RRULE"]["INTERVAL"] == [2]


def test_the_english_feed_has_the_english_titles_and_the_same_entries(client, schedule, en_locale):
    drop_in, _family = schedule
    english = in_english(drop_in, en_locale)
    english.title = "Tuesday and Friday drop-in"
    english.save_revision().publish()
    in_english(drop_in.space, en_locale)
    japanese = get_feed(client)
    client.get("/en/events/feed.ics")  # the process learns the English locale's id once
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/events/feed.ics")
    # As many as in Japanese, and one look-up each for the translations of events and places.
    assert response.status_code == 200 and len(queries) <= 10 + 2
    titles = {str(e["SUMMARY"]) for e in vevents(response)}
    assert "Tuesday and Friday drop-in" in titles and drop_in.title not in titles
    # The same dates, as the same calendar entries, in either language.
    assert expand(response).keys() == expand(japanese).keys()
    [master] = [e for e in vevents(response) if e["SUMMARY"] == "Tuesday and Friday drop-in"]
    assert str(master["URL"]).startswith("http://testserver/en/")


def test_trace_and_other_methods_on_the_feed_are_refused(client, event_index):
    assert client.generic("TRACE", "/events/feed.ics").status_code == 405
    assert client.post("/events/feed.ics").status_code == 405
    assert client.head("/events/feed.ics").status_code == 200


def master_of(response, title):
    [master] = [e for e in vevents(response) if "RRULE" in e and str(e["SUMMARY"]) == title]
    return master


def exdates_of(master):
    value = master.get("EXDATE") or []
    return {d.dt for exdate in (value if isinstance(value, list) else [value]) for d in exdate.dts}


def test_sequence_rises_with_every_change_a_calendar_must_notice_and_only_then(client, schedule):
    drop_in, _family = schedule
    first, again = get_feed(client, "?space=hidamari"), get_feed(client, "?space=hidamari")
    assert first.content == again.content and first["ETag"] == again["ETag"]
    start = master_of(first, drop_in.title)
    far = Occurrence.objects.get(event=drop_in, start=at(2026, 12, 25, 13))  # 24 days ahead

    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        changes.cancel_occurrence(occurrence=far, message="年末の準備のため")
        cancelled = get_feed(client, "?space=hidamari")
    assert cancelled.content != first.content and cancelled["ETag"] != first["ETag"]
    after = master_of(cancelled, drop_in.title)
    assert int(after["SEQUENCE"]) == int(start["SEQUENCE"]) + 1
    assert far.start in exdates_of(after)

    def master_on(day):
        with time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=JST), tick=False):
            return master_of(get_feed(client, "?space=hidamari"), drop_in.title)

    # The cancelled date comes within two weeks: written out, no longer an EXDATE.
    shown = master_on(dt.date(2026, 12, 11))
    assert far.start not in exdates_of(shown)
    assert int(shown["SEQUENCE"]) == int(after["SEQUENCE"]) + 1
    # The same day again: nothing changed, nothing rises.
    assert master_on(dt.date(2026, 12, 11))["SEQUENCE"] == shown["SEQUENCE"]
    # Once it has passed, it is left out of the series again; meanwhile New Year's Day (a
    # holiday, closed) has come within two weeks and is written out: two changes.
    passed = master_on(dt.date(2026, 12, 26))
    new_year = at(2027, 1, 1, 13)
    assert far.start in exdates_of(passed) and new_year not in exdates_of(passed)
    assert new_year in exdates_of(shown)
    assert int(passed["SEQUENCE"]) == int(shown["SEQUENCE"]) + 2
    # The first dates leave the 30 days of history: DTSTART moves on, and SEQUENCE with it.
    later = master_on(dt.date(2027, 1, 8))
    assert later["DTSTART"].dt > passed["DTSTART"].dt
    assert int(later["SEQUENCE"]) > int(passed["SEQUENCE"])


def calendar_name(client, query, *, prefix=""):
    response = client.get(f"{prefix}/events/feed.ics{query}")
    assert response.status_code == 200
    return str(Calendar.from_ical(response.content)["X-WR-CALNAME"])


def test_each_feed_is_named_for_what_it_holds_in_its_own_language(
    client, schedule, en_locale, areas
):
    drop_in, _family = schedule
    assert calendar_name(client, "?space=hidamari") == "ひだまりの日程"
    assert calendar_name(client, "?kind=family_group") == "家族会の日程"
    assert calendar_name(client, "?area=sakura") == "さくら市の日程"
    assert calendar_name(client, "?space=hidamari&space=kita") == "ひだまり・北のへやの日程"
    # A family's shared calendar shows its name to everyone: neutral, whatever the filter.
    assert calendar_name(client, "?space=hidamari&discreet=1") == "集まり"
    # The whole schedule keeps the name of the dates page.
    assert calendar_name(client, "") != calendar_name(client, "?kind=drop_in")
    space = in_english(drop_in.space, en_locale)
    space.title = "Hidamari"
    space.save_revision().publish()
    assert calendar_name(client, prefix="/en", query="?space=hidamari") == "Hidamari dates"
    assert calendar_name(client, prefix="/en", query="?kind=family_group") == "Family group dates"
    assert calendar_name(client, prefix="/en", query="?discreet=1") == "Gatherings"


def test_an_event_page_offers_its_own_feed_not_the_whole_spaces(client, schedule, make_event):
    drop_in, _family = schedule
    make_event(
        title="ひだまりの読書会", space=drop_in.space, rules=[weekly(D(2026, 12, 2), ["WE"])]
    )
    page = BeautifulSoup(client.get(drop_in.url).content, "html.parser")
    feed = page.find("link", rel="alternate", type="text/calendar")["href"]
    assert feed == f"/events/feed.ics?event={drop_in.slug}"
    titles = {str(e["SUMMARY"]) for e in vevents(get_feed(client, feed.split("feed.ics")[1]))}
    assert titles == {drop_in.title}
    # The listing takes the same filter; one it does not know is a kind 400 on both.
    listing = BeautifulSoup(client.get(f"/events/?event={drop_in.slug}").content, "html.parser")
    assert {a.get_text(strip=True) for a in listing.select("a.occurrence__title")} == {
        drop_in.title
    }
    assert client.get("/events/feed.ics?event=nothing-like-it").status_code == 400
    assert client.get("/events/?event=nothing-like-it").status_code == 400


def test_one_date_can_be_added_to_a_calendar_before_signing_up(client, schedule):
    _drop_in, family = schedule
    page = BeautifulSoup(client.get(family.url).content, "html.parser")
    saturday = Occurrence.objects.get(event=family, start=at(2026, 12, 12, 13))
    link = page.find("a", href=f"/events/dates/{saturday.pk}.ics")
    assert "12月12日" in link.get_text()  # which date, for a screen reader too
    response = client.get(link["href"])
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH" and "REFRESH-INTERVAL" not in calendar
    [entry] = calendar.walk("VEVENT")
    # The same entry as in the feeds: importing it and subscribing later makes no double.
    key = (str(entry["UID"]), entry["RECURRENCE-ID"].dt)
    assert key in expand(get_feed(client))
    assert entry["DTSTART"].dt == saturday.start and str(entry["SUMMARY"]) == "家族会"
    # 北のへや keeps its address for people who signed up: the file says only where, roughly.
    assert str(entry["LOCATION"]).startswith("北のへや")
    # A cancelled date offers no file; one that is not public is not found.
    changes.cancel_occurrence(occurrence=saturday, message="お休みです")
    page = BeautifulSoup(client.get(family.url).content, "html.parser")
    assert not page.find("a", href=f"/events/dates/{saturday.pk}.ics")
    family.unpublish()
    assert client.get(f"/events/dates/{saturday.pk}.ics").status_code == 404
    assert client.get("/events/dates/999999.ics").status_code == 404
