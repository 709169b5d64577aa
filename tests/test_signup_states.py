"""Property-based tests of the booking state machine: whatever people do in whatever order,
places are never overbooked, nobody skips the line, and a cancelled place comes back."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from events.models import HOLDING_PLACES, Occurrence, SignUp, SignUpStatus
from events.signups import places, services
from events.signups.services import SignUpError
from events.signups.tokens import new_form_key
from tests.support.dates import JST, weekly

CAPACITY = 5
pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


class BookingMachine(RuleBasedStateMachine):
    """Bookings, cancellations, party-size changes, offers accepted, declined or left to lapse
    on one date with five places. Each run starts from no sign-ups (a savepoint)."""

    date = None  # set by the test

    @initialize()
    def start(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=JST)

    def teardown(self):
        if hasattr(self, "atomic"):
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

    def signups(self, *statuses):
        rows = SignUp.objects.filter(occurrence=self.date)
        return list(rows.filter(status__in=statuses)) if statuses else list(rows)

    def line(self):
        return [
            s for s in SignUp.objects.filter(occurrence=self.date).waiting() if not s.offer_lapsed
        ]

    @rule(party=st.integers(min_value=1, max_value=3))
    def book(self, party):
        line_before = self.line()
        signup, _token, _ = services.book_place(
            occurrence=self.date, form_key=new_form_key(), party_size=party, now=self.now
        )
        if line_before:
            assert signup.status == SignUpStatus.WAITING, "a newcomer went ahead of the line"

    @rule(data=st.data())
    @precondition(lambda self: self.signups(*HOLDING_PLACES, SignUpStatus.WAITING))
    def cancel(self, data):
        active = self.signups(*HOLDING_PLACES, SignUpStatus.WAITING)
        signup = data.draw(st.sampled_from(active))
        free_before = places.places_left(occurrence=self.date)
        anyone_waiting = self.signups(SignUpStatus.WAITING)  # including those who let one lapse
        services.cancel_signup(signup=signup, now=self.now)
        if signup.status in HOLDING_PLACES and not anyone_waiting:
            assert places.places_left(occurrence=self.date) == free_before + signup.party_size

    @rule(data=st.data(), party=st.integers(min_value=1, max_value=3))
    @precondition(lambda self: self.signups(*HOLDING_PLACES, SignUpStatus.WAITING))
    def change_party(self, data, party):
        signup = data.draw(st.sampled_from(self.signups(*HOLDING_PLACES, SignUpStatus.WAITING)))
        try:
            services.change_party_size(signup=signup, party_size=party, now=self.now)
        except SignUpError as error:
            assert error.code == "full" and party > signup.party_size

    @rule(data=st.data())
    @precondition(lambda self: self.signups(SignUpStatus.OFFERED))
    def accept(self, data):
        signup = data.draw(st.sampled_from(self.signups(SignUpStatus.OFFERED)))
        services.accept_offer(signup=signup, now=self.now)

    @rule(data=st.data())
    @precondition(lambda self: self.signups(SignUpStatus.OFFERED))
    def decline(self, data):
        signup = data.draw(st.sampled_from(self.signups(SignUpStatus.OFFERED)))
        services.decline_offer(signup=signup, now=self.now)

    @rule()
    @precondition(lambda self: self.now + dt.timedelta(days=3) < self.date.start)
    def time_passes(self):
        # Two days: every offer open now lapses and passes on.
        self.now += dt.timedelta(days=2)
        services.expire_offers(now=self.now)

    @rule(data=st.data())
    @precondition(lambda self: any(s.offer_lapsed for s in self.signups(SignUpStatus.WAITING)))
    def take_a_free_place_after_letting_an_offer_pass(self, data):
        lapsed = [s for s in self.signups(SignUpStatus.WAITING) if s.offer_lapsed]
        signup = data.draw(st.sampled_from(lapsed))
        try:
            services.accept_offer(signup=signup, now=self.now)
        except SignUpError as error:
            assert error.code == "gone"

    @invariant()
    def never_overbooked(self):
        if self.date is None or not hasattr(self, "atomic"):
            return
        held = sum(s.party_size for s in self.signups(*HOLDING_PLACES))
        assert held <= CAPACITY

    @invariant()
    def no_free_place_while_the_first_in_line_fits(self):
        if self.date is None or not hasattr(self, "atomic"):
            return
        line = self.line()
        if line:
            assert line[0].party_size > places.places_left(occurrence=self.date)


def test_booking_state_machine(make_event):
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=JST), tick=False):
        event = make_event(
            join_mode="booking",
            capacity=CAPACITY,
            rules=[weekly(dt.date(2026, 12, 1), ["TU"])],
        )
    BookingMachine.date = Occurrence.objects.filter(event=event).order_by("start")[3]
    run = BookingMachine.TestCase
    run.settings = settings(
        max_examples=60,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    run().runTest()
