"""Sign-up workflows: places never overbooked, a gentle waiting list, private manage links,
enrolment in a series, and personal data that goes away on time."""

import datetime as dt

import pytest
import time_machine

from events.changes import services as changes
from events.models import Absence, ManageToken, Occurrence, SignUp, SignUpStatus
from events.signups import places, retention, services
from events.signups.services import SignUpError
from events.signups.tokens import new_form_key
from tests.support.dates import at, weekly

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def book(date, party_size=1, nickname="", **fields):
    signup, _token, _created = services.book_place(
        occurrence=date, form_key=new_form_key(), party_size=party_size, nickname=nickname, **fields
    )
    return signup


def statuses(date):
    return [
        (s.nickname, s.status)
        for s in SignUp.objects.filter(occurrence=date).order_by("queued_at", "pk")
    ]


def test_places_are_confirmed_until_full_then_people_wait_in_order(date):
    book(date, 2, "あ")
    book(date, 1, "い")
    book(date, 2, "う")  # 3 taken, 1 left: a party of 2 waits
    book(date, 1, "え")  # would fit, but someone is waiting: no skipping the line
    assert statuses(date) == [
        ("あ", "confirmed"),
        ("い", "confirmed"),
        ("う", "waiting"),
        ("え", "waiting"),
    ]
    assert places.places_left(occurrence=date) == 1


def test_maybe_never_takes_a_place(make_event, date):
    maybe_event = make_event(
        title="行くかもの会", join_mode="maybe", capacity=1, rules=[weekly(D(2026, 12, 1), ["TU"])]
    )
    maybe_date = Occurrence.objects.get(event=maybe_event, start=at(2026, 12, 8, 13))
    for _ in range(3):
        services.say_maybe(occurrence=maybe_date, form_key=new_form_key())
    assert SignUp.objects.filter(occurrence=maybe_date, status="confirmed").count() == 3
    assert places.places_left(occurrence=maybe_date) == 1
    with pytest.raises(SignUpError):
        services.say_maybe(occurrence=date, form_key=new_form_key())  # a booking-only date


def test_the_same_form_sent_twice_makes_one_booking_with_the_same_link(date):
    key = new_form_key()
    first, token, created = services.book_place(occurrence=date, form_key=key, nickname="ゆう")
    again, token_again, created_again = services.book_place(
        occurrence=date, form_key=key, nickname="ゆう"
    )
    assert created and not created_again
    assert first.pk == again.pk and token == token_again
    assert SignUp.objects.count() == 1
    assert SignUp.objects.with_token(token).get() == first


def test_manage_links_are_long_random_and_stored_only_as_hashes(date):
    _signup, token, _ = services.book_place(occurrence=date, form_key=new_form_key())
    assert len(token) >= 43  # 256 bits in URL-safe base64
    stored = ManageToken.objects.get()
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    assert not SignUp.objects.with_token(token[:-1] + ("A" if token[-1] != "A" else "B")).exists()
    assert not SignUp.objects.with_token("").exists()
    assert not SignUp.objects.with_token("x" * 5000).exists()


def test_cancelling_offers_the_place_to_the_first_in_line(date):
    a = book(date, 2, "あ")
    book(date, 2, "い")
    waiting = book(date, 2, "う")
    behind = book(date, 1, "え")
    offered = services.cancel_signup(signup=a)
    assert [s.pk for s in offered] == [waiting.pk]
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.OFFERED
    # At least 48 hours, but no later than 3 hours before the date.
    assert waiting.offer_expires_at == at(2026, 12, 3, 9, 0)
    behind.refresh_from_db()
    assert behind.status == SignUpStatus.WAITING
    services.accept_offer(signup=waiting)
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.CONFIRMED
    assert places.places_left(occurrence=date) == 0


def test_nobody_skips_the_line_when_the_first_party_does_not_fit(date):
    a = book(date, 1, "あ")
    book(date, 3, "い")
    big = book(date, 3, "う")
    small = book(date, 1, "え")
    services.cancel_signup(signup=a)  # one place free; the party of 3 waits for more
    big.refresh_from_db()
    small.refresh_from_db()
    assert big.status == small.status == SignUpStatus.WAITING


