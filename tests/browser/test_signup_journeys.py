"""Sign-up journeys in a real browser: book a date with only a nickname, keep the private page,
take the date into a calendar, cancel with one click and book again after a mistaken cancel,
all by keyboard; wait for a full date
and take the place that frees up; and be answered kindly when what was typed cannot be saved."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from icalendar import Calendar

from events.models import Occurrence, SignUp, SignUpStatus
from events.schedule.recurrence import site_zone
from events.signups import services
from events.signups.tokens import new_form_key
from tests.support.dates import weekly
from tests.support.screens import save_key_screen

pytestmark = pytest.mark.browser

WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
HIDDEN_ADDRESS = "みなと町港2丁目5-8 保健センター2階"
FINDING_THE_DOOR = "裏の駐車場側の入口からどうぞ。"
NOTE = "入口で迎えてもらえると助かります。\n少し遅れるかもしれません。"

# The focused element, in terms a failure message can show, and whether it shows its focus:
# it matches :focus-visible and draws an outline (the site's focus style).
ACTIVE_ELEMENT = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    name: el.getAttribute("name") || "",
    text: el.textContent.trim().slice(0, 40),
    href: el.getAttribute("href") || "",
    focusVisible: el.matches(":focus-visible"),
    outline: style.outlineStyle === "none" ? "" : `${style.outlineWidth} ${style.outlineStyle}`,
  };
}"""

# The ids a field is described by, and their text (null when no element has the id), as a
# screen reader would read them with the field.
DESCRIPTION = """el => (el.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean)
  .map(id => ({id, text: document.getElementById(id)?.textContent.trim() ?? null}))"""


@pytest.fixture
def site(live_server, transactional_db, django_db_serialized_rollback):
    """The live server's base URL (no trailing /), on a site without the demo content.

    The live server runs in another thread, so what the test makes is really committed
    (transactional_db); the serialized rollback puts back the page tree root, locale and site
    that the flush after the test removes, as for `demo_site`."""
    return live_server.url


def first_day():
    """A week from today in Japan: in the future whenever the test runs. Time is not frozen,
    as in the other browser tests: the live server runs in another thread."""
    return timezone.localdate(timezone.now(), site_zone()) + dt.timedelta(days=7)


@pytest.fixture
def hidden_space(make_space):
    """A space whose exact address is given only once a place is confirmed."""
    return make_space(
        title="湖南ほっとスペース",
        address=HIDDEN_ADDRESS,
        location_policy="after_signup",
        finding_the_door=FINDING_THE_DOOR,
    )


@pytest.fixture
def make_booking_event(make_event, hidden_space):
    """A weekly session at the hidden space that needs booking: three dates, the first a week
    from today."""

    def make(capacity):
        day = first_day()
        return make_event(
            title="木曜の午後のおしゃべり会",
            kind="peer_session",
            summary="予約が必要です。ニックネームだけで申し込めます。",
            space=hidden_space,
            join_mode="booking",
            capacity=capacity,
            holiday_policy="open",  # a national holiday must not cancel the test's date
            rules=[weekly(day, [WEEKDAY_CODES[day.weekday()]], until=day + dt.timedelta(14))],
        )

    return make


def first_date(event):
    occurrence = Occurrence.objects.filter(event=event).order_by("start").first()
    assert occurrence is not None, "publishing the event made no dates"
    assert occurrence.start > timezone.now()
    return occurrence


def path_of(url):
    return urlsplit(url).path


def signup_path(event, occurrence):
    return f"{path_of(event.url)}signup/{occurrence.pk}/"


