"""Journeys through the spaces and the schedule in a real browser, on the demo content: someone
finds a drop-in space open today from the home page and reads what will happen there, narrows
the list of dates without JavaScript, and reads it all on a small screen."""

import datetime as dt
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone, translation

from events.models import (
    EventIndexPage,
    EventKind,
    EventPage,
    Frequency,
    HolidayPolicy,
    JoinMode,
    ScheduleRule,
)
from events.schedule.recurrence import site_zone
from spaces.models import SpacePage
from tests.support.screens import assert_no_sideways_scroll, save_key_screen

pytestmark = pytest.mark.browser

# The demo's drop-in space with the fullest "what it is like" and first-visit guide.
DEMO_SPACE = "hidamari"
# One of its demo events: a drop-in on Tuesday and Friday afternoons.
DEMO_SPACE_EVENT = "hidamari-tue-fri"

# The focused element, in terms a failure message can show.
ACTIVE_ELEMENT = """() => {
  const el = document.activeElement;
  return {tag: el.tagName.toLowerCase(), text: el.textContent.trim().slice(0, 40),
          href: el.getAttribute("href") || ""};
}"""

# Elements that stick out to the right of the viewport, to name the culprit of a scroll bar.
WIDE_ELEMENTS = """() => [...document.querySelectorAll("body *")]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(0, 10)
  .map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : "")
    + " right=" + Math.round(el.getBoundingClientRect().right))"""


def japanese(label):
    """A translatable label as the Japanese pages show it."""
    with translation.override("ja"):
        return str(label)


def demo_page(model, slug, language="ja"):
    return model.objects.live().get(slug=slug, locale__language_code=language).specific


def open_later_today(space):
    """Publish a one-off drop-in opening of `space` starting in a few minutes, Japan time, and
    return its start as the pages show it ("HH:MM").

    Whether a demo space is open today depends on the weekday and hour the test runs at, and
    publishing makes no date that has already begun (events.services.sync_occurrences), so the
    opening starts a little later: then the space is open later today whenever the test runs,
    bar the last minutes before midnight. National holidays don't close it.
    """
    index = EventIndexPage.objects.live().get(locale__language_code="ja")
    start = timezone.localtime(timezone.now(), site_zone()) + dt.timedelta(minutes=3)
    start = start.replace(second=0, microsecond=0)
    event = EventPage(
        title="ひだまり 今日の特別開所",
        slug="hidamari-today",
        kind=EventKind.DROP_IN,
        space=space,
        summary="今日だけ、いつもと違う時間に開けます。",
        join_mode=JoinMode.JUST_COME,
        holiday_policy=HolidayPolicy.OPEN,
    )
    event.rules = [
        ScheduleRule(
            frequency=Frequency.ONCE,
            start_date=start.date(),
            start_time=start.time(),
            end_time=(start + dt.timedelta(hours=2)).time(),  # may run past midnight
        )
    ]
    index.add_child(instance=event)
    event.save_revision().publish()  # publishing makes its date (events.signals)
    return start.strftime("%H:%M")


def path_of(href):
    return urlsplit(href).path


def follow_link(page, link, how):
    """Go where `link` (a locator) leads, by a click or by Tab and Enter, as a person would."""
    if how == "mouse":
        with page.expect_navigation():
            link.click()
        return
    target = path_of(link.get_attribute("href"))
    seen = []
    for _ in range(80):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE_ELEMENT)
        seen.append(active)
        if active["href"] and path_of(active["href"]) == target:
            break
    else:
        pytest.fail(f"Tab never reached the link to {target}; focus went to {seen}")
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.parametrize("how", ["mouse", "keyboard"])
def test_find_a_space_open_today_and_read_what_to_expect(
    demo_site, page, browser_log, assert_no_axe_violations, how
):
    space = demo_page(SpacePage, DEMO_SPACE)
    opens_at = open_later_today(space)
    features = [japanese(feature) for feature in space.features.all()]
    assert "自己紹介はありません" in features  # the demo promises it, so the page must say it

    # The home page: which drop-in spaces are open today?
    page.goto(demo_site + "/")
    open_today = page.locator("section.open-today")
    assert open_today.get_by_role("heading", name="今日ひらいている居場所").is_visible()
    entry = open_today.locator("li.space-summary", has=page.get_by_role("link", name=space.title))
    assert entry.is_visible(), f"{space.title} is not listed as open today"
    assert f"今日は{opens_at}から開きます" in entry.locator(".opening").inner_text()
    assert_no_axe_violations(page)

    # Open it, and read what it is like and what happens on a first visit.
    follow_link(page, entry.get_by_role("link", name=space.title), how)
    assert path_of(page.url) == path_of(space.url)
    assert page.locator("h1").inner_text() == space.title
    assert f"今日は{opens_at}から開きます" in page.locator(".opening").first.inner_text()
    assert page.get_by_role("heading", name="どんな場所か").is_visible()
    shown = page.locator("ul.feature-list > li")
    assert shown.all_inner_texts() == features
    assert shown.first.is_visible()
    assert page.get_by_role("heading", name="はじめて来るとき").is_visible()
    guide = page.locator("h2:text-is('はじめて来るとき') + .rich-text")
    assert guide.is_visible()
    assert "名前や連絡先を書く用紙はありません" in guide.inner_text()
    assert "職員から無理に話しかけることはありません" in guide.inner_text()
    assert_no_axe_violations(page)

    # One of its dates leads to the event: how to join, and what happens.
    event = demo_page(EventPage, DEMO_SPACE_EVENT)
    follow_link(page, page.get_by_role("link", name=event.title).first, how)
    assert path_of(page.url) == path_of(event.url)
    assert page.locator("h1").inner_text() == event.title
    assert page.get_by_text("予約はいりません。入口で名前を書くこともありません。").is_visible()
    assert page.locator("p.join").inner_text().startswith("予約不要です")
    assert_no_axe_violations(page)

    assert browser_log.requests_elsewhere(demo_site) == []
    assert browser_log.console_errors == []