def test_an_offer_not_taken_up_passes_on_without_penalty(date):
    a = book(date, 4, "あ")
    first = book(date, 1, "い")
    second = book(date, 1, "う")
    services.change_party_size(signup=a, party_size=3)  # one place frees
    first.refresh_from_db()
    assert first.status == SignUpStatus.OFFERED
    with time_machine.travel(at(2026, 12, 3, 9, 0, 1), tick=False):
        offered = services.expire_offers()
        assert [s.pk for s in offered] == [second.pk]
        assert services.expire_offers() == []  # idempotent
    first.refresh_from_db()
    assert first.status == SignUpStatus.WAITING and first.offer_lapsed  # still on the list
    with pytest.raises(SignUpError):
        services.accept_offer(signup=first)  # the place is someone else's now
    services.decline_offer(signup=second)  # "not this time": stops waiting for this date
    second.refresh_from_db()
    assert second.status == SignUpStatus.CANCELLED
    # Nobody else is waiting: the one who let the first offer lapse is offered it again.
    first.refresh_from_db()
    assert first.status == SignUpStatus.OFFERED
    services.accept_offer(signup=first)
    first.refresh_from_db()
    assert first.status == SignUpStatus.CONFIRMED


def test_a_place_left_by_a_lapsed_offer_can_be_booked_by_a_newcomer(date):
    a = book(date, 4, "あ")
    waiting = book(date, 1, "い")
    services.change_party_size(signup=a, party_size=3)
    with time_machine.travel(at(2026, 12, 3, 9, 0, 1), tick=False):
        assert services.expire_offers() == []  # nobody else to offer it to: the place is free
        newcomer = book(date, 1, "う")
    assert newcomer.status == SignUpStatus.CONFIRMED  # not held back for someone who let it go
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.WAITING and waiting.offer_lapsed


def test_close_to_the_date_an_offer_lasts_until_the_start(date):
    a = book(date, 4, "あ")
    waiting = book(date, 1, "い")
    with time_machine.travel(at(2026, 12, 8, 11, 0), tick=False):
        services.cancel_signup(signup=a)
    waiting.refresh_from_db()
    assert waiting.offer_expires_at == at(2026, 12, 8, 13, 0)


def test_staff_can_turn_automatic_offers_off(date):
    date.event.offer_places_automatically = False
    date.event.save_revision().publish()
    a = book(date, 4, "あ")
    waiting = book(date, 1, "い")
    services.cancel_signup(signup=a)
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.WAITING


def test_cancelling_twice_is_harmless(date):
    a = book(date, 4, "あ")
    waiting = book(date, 2, "い")
    services.cancel_signup(signup=a)
    assert services.cancel_signup(signup=a) == []
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.OFFERED


def test_growing_a_party_needs_free_places(date):
    a = book(date, 2, "あ")
    book(date, 1, "い")
    with pytest.raises(SignUpError) as error:
        services.change_party_size(signup=a, party_size=4)
    assert error.value.code == "full"
    services.change_party_size(signup=a, party_size=3)
    assert places.places_left(occurrence=date) == 0


@pytest.mark.parametrize("when", ["cancelled", "past"])
def test_no_sign_up_for_a_cancelled_or_past_date(date, when):
    if when == "cancelled":
        changes.cancel_occurrence(occurrence=date, message="お休みします")
        now = at(2026, 12, 1, 9, 0)
    else:
        now = at(2026, 12, 8, 13, 0)
    with time_machine.travel(now, tick=False), pytest.raises(SignUpError) as error:
        book(date)
    assert error.value.code == when
    assert not SignUp.objects.exists()


@pytest.fixture
def family_class(make_space, make_event):
    room = make_space(title="家族のための相談室")
    return make_event(
        title="家族教室",
        kind="family_class",
        space=room,
        join_mode="enrolment",
        capacity=2,
        intake_required=True,
        rules=[weekly(D(2026, 12, 5), ["SA"], count=3)],
    )


def enrol(event, nickname, party_size=1):
    signup, _token, _ = services.enrol(
        event=event,
        form_key=new_form_key(),
        nickname=nickname,
        relationship="母",
        phone="090-0000-0000",
        party_size=party_size,
    )
    return signup