def tab_to(page, predicate, *, description, limit=60):
    """Press Tab until the focused element satisfies predicate, check that it shows its focus,
    and return it."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = page.evaluate(ACTIVE_ELEMENT)
        seen.append(element)
        if predicate(element):
            assert element["focusVisible"] and element["outline"], (
                f"{description} has keyboard focus but does not show it: {element}"
            )
            return element
    pytest.fail(f"{description} not reached within {limit} Tabs; focus went to {seen}")


def press_and_follow(page, key="Enter"):
    with page.expect_navigation():
        page.keyboard.press(key)


def signup_of(page):
    """The sign-up whose manage page is open, by the token in its address, /my/<token>/."""
    parts = path_of(page.url).strip("/").split("/")
    assert parts[0] == "my" and len(parts) == 2, f"not a manage page: {page.url}"
    return SignUp.objects.with_token(parts[1]).get()


def test_book_with_a_nickname_only_keep_the_link_add_to_calendar_and_cancel_by_keyboard(
    site, page, browser_log, assert_no_axe_violations, make_booking_event
):
    event = make_booking_event(capacity=5)
    occurrence = first_date(event)
    nickname = "ひなた"

    # The event page: each date has its own "申し込む" link, with the places left.
    page.goto(site + path_of(event.url))
    assert page.locator("h1").inner_text() == event.title
    assert page.locator("p.join").inner_text() == "要予約です。ニックネームだけで申し込めます。"
    assert_no_axe_violations(page)
    link = tab_to(
        page,
        lambda el: el["href"] and path_of(el["href"]) == signup_path(event, occurrence),
        description=f"The 申し込む link of {occurrence.start:%Y-%m-%d}",
    )
    assert link["text"].startswith("申し込む"), f"the date's link says {link['text']!r}"
    press_and_follow(page)

    # The form: a nickname is enough.
    assert path_of(page.url) == signup_path(event, occurrence)
    assert page.locator("h1").inner_text() == "参加を申し込む"
    assert "残り5席" in page.locator(".status-box").inner_text()
    assert_no_axe_violations(page)
    save_key_screen(page, "signup-1-form")
    tab_to(page, lambda el: el["id"] == "id_nickname", description="The nickname field")
    page.keyboard.type(nickname)
    tab_to(
        page,
        lambda el: el["tag"] == "button" and el["text"] == "申し込む",
        description="The 申し込む button",
    )
    press_and_follow(page)

    # The private manage page: confirmed, with the advice to keep its address.
    assert urlsplit(page.url).query == "new=1", f"the form led to {page.url}"
    signup = signup_of(page)
    assert (signup.status, signup.nickname, signup.email) == (
        SignUpStatus.CONFIRMED,
        nickname,
        "",
    )
    notice = page.locator(".notice[role=status]")
    assert "申し込みができました。ありがとうございます。" in notice.inner_text()
    assert "このページをブックマークしてください" in notice.inner_text()
    # The address to keep is the page's own, without the one-time "just signed up" flag.
    assert notice.locator(".manage-link").inner_text() == page.url.split("?")[0]
    status = page.locator(".status-box").inner_text()
    assert "お席が確定しました。" in status
    assert nickname in status
    assert_no_axe_violations(page)
    save_key_screen(page, "signup-2-booked")

    # The calendar file: the booked date, and nothing that names the person.
    tab_to(
        page,
        # The download, not the subscription beside it (webcal://, for a calendar app).
        lambda el: el["href"].endswith("/calendar.ics") and "webcal:" not in el["href"],
        description="The link to the .ics file",
    )
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename.endswith(".ics")
    with open(download.path(), "rb") as file:
        body = file.read()
    calendar = Calendar.from_ical(body)
    vevents = calendar.walk("VEVENT")
    assert len(vevents) == 1
    start = vevents[0].decoded("dtstart")
    assert start == occurrence.start
    assert start.astimezone(site_zone()).date() == first_day()
    assert nickname not in body.decode("utf-8")
    assert nickname not in calendar.to_ical().decode("utf-8")  # nor folded across lines

    # One click (one key) cancels, no reason asked.
    tab_to(
        page,
        lambda el: el["tag"] == "button" and el["text"] == "申し込みを取り消す",
        description="The cancel button",
    )
    press_and_follow(page)
    assert urlsplit(page.url).query == "done=cancelled"
    assert page.locator(".notice[role=status]").inner_text() == (
        "取り消しました。お知らせありがとうございます。またいつでもどうぞ。"
        " まちがえて取り消した場合も大丈夫です。下から、もう一度申し込めます。"
    )
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.CANCELLED
    assert_no_axe_violations(page)
    save_key_screen(page, "signup-3-cancelled-book-again")

    # It was a mistake: one more key books the same date again, with the same nickname.
    tab_to(
        page,
        lambda el: el["tag"] == "button" and "もう一度申し込む" in el["text"],
        description="The book-again button",
    )
    press_and_follow(page)
    assert urlsplit(page.url).query == "new=1", f"booking again led to {page.url}"
    again = signup_of(page)
    assert (again.status, again.nickname, again.occurrence) == (
        SignUpStatus.CONFIRMED,
        nickname,
        occurrence,
    )
    assert again.pk != signup.pk
    assert_no_axe_violations(page)
    save_key_screen(page, "signup-4-booked-again")

    assert browser_log.requests_elsewhere(site) == []
    assert browser_log.console_errors == []


def test_join_the_waiting_list_of_a_full_date_and_take_the_freed_place(
    site, page, browser_log, assert_no_axe_violations, make_booking_event, hidden_space
):
    event = make_booking_event(capacity=1)
    occurrence = first_date(event)
    other, _token, _created = services.book_place(
        occurrence=occurrence, form_key=new_form_key(), nickname="先客"
    )
    assert other.status == SignUpStatus.CONFIRMED

    # The event page says the date is full, and offers the waiting list.
    page.goto(site + path_of(event.url))
    entry = page.locator("li.occurrence", has=page.locator(f'a[href$="/{occurrence.pk}/"]'))
    assert "満席です（キャンセル待ちができます）" in entry.inner_text()
    link = entry.get_by_role("link", name="キャンセル待ちに申し込む")
    assert link.is_visible()
    assert_no_axe_violations(page)
    with page.expect_navigation():
        link.click()

    # The form says so too, and its button joins the waiting list.
    assert path_of(page.url) == signup_path(event, occurrence)
    assert "いまは満席ですが、キャンセル待ちに申し込めます。" in (
        page.locator(".status-box").inner_text()
    )
    assert_no_axe_violations(page)
    page.get_by_label("ニックネーム（任意）").fill("まつ")
    with page.expect_navigation():
        page.get_by_role("button", name="キャンセル待ちに申し込む").click()

    # On the waiting list: the exact address is not given yet.
    signup = signup_of(page)
    assert signup.status == SignUpStatus.WAITING
    manage_path = path_of(page.url)
    assert "いまはキャンセル待ちです。" in page.locator(".status-box").inner_text()
    assert page.get_by_text("くわしい場所は、お席が確定するとここに表示されます。").is_visible()
    assert HIDDEN_ADDRESS not in page.content()
    assert_no_axe_violations(page)

    # The other person cancels; the place is offered to the one waiting.
    offered = services.cancel_signup(signup=other)
    assert [s.pk for s in offered] == [signup.pk]
    page.reload()
    assert "あなたのための席が空きました。" in page.locator(".status-box").inner_text()
    assert page.get_by_role("button", name="今回は見送る").is_visible()
    assert HIDDEN_ADDRESS not in page.content()
    assert_no_axe_violations(page)

    # Take it, by keyboard.
    tab_to(
        page,
        lambda el: el["tag"] == "button" and el["text"] == "参加する",
        description="The 参加する button",
    )
    press_and_follow(page)
    assert path_of(page.url) == manage_path
    assert urlsplit(page.url).query == "done=accepted"
    assert (
        page.locator(".notice[role=status]").inner_text()
        == "お席が確定しました。お会いできるのを楽しみにしています。"
    )
    assert "お席が確定しました。" in page.locator(".status-box").inner_text()
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.CONFIRMED
    # The place is theirs: the manage page now gives the exact address and the way in.
    assert page.locator("p.address").inner_text() == HIDDEN_ADDRESS
    assert page.get_by_text(FINDING_THE_DOOR).is_visible()
    assert_no_axe_violations(page)

    # The public page of the space still keeps it to itself.
    page.goto(site + path_of(hidden_space.url))
    assert page.locator("h1").inner_text() == hidden_space.title
    assert HIDDEN_ADDRESS not in page.content()
    assert FINDING_THE_DOOR not in page.content()
    assert page.get_by_text("詳しい住所は申し込みが確定したときにお知らせします").is_visible()
    assert_no_axe_violations(page)

    assert browser_log.requests_elsewhere(site) == []
    assert browser_log.console_errors == []


def errors_besides_the_400(browser_log):
    """Console errors, less the one chromium logs for the form's own 400 answer."""
    return [e for e in browser_log.console_errors if "status of 400" not in e]