@pytest.mark.parametrize(
    ("path", "language", "listing"),
    [
        ("/spaces/", "ja", "li.space-summary"),
        ("/events/", "ja", "li.occurrence"),
        ("/events/?view=month", "ja", "li.occurrence"),
        ("/en/spaces/", "en", "li.space-summary"),
        ("/en/events/", "en", "li.occurrence"),
    ],
)
def test_listing_renders_accessibly_from_own_host(
    demo_site, page, browser_log, assert_no_axe_violations, path, language, listing
):
    response = page.goto(demo_site + path)

    assert response.ok, f"{path} answered {response.status}"
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").first.is_visible()
    assert page.locator(listing).count() > 0, f"{path} lists nothing"
    assert page.locator(listing).first.is_visible()
    assert_no_axe_violations(page)
    assert browser_log.requests_elsewhere(demo_site) == []
    assert browser_log.console_errors == []


def event_kinds(page):
    """The kinds of the events whose dates the listing shows, by the pages they link to."""
    kinds = {path_of(e.url): e.kind for e in EventPage.objects.live().specific()}
    links = page.locator("li.occurrence a.occurrence__title")
    return [kinds[path_of(href)] for href in links.evaluate_all("a => a.map(l => l.href)")]


def test_events_filter_works_without_javascript(demo_site, new_page, browser_log):
    page = new_page(java_script_enabled=False)
    page.goto(demo_site + "/events/")
    before = event_kinds(page)
    dates_shown = page.locator(".pager__range").inner_text()
    assert len(set(before)) > 1, f"one kind only, nothing to filter: {before}"

    # The filters are folded away at first; the <details> opens without any script.
    kind = page.get_by_label("種類")
    assert not kind.is_visible()
    page.locator("details.filters > summary").click()
    assert kind.is_visible()
    kind.select_option(label="居場所の開所日")
    with page.expect_navigation():
        page.get_by_role("button", name="日程を表示").click()

    assert parse_qs(urlsplit(page.url).query).get("kind") == [EventKind.DROP_IN]
    # Choosing only a kind narrows what is shown, not the days it is shown for.
    assert page.locator(".pager__range").inner_text() == dates_shown, (
        f"choosing a kind changed the dates shown from {dates_shown!r}; query: {page.url}"
    )
    after = event_kinds(page)
    assert after, "no drop-in date is listed for the week"
    assert set(after) == {EventKind.DROP_IN}, f"other kinds are still listed: {after}"
    # The choice stays in view, so the person can see why the list is shorter.
    assert page.locator("details.filters").get_attribute("open") is not None
    assert kind.is_visible()
    assert kind.input_value() == EventKind.DROP_IN
    assert browser_log.console_errors == []


SMALL_SCREEN = {"viewport": {"width": 320, "height": 640}}


def test_no_horizontal_scrolling_of_the_schedule_at_320px(demo_site, new_page):
    page = new_page(**SMALL_SCREEN)
    paths = [
        "/events/?view=month",
        "/events/?view=month&kind=drop_in",  # the filter form unfolded
        path_of(demo_page(SpacePage, DEMO_SPACE).url),
        path_of(demo_page(EventPage, DEMO_SPACE_EVENT).url),
        "/spaces/",
    ]

    for path in paths:
        page.goto(demo_site + path)
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert scroll_width <= inner_width, (
            f"{path} scrolls sideways at 320px: {scroll_width}px wide in {inner_width}px; "
            f"sticking out: {page.evaluate(WIDE_ELEMENTS)}"
        )