def test_enrolment_waits_for_the_intake_talk_then_takes_series_places(family_class):
    first, second, third = (
        enrol(family_class, "山田"),
        enrol(family_class, "川村"),
        enrol(family_class, "森"),
    )
    assert {s.status for s in (first, second, third)} == {SignUpStatus.PENDING}
    services.decide_enrolment(signup=first, accept=True)
    services.decide_enrolment(signup=second, accept=True)
    services.decide_enrolment(signup=third, accept=True)  # the class is full: waits in line
    statuses = [SignUp.objects.get(pk=s.pk).status for s in (first, second, third)]
    assert statuses == ["confirmed", "confirmed", "waiting"]
    declined = enrol(family_class, "林")
    services.decide_enrolment(signup=declined, accept=False)
    declined.refresh_from_db()
    assert declined.status == SignUpStatus.DECLINED
    services.cancel_signup(signup=first)
    assert SignUp.objects.get(pk=third.pk).status == SignUpStatus.OFFERED


def test_an_absence_keeps_the_enrolment(family_class):
    signup = enrol(family_class, "山田")
    services.decide_enrolment(signup=signup, accept=True)
    second_date = Occurrence.objects.filter(event=family_class).order_by("start")[1]
    services.report_absence(signup=signup, occurrence=second_date)
    services.report_absence(signup=signup, occurrence=second_date)  # twice: one notice
    assert Absence.objects.filter(signup=signup).count() == 1
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.CONFIRMED


def test_personal_data_is_erased_after_the_retention_period_and_counts_stay(date, family_class):
    _kept, token, _ = services.book_place(
        occurrence=date,
        form_key=new_form_key(),
        nickname="ゆう",
        email="yu@example.org",
        note="入口まで迎えに来てほしいです",
        party_size=2,
    )
    enrolled = enrol(family_class, "山田")
    with time_machine.travel(at(2027, 1, 7, 15, 59), tick=False):  # not 30 days yet
        assert retention.erase_personal_data() == 0
    with time_machine.travel(at(2027, 1, 7, 16, 1), tick=False):
        assert retention.erase_personal_data() == 1
        assert retention.erase_personal_data() == 0  # idempotent
    booking = SignUp.objects.get(occurrence=date)
    assert (booking.nickname, booking.email, booking.note) == ("", "", "")
    assert booking.party_size == 2 and booking.status == "confirmed" and booking.erased_at
    assert not SignUp.objects.with_token(token).exists()
    enrolled.refresh_from_db()
    assert enrolled.phone == "090-0000-0000"  # the series ran until 2026-12-19: not yet
    with time_machine.travel(at(2027, 1, 18, 17, 0), tick=False):
        assert retention.erase_personal_data() == 1
    enrolled.refresh_from_db()
    assert (enrolled.nickname, enrolled.phone, enrolled.relationship) == ("", "", "")


def test_places_added_by_staff_go_at_once_to_the_people_waiting(date):
    book(date, 4, "あ")
    waiting = book(date, 2, "い")
    changes.set_capacity(occurrence=date, capacity=6)
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.OFFERED


def test_a_larger_event_capacity_on_publish_offers_the_new_places(date):
    book(date, 4, "あ")
    waiting = book(date, 1, "い")
    event = date.event
    event.capacity = 5
    event.save_revision().publish()
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.OFFERED


def test_a_course_date_takes_enrolments_not_single_bookings(family_class):
    first_date = Occurrence.objects.filter(event=family_class).first()
    with pytest.raises(SignUpError) as error:
        services.book_place(
            occurrence=first_date, form_key=new_form_key(), source="staff", party_size=2
        )
    assert error.value.code == "wrong_kind"


def test_a_cancelled_enrolment_in_a_course_without_end_is_erased_in_time(family_class):
    signup = enrol(family_class, "山田")
    services.cancel_signup(signup=signup)
    with time_machine.travel(at(2026, 12, 31, 9, 1), tick=False):
        assert retention.erase_personal_data() == 1
    signup.refresh_from_db()
    assert signup.phone == "" and signup.nickname == ""