def send_long_nickname(page, site, event, occurrence, *, as_pasted=True):
    """Paste a 10,000-character nickname and a note into the form and send it; return the
    response. `as_pasted=False` first removes the field's maxlength, so the server sees the
    whole text, as from a browser or tool that does not enforce maxlength."""
    page.goto(site + signup_path(event, occurrence))
    nickname = page.get_by_label("ニックネーム（任意）")
    if not as_pasted:
        nickname.evaluate("el => el.removeAttribute('maxlength')")
    pasted = 10_000
    nickname.fill("あ" * pasted)
    kept = len(nickname.input_value())
    assert kept == pasted, (
        f"the nickname field kept {kept} of the {pasted} pasted characters "
        f"(maxlength={nickname.get_attribute('maxlength')}) and said nothing about it"
    )
    page.get_by_label("スタッフへのひとこと（任意）").fill(NOTE)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="申し込む").click()
    return navigation.value


def assert_kind_answer_next_to_the_nickname(page, event, occurrence, response):
    assert response.status == 400, f"the form answered {response.status} at {page.url}"
    assert path_of(page.url) == signup_path(event, occurrence)
    assert SignUp.objects.count() == 0
    # The message sits with the field, visibly, and is read out with it.
    nickname = page.get_by_label("ニックネーム（任意）")
    error = page.locator(".field--error", has=page.locator("#id_nickname")).locator("p.error")
    assert error.inner_text() == "40文字以内でお願いします。"
    assert error.is_visible()
    assert nickname.get_attribute("aria-invalid") == "true"
    described_by = nickname.evaluate(DESCRIPTION)
    assert {"id": "id_nickname_error", "text": "40文字以内でお願いします。"} in described_by
    # What the person wrote is still there.
    assert page.get_by_label("スタッフへのひとこと（任意）").input_value() == NOTE
    # The page opens on a summary of what to change, which has the focus; its link leads to
    # the field.
    summary = page.locator(".error-summary")
    assert summary.is_visible() and summary.locator("h2").inner_text() == "次の点をご確認ください"
    assert page.evaluate("() => document.activeElement.className") == "error-summary"
    link = summary.get_by_role("link", name="ニックネーム（任意）：40文字以内でお願いします。")
    assert link.get_attribute("href") == "#id_nickname"
    summary_box, nickname_box = summary.bounding_box(), nickname.bounding_box()
    assert summary_box["y"] < nickname_box["y"]  # above the form, seen first
    link.click()
    assert page.evaluate("() => document.activeElement.id") == "id_nickname"