@pytest.mark.parametrize("language", ["ja", "en"])
def test_from_a_space_to_its_calendar_page_and_the_address_to_paste(
    demo_site, new_page, browser_log, assert_no_axe_violations, language
):
    """A parent who wants the dates in a phone's calendar: from the space's page to the
    feed's own page, with the steps for their app and the address to copy, at 320 px."""
    page = new_page(**SMALL_SCREEN)
    space = demo_page(SpacePage, DEMO_SPACE, language)
    page.goto(demo_site + path_of(space.url))
    step_by_step = page.locator("a[href*='/events/calendar/?space=']")
    with page.expect_navigation():
        step_by_step.click()
    assert path_of(page.url).endswith("/events/calendar/")
    assert page.locator("html").get_attribute("lang") == language
    heading = page.locator("h1").inner_text()
    assert space.title in heading
    address = page.locator("#feed-address")
    # Long-pressing or selecting the address takes all of it, as the apps need it.
    address.select_text()
    selected = page.evaluate(
        "() => window.getSelection().toString() || document.activeElement.value"
    )
    assert selected.endswith(f"/events/feed.ics?space={DEMO_SPACE}")
    feed = page.request.get(address.input_value())
    assert feed.ok and feed.headers["content-type"] == "text/calendar; charset=utf-8"
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, page.evaluate(WIDE_ELEMENTS)
    assert_no_axe_violations(page)
    assert browser_log.requests_elsewhere(demo_site) == []
    assert browser_log.console_errors == []


def test_add_one_date_to_a_calendar_from_the_event_page_without_javascript(
    demo_site, new_page, browser_log
):
    """Someone not ready to sign up keeps one date: keyboard only, no script, 320 px."""
    from icalendar import Calendar

    page = new_page(java_script_enabled=False, accept_downloads=True, **SMALL_SCREEN)
    event = demo_page(EventPage, DEMO_SPACE_EVENT)
    page.goto(demo_site + path_of(event.url))
    save_key_screen(page, "one-date-calendar-1-event-page")
    link = page.locator("a.occurrence__ics").first
    assert link.is_visible()
    box = link.bounding_box()
    assert box["height"] >= 24, box  # SC 2.5.8: a target a finger can hit
    label = link.inner_text()
    target = link.get_attribute("href")
    for _ in range(120):
        page.keyboard.press("Tab")
        # A locator, not page.evaluate: the page's own scripts are off.
        focused = page.locator(":focus")
        if focused.count() and focused.get_attribute("href") == target:
            break
    else:
        pytest.fail(f"Tab never reached {target}")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    [entry] = calendar.walk("VEVENT")
    start = timezone.localtime(entry["DTSTART"].dt, site_zone())
    # The date the link named is the date in the file.
    assert start.strftime("%H:%M") in label and f"{start.month}月{start.day}日" in label
    assert str(entry["SUMMARY"]) == event.title
    # (axe-core needs the page's scripts; the event page's own axe check runs with them.)
    assert browser_log.requests_elsewhere(demo_site) == []


def test_the_week_view_tells_which_dates_need_booking_at_320px(demo_site, new_page):
    """A parent reads the week on a small phone: each date says whether to book first."""
    page = new_page(**SMALL_SCREEN)
    page.goto(demo_site + "/events/?view=month")
    dates = page.locator("li.occurrence:not(.occurrence--cancelled)")
    assert dates.count() > 0
    said = dates.evaluate_all(
        "items => items.map(li => (li.querySelector('.occurrence__booking') || {}).textContent)"
    )
    allowed = re.compile(
        r"^(予約不要|要予約|要予約・残り\d+席|満席・キャンセル待ち|全回まとめて申し込み)$"
    )
    assert all(text and allowed.match(text.strip()) for text in said), said
    # The demo's family class takes bookings with places, and its drop-ins need none.
    assert any(text.strip().startswith("要予約") for text in said), said
    assert any(text.strip() == "予約不要" for text in said), said
    first = page.locator(".occurrence__booking").first
    assert first.is_visible() and first.bounding_box()["x"] >= 0
    save_key_screen(page, "booking-needed-1-month-view")


def test_the_month_on_a_phone_is_a_compact_list_of_a_few_screens(demo_site, new_page):
    """At 320 px a month reads as short lines grouped by day (time and title, then place and
    whether to book), not as a list many thousand pixels long."""
    page = new_page(**SMALL_SCREEN)
    page.goto(demo_site + "/events/?view=month")
    dates = page.locator("li.occurrence")
    count = dates.count()
    assert count > 20, count  # the demo's month has dates enough to measure
    listed = page.locator(".days").bounding_box()
    per_date = listed["height"] / count
    # A date takes two short lines; its day's heading is shared with the other dates that day.
    assert per_date <= 112, f"{count} dates take {listed['height']:.0f} px, {per_date:.0f} px each"
    assert_no_sideways_scroll(page)
    save_key_screen(page, "booking-needed-2-month-on-a-phone")
