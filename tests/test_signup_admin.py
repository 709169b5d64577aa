"""The staff side of sign-ups in the admin: bookings taken by phone or on paper, a date's list to
print with an action per sign-up, the intake decision, who came, and monthly counts that never
name anyone."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page

from events.changes import services as changes
from events.models import Absence, Occurrence, SignUp, SignUpSource, SignUpStatus
from events.signups import services
from events.signups.tokens import new_form_key
from tests.support.dates import at, weekly
from tests.support.staff import sign_in_staff

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(email="staff@example.org", password="x")


@pytest.fixture
def staff(client, superuser):
    sign_in_staff(client, superuser)
    return client


@pytest.fixture
def space(make_space):
    return make_space(title="湖南ほっとスペース")


@pytest.fixture
def two_places(make_event, space):
    """Tuesdays from 2026-12-01, 13:00–16:00, two places a date."""
    return make_event(
        title="火曜の午後",
        space=space,
        join_mode="booking",
        capacity=2,
        rules=[weekly(D(2026, 12, 1), ["TU"])],
    )


@pytest.fixture
def date(two_places):
    return Occurrence.objects.get(event=two_places, start=at(2026, 12, 8, 13))


@pytest.fixture
def family_class(make_event, space):
    return make_event(
        title="家族教室",
        kind="family_class",
        space=space,
        join_mode="enrolment",
        capacity=2,
        intake_required=True,
        rules=[weekly(D(2026, 12, 5), ["SA"], count=3)],
    )


def day_url(date):
    return f"/admin/signups/date/{date.pk}/"


def action_url(date, signup):
    return f"/admin/signups/date/{date.pk}/{signup.pk}/"


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def send_form(client, url, **fields):
    """Open the form (which gives it its one-time key), then send it."""
    key = soup(client.get(url)).find("input", {"name": "form_key"})["value"]
    return client.post(url, {"form_key": key, "party_size": 1, **fields})


def shows_new_code(response, date):
    """A sign-up staff took: its booking code shown once, to read out, and the way back to the
    date's list."""
    page = soup(response)
    return (
        response.status_code == 200
        and page.select_one(".new-code") is not None
        and page.find("a", href=day_url(date)) is not None
    )


def book(date, nickname="", party_size=1, **fields):
    signup, _token, _created = services.book_place(
        occurrence=date,
        form_key=new_form_key(),
        nickname=nickname,
        party_size=party_size,
        **fields,
    )
    return signup


def enrol(event, nickname, party_size=1):
    signup, _token, _created = services.enrol(
        event=event, form_key=new_form_key(), nickname=nickname, party_size=party_size
    )
    return signup