def test_a_pasted_very_long_nickname_is_answered_kindly_and_the_note_is_kept(
    site, page, browser_log, assert_no_axe_violations, make_booking_event
):
    event = make_booking_event(capacity=5)
    occurrence = first_date(event)

    response = send_long_nickname(page, site, event, occurrence)

    save_key_screen(page, "error-summary-1-too-long-nickname")
    assert_kind_answer_next_to_the_nickname(page, event, occurrence, response)
    assert_no_axe_violations(page)
    assert errors_besides_the_400(browser_log) == []


def test_the_answer_to_a_too_long_nickname_is_accessible(
    site, page, browser_log, assert_no_axe_violations, make_booking_event
):
    """The page the server sends back for a nickname it cannot keep, whatever let it through:
    the message with the field, the note as typed, and the field's help still read with it."""
    event = make_booking_event(capacity=5)
    occurrence = first_date(event)

    response = send_long_nickname(page, site, event, occurrence, as_pasted=False)

    assert_kind_answer_next_to_the_nickname(page, event, occurrence, response)
    assert_no_axe_violations(page)
    assert errors_besides_the_400(browser_log) == []
    # Every id the field is described by is on the page: the help text's too, not only the
    # error's.
    described_by = page.get_by_label("ニックネーム（任意）").evaluate(DESCRIPTION)
    assert all(part["text"] for part in described_by), (
        f"the nickname field is described by ids that are not on the page: {described_by}"
    )