def rows(table):
    if table is None:
        return []
    return [
        [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
        for tr in table.find_all("tr")
    ]


# --- Sign-ups taken by staff -------------------------------------------------------------------


def test_staff_book_for_people_who_phoned_and_the_third_waits(staff, date):
    url = f"/admin/signups/date/{date.pk}/add-booking/"
    for nickname in ("山田", "", "川村"):
        response = send_form(staff, url, nickname=nickname, note="電話で受付")
        assert shows_new_code(response, date)
    assert [(s.nickname, s.status) for s in SignUp.objects.order_by("pk")] == [
        ("山田", SignUpStatus.CONFIRMED),
        ("", SignUpStatus.CONFIRMED),
        ("川村", SignUpStatus.WAITING),
    ]
    assert {(s.source, s.email) for s in SignUp.objects.all()} == {(SignUpSource.STAFF, "")}
    page = soup(staff.get(day_url(date))).get_text(" ")
    assert "キャンセル待ち" in page and "匿名" in page


def test_the_same_staff_form_sent_twice_makes_one_booking(staff, date):
    url = f"/admin/signups/date/{date.pk}/add-booking/"
    key = soup(staff.get(url)).find("input", {"name": "form_key"})["value"]
    for _ in range(2):
        staff.post(url, {"form_key": key, "party_size": 2, "nickname": "森"})
    assert SignUp.objects.get().party_size == 2


def test_staff_may_book_a_date_that_takes_no_bookings_online(staff, make_event, space):
    drop_in = make_event(title="自由来所", space=space, rules=[weekly(D(2026, 12, 1), ["TU"])])
    date = Occurrence.objects.get(event=drop_in, start=at(2026, 12, 8, 13))
    response = send_form(staff, f"/admin/signups/date/{date.pk}/add-booking/", party_size=3)
    assert shows_new_code(response, date)
    assert SignUp.objects.get().party_size == 3


def test_the_services_refusal_is_shown_in_the_form(staff, date):
    changes.cancel_occurrence(occurrence=date, message="お休みします")
    response = send_form(staff, f"/admin/signups/date/{date.pk}/add-booking/", nickname="森")
    assert response.status_code == 200
    assert "中止" in soup(response).select_one(".messages .error").get_text()
    assert not SignUp.objects.exists()


def test_a_ten_thousand_character_nickname_gets_a_clear_message(staff, date):
    response = send_form(
        staff, f"/admin/signups/date/{date.pk}/add-booking/", nickname="あ" * 10_000
    )
    assert response.status_code == 200
    assert "40文字以内" in soup(response).get_text()
    assert not SignUp.objects.exists()


def test_staff_enrol_a_family_in_a_series(staff, family_class):
    date = Occurrence.objects.filter(event=family_class).first()
    response = send_form(
        staff,
        f"/admin/signups/date/{date.pk}/add-enrolment/",
        nickname="山田",
        relationship="母",
        phone="077-000-0000",
        party_size=2,
    )
    assert shows_new_code(response, date)
    signup = SignUp.objects.get()
    assert (signup.kind, signup.status, signup.source) == ("enrolment", "pending", "staff")
    assert signup.occurrence is None and signup.phone == "077-000-0000"


# --- A date's list -----------------------------------------------------------------------------


@pytest.fixture
def maybe_date(make_event, space):
    """An "I might come" session with two places that staff also book by phone."""
    event = make_event(
        title="ピアの集い",
        kind="peer_session",
        space=space,
        join_mode="maybe",
        capacity=2,
        rules=[weekly(D(2026, 12, 1), ["TU"])],
    )
    return Occurrence.objects.get(event=event, start=at(2026, 12, 8, 13))


def test_the_days_list_shows_who_comes_the_waiting_list_and_the_maybes(staff, maybe_date):
    book(maybe_date, "山田", 2, note="入口で待ち合わせ希望", source=SignUpSource.STAFF)
    book(maybe_date, "川村", source=SignUpSource.STAFF)
    book(maybe_date, "", 1, source=SignUpSource.STAFF)
    for _ in range(3):
        services.say_maybe(occurrence=maybe_date, form_key=new_form_key())

    page = soup(staff.get(day_url(maybe_date)))

    confirmed, waiting = page.select("table")[:2]
    for paper_only in page.select(".print-cell"):
        paper_only.decompose()  # the tick boxes of the printed list
    assert [row[:5] for row in rows(confirmed.tbody)] == [
        ["1", "山田", "2", "入口で待ち合わせ希望", "職員が入力"]
    ]
    assert [row[:3] for row in rows(waiting.tbody)] == [["1", "川村", "1"], ["2", "匿名", "1"]]
    assert "3人が「行くかも」" in page.get_text()
    totals = {
        term.get_text(): value.get_text()
        for term, value in zip(page.select("dt"), page.select("dd"), strict=True)
    }
    assert totals["行くかも"] == "3"


def test_the_days_list_is_reachable_from_the_dates_admin(staff, date):
    assert day_url(date) in staff.get("/admin/dates/").content.decode()
    assert day_url(date) in staff.get(f"/admin/dates/edit/{date.pk}/").content.decode()


def admin_user(django_user_model, *codenames, pages=None):
    """A user of the admin with these permissions, and "change" on the pages under `pages`."""
    user = django_user_model.objects.create_user(email="other@example.org", password="x")
    group = Group.objects.create(name="職員")
    group.permissions.add(*Permission.objects.filter(codename__in=["access_admin", *codenames]))
    if pages is not None:
        GroupPagePermission.objects.create(
            group=group, page=pages, permission=Permission.objects.get(codename="change_page")
        )
    user.groups.add(group)
    return user


def test_staff_who_may_edit_events_see_the_list_and_the_counts(
    client, django_user_model, date, event_index
):
    book(date, "山田")
    sign_in_staff(client, admin_user(django_user_model, "view_occurrence", pages=event_index))
    assert day_url(date) in client.get("/admin/dates/").content.decode()
    assert "山田" in client.get(day_url(date)).content.decode()
    assert client.get("/admin/signups/attendance/").status_code == 200


def test_people_who_cannot_edit_events_see_nothing(client, django_user_model, date, home_page):
    book(date, "山田")
    # May see the dates and edit other pages, but not events.
    learn = home_page.add_child(instance=Page(title="知る", slug="learn-only"))
    sign_in_staff(client, admin_user(django_user_model, "view_occurrence", pages=learn))
    for url in (
        day_url(date),
        f"/admin/signups/date/{date.pk}/add-booking/",
        "/admin/signups/attendance/",
    ):
        response = client.get(url)
        # Wagtail answers a refusal in the admin with its home page and a message.
        assert (response.status_code, response["Location"]) == (302, "/admin/")
        assert "山田" not in response.content.decode()
    client.post(action_url(date, SignUp.objects.get()), {"action": "cancel", "confirmed": "1"})
    assert SignUp.objects.get().status == SignUpStatus.CONFIRMED
    assert day_url(date) not in client.get("/admin/dates/").content.decode()
    # No admin access at all: off to the login page.
    client.force_login(django_user_model.objects.create_user(email="peer@example.org"))
    response = client.get(day_url(date))
    assert response.status_code == 302 and "山田" not in response.content.decode()


# --- Actions on one sign-up --------------------------------------------------------------------


def test_staff_are_asked_once_more_before_a_sign_up_is_cancelled(staff, date):
    signup = book(date, "山田")
    response = staff.post(action_url(date, signup), {"action": "cancel"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "山田" in page and 'name="confirmed" value="1"' in page and day_url(date) in page
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.CONFIRMED  # nothing happened yet


def test_staff_cancel_a_booking_and_the_place_is_offered(staff, date):
    first, _second, waiting = book(date, "山田"), book(date, "川村"), book(date, "森")
    response = staff.post(action_url(date, first), {"action": "cancel", "confirmed": "1"})
    assert response.status_code == 302 and response["Location"] == day_url(date)
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert (first.status, waiting.status) == (SignUpStatus.CANCELLED, SignUpStatus.OFFERED)
    # The person offered the place phoned back: staff take it for them.
    staff.post(action_url(date, waiting), {"action": "accept_offer"})
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.CONFIRMED


def test_staff_accept_or_decline_an_enrolment_after_the_intake_talk(staff, family_class):
    date = Occurrence.objects.filter(event=family_class).first()
    yamada, kawamura = enrol(family_class, "山田", 2), enrol(family_class, "川村")
    assert "面談待ち" in soup(staff.get(day_url(date))).get_text()

    staff.post(action_url(date, yamada), {"action": "accept"})
    staff.post(action_url(date, kawamura), {"action": "decline"})

    yamada.refresh_from_db()
    kawamura.refresh_from_db()
    assert (yamada.status, kawamura.status) == (SignUpStatus.CONFIRMED, SignUpStatus.DECLINED)
    response = staff.post(action_url(date, yamada), {"action": "accept"}, follow=True)
    assert (
        "判断を待つ状態ではありません" in soup(response).select_one(".messages .error").get_text()
    )


def test_staff_mark_how_many_came(staff, date):
    signup = book(date, "山田", 2)
    staff.post(action_url(date, signup), {"action": "attended", "attended": "3"})
    signup.refresh_from_db()
    assert signup.attended == 3
    response = staff.post(action_url(date, signup), {"action": "attended", "attended": "-1"})
    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.attended == 3
    staff.post(action_url(date, signup), {"action": "attended", "attended": ""})
    signup.refresh_from_db()
    assert signup.attended is None


def test_a_sign_up_of_another_date_is_not_found_there(staff, date, two_places):
    other = Occurrence.objects.get(event=two_places, start=at(2026, 12, 15, 13))
    signup = book(other, "山田")
    cancel = {"action": "cancel", "confirmed": "1"}
    assert staff.post(action_url(date, signup), cancel).status_code == 404
    assert staff.post(action_url(other, signup), {"action": "unknown"}).status_code == 400


# --- Monthly counts ----------------------------------------------------------------------------


def counts_table(client, month):
    page = soup(client.get(f"/admin/signups/attendance/?month={month}"))
    return rows(page.select_one("table tbody")), rows(page.select_one("table tfoot")), page


def test_monthly_counts_per_space_without_names(staff, make_space, make_event, date, family_class):
    # Bookings on the Tuesdays at 湖南ほっとスペース (five in December), one cancelled date.
    came = book(date, "山田", 1)
    book(date, "川村", 1)
    book(date, "森", 1)  # waiting: not counted as booked
    cancelled = book(date, "林", 1)
    services.cancel_signup(signup=cancelled)
    SignUp.objects.filter(pk=came.pk).update(attended=2)
    tuesday_22 = Occurrence.objects.get(event=date.event, start=at(2026, 12, 22, 13))
    book(tuesday_22, "石田", 1)
    changes.cancel_occurrence(occurrence=tuesday_22)
    # The family class on Saturdays 5, 12, 19 December: one family of 2, absent on the 12th.
    family = enrol(family_class, "佐藤", 2)
    services.decide_enrolment(signup=family, accept=True)
    Absence.objects.create(
        signup=family,
        occurrence=Occurrence.objects.get(event=family_class, start=at(2026, 12, 12, 13)),
    )
    # An "I might come" session at another space, and one in January that does not count.
    other = make_space(title="オンラインひだまり")
    maybe_event = make_event(
        title="ピアの集い",
        space=other,
        join_mode="maybe",
        rules=[weekly(D(2026, 12, 3), ["TH"], count=6)],
    )
    for start in (at(2026, 12, 3, 13), at(2026, 12, 3, 13), at(2027, 1, 7, 13)):
        services.say_maybe(
            occurrence=Occurrence.objects.get(event=maybe_event, start=start),
            form_key=new_form_key(),
        )

    body, foot, page = counts_table(staff, "2026-12")

    assert body == [
        # space, dates, people booked, I might come, people who came
        ["オンラインひだまり", "5", "0", "2", "—"],
        ["湖南ほっとスペース", "7", "6", "0", "2"],  # 4 Tuesdays + 3 Saturdays; 1+1 + 2+0+2
    ]
    assert foot == [["合計", "12", "6", "2", "2"]]
    for name in ("山田", "川村", "森", "林", "石田", "佐藤"):
        assert name not in page.get_text()
    january, _foot, _page = counts_table(staff, "2027-01")
    assert january == [
        ["オンラインひだまり", "1", "0", "1", "—"],
        ["湖南ほっとスペース", "4", "0", "0", "—"],
    ]


def test_months_follow_japan_time(staff, make_event, space):
    # 00:30 on 1 January in Japan is still 31 December in UTC: it counts for January.
    make_event(
        title="年明けの集い",
        space=space,
        holiday_policy="open",
        rules=[weekly(D(2027, 1, 1), ["FR"], start="00:30", end="02:00", count=1)],
    )
    december, _foot, _page = counts_table(staff, "2026-12")
    january, _foot, _page = counts_table(staff, "2027-01")
    assert december == []
    assert january == [["湖南ほっとスペース", "1", "0", "0", "—"]]


def test_a_malformed_month_gets_a_message(staff):
    page = soup(staff.get("/admin/signups/attendance/?month=2026-13"))
    assert page.select_one(".error-message") is not None
    assert page.select_one("table") is None


def test_monthly_counts_take_the_same_queries_however_many_sign_ups(
    staff, make_space, make_event, date, django_assert_max_num_queries
):
    book(date, "山田")
    with django_assert_max_num_queries(15) as few:
        staff.get("/admin/signups/attendance/?month=2026-12")

    for n in range(3):
        space = make_space(title=f"居場所{n}")
        event = make_event(
            title=f"集い{n}",
            space=space,
            join_mode="booking",
            rules=[weekly(D(2026, 12, 1), ["TU", "FR"])],
        )
        for occurrence in Occurrence.objects.filter(event=event)[:6]:
            for _ in range(3):
                book(occurrence, "だれか", 2)

    with django_assert_max_num_queries(len(few)):
        response = staff.get("/admin/signups/attendance/?month=2026-12")
    assert len(soup(response).select("table tbody tr")) == 4


def test_a_head_count_at_the_door_counts_for_the_date_and_the_month(staff, make_event, space, date):
    # A "just come" drop-in has no sign-ups at all: the door count is its only number.
    drop_in = make_event(
        title="ふらっと居場所",
        space=space,
        join_mode="just_come",
        rules=[weekly(D(2026, 12, 2), ["WE"], count=1)],
    )
    wednesday = Occurrence.objects.get(event=drop_in)
    response = staff.post(f"/admin/signups/date/{wednesday.pk}/head-count/", {"attended": "7"})
    assert response.status_code == 302
    wednesday.refresh_from_db()
    assert wednesday.head_count == 7
    # A booked date: the per-booking counts until staff count everyone at the door.
    came = book(date, "山田", 1)
    SignUp.objects.filter(pk=came.pk).update(attended=1)
    body, _foot, _page = counts_table(staff, "2026-12")
    assert body == [["湖南ほっとスペース", "6", "1", "0", "8"]]
    staff.post(f"/admin/signups/date/{date.pk}/head-count/", {"attended": "3"})
    body, _foot, _page = counts_table(staff, "2026-12")
    assert body == [["湖南ほっとスペース", "6", "1", "0", "10"]]
    bad = staff.post(f"/admin/signups/date/{date.pk}/head-count/", {"attended": "-4"})
    assert bad.status_code == 302
    date.refresh_from_db()
    assert date.head_count == 3
