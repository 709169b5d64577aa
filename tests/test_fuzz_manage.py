"""Fuzzing the private manage page in every state of a sign-up (issue 18): booked, waiting,
offered, cancelled, erased (after retention), and enrolled in a series. Whatever is sent, the
answer is never a server error; the sign-up changes only as the action sent says it may, and
nobody else's sign-up changes, except that a place let go is offered to the next in line.

Each example runs in a savepoint that is rolled back (tests/support/fuzz.py), so each one starts
from the same state."""

import datetime as dt
from urllib.parse import quote

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from events.models import Absence, ManageToken, Occurrence, SignUp, SignUpStatus
from events.signups import retention, services
from events.signups.forms import PartySizeForm
from events.signups.tokens import new_form_key
from tests.support.dates import at, weekly
from tests.support.fuzz import ENCODING, NAME, VALUE, params, post, rolled_back, sent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

ACTIONS = ["cancel", "accept", "decline", "party_size", "absence"]
STATES = ["booked", "waiting", "offered", "cancelled", "erased", "enrolled"]


@pytest.fixture
def events(make_space, make_event):
    space = make_space()
    tuesdays = [weekly(dt.date(2026, 12, 1), ["TU"])]
    booking = make_event(join_mode="booking", capacity=1, space=space, rules=tuesdays)
    course = make_event(
        kind="family_class",
        join_mode="enrolment",
        capacity=2,
        space=space,
        rules=[weekly(dt.date(2026, 12, 5), ["SA"], count=3)],
    )
    return booking, course


def book(date, nickname):
    signup, token, _created = services.book_place(
        occurrence=date, form_key=new_form_key(), nickname=nickname, email=f"{nickname}@example.org"
    )
    return signup, token


def enrol(course, nickname):
    signup, token, _created = services.enrol(
        event=course, form_key=new_form_key(), nickname=nickname, phone="03-1234-5678"
    )
    return signup, token


@pytest.fixture(params=STATES)
def story(request, events):
    """The sign-up in the state named, its token, and other people's sign-ups around it: on the
    same date (or in the same series), on another date, and in the other event."""
    booking, course = events
    date = Occurrence.objects.get(event=booking, start=at(2026, 12, 8, 13))
    later = Occurrence.objects.get(event=booking, start=at(2026, 12, 15, 13))
    book(later, "elsewhere")
    enrol(course, "family")
    state = request.param
    if state == "enrolled":
        target, token = enrol(course, "target")
    elif state == "booked":
        target, token = book(date, "target")
        book(date, "behind")  # waiting: offered the place if the target lets it go
    elif state == "waiting":
        book(date, "ahead")
        target, token = book(date, "target")
    elif state == "offered":
        ahead, _ = book(date, "ahead")
        target, token = book(date, "target")
        book(date, "behind")
        services.cancel_signup(signup=ahead)
    elif state == "cancelled":
        target, token = book(date, "target")
        book(date, "after")
        services.cancel_signup(signup=target)
    else:  # erased: a month after the date
        target, token = book(date, "target")
        retention.erase_personal_data(now=date.end + dt.timedelta(days=31))
    target.refresh_from_db()
    expected = {
        "booked": SignUpStatus.CONFIRMED,
        "waiting": SignUpStatus.WAITING,
        "offered": SignUpStatus.OFFERED,
        "cancelled": SignUpStatus.CANCELLED,
        "erased": SignUpStatus.CONFIRMED,
        "enrolled": SignUpStatus.CONFIRMED,
    }
    assert target.status == expected[state]
    assert (target.erased_at is not None) == (state == "erased")
    return {"state": state, "target": target, "token": token, "booking": booking, "course": course}


def stored():
    """Every sign-up as stored, and each one's absences."""
    rows = {row["id"]: row for row in SignUp.objects.values()}
    absences = {}
    for signup_id, occurrence_id in Absence.objects.values_list("signup", "occurrence"):
        absences.setdefault(signup_id, set()).add(occurrence_id)
    return rows, absences, ManageToken.objects.count()


# What a person's own action may change on their sign-up; `updated_at` follows any change.
MOVING = {"status", "party_size", "offer_expires_at", "offer_lapsed", "cancelled_at", "updated_at"}


def without(row, names):
    return {key: value for key, value in row.items() if key not in names}


def check_only_legitimate_changes(before, after, *, target, data, response):
    """The target changed only as the action sent allows; everyone else not at all, except
    someone waiting behind it being offered a place it let go."""
    rows, absences, tokens = before
    rows_after, absences_after, tokens_after = after
    assert tokens_after == tokens
    assert rows_after.keys() == rows.keys()
    action = sent(data, "action") if data is not None else None
    done = response.status_code == 302
    old, new = rows[target.pk], rows_after[target.pk]
    assert without(new, MOVING) == without(old, MOVING)
    if new["status"] != old["status"]:
        assert done
        assert (action, old["status"], new["status"]) in {
            ("cancel", SignUpStatus.CONFIRMED, SignUpStatus.CANCELLED),
            ("cancel", SignUpStatus.WAITING, SignUpStatus.CANCELLED),
            ("cancel", SignUpStatus.OFFERED, SignUpStatus.CANCELLED),
            ("accept", SignUpStatus.OFFERED, SignUpStatus.CONFIRMED),
            ("decline", SignUpStatus.OFFERED, SignUpStatus.CANCELLED),
        }
    if new["party_size"] != old["party_size"]:
        assert done and action == "party_size"
        form = PartySizeForm({"party_size": sent(data, "party_size")})
        assert form.is_valid() and form.cleaned_data["party_size"] == new["party_size"]
    if absences_after.get(target.pk) != absences.get(target.pk):
        assert done and action == "absence"
        added = absences_after[target.pk] - absences.get(target.pk, set())
        assert len(added) == 1 and absences.get(target.pk, set()) <= absences_after[target.pk]
        (occurrence_id,) = added
        chosen = sent(data, "occurrence")
        assert chosen.isascii() and int(chosen) == occurrence_id
        assert Occurrence.objects.get(pk=occurrence_id).event_id == target.event_id
    let_go = new["status"] == SignUpStatus.CANCELLED != old["status"] or (
        new["party_size"] < old["party_size"]
    )
    same_line = {"occurrence_id": target.occurrence_id, "event_id": target.event_id}
    for pk, row in rows.items():
        if pk == target.pk:
            continue
        if rows_after[pk] == row:
            continue
        # Only the next in line on the same date (or series), and only to an offer.
        assert let_go
        assert {key: row[key] for key in same_line} == same_line
        assert (row["status"], rows_after[pk]["status"]) == (
            SignUpStatus.WAITING,
            SignUpStatus.OFFERED,
        )
        assert without(rows_after[pk], MOVING) == without(row, MOVING)
        assert absences_after.get(pk) == absences.get(pk)


# An `action` the page never sends: anything else, several values, or none at all.
NO_ACTION = st.one_of(
    VALUE.filter(lambda value: value not in ACTIONS),
    st.lists(st.sampled_from(ACTIONS), min_size=2, max_size=2).map(lambda both: [*both, "x"]),
    st.none(),
)


def fields_for(story, action):
    """What the manage page's forms send with this `action` (None: no action field), the other
    fields a right value, anything, or missing, and arbitrary extra fields."""
    dates = list(
        Occurrence.objects.filter(event=story["target"].event).values_list("pk", flat=True)
    )
    others = list(
        Occurrence.objects.exclude(event=story["target"].event).values_list("pk", flat=True)
    )
    right = {
        "party_size": st.integers(1, 10).map(str),
        "occurrence": st.sampled_from([str(pk) for pk in dates + others]),
    }

    @st.composite
    def build(draw):
        form = draw(params("party_size", "occurrence", "csrfmiddlewaretoken"))
        form.pop("action", None)
        if action is not None:
            form["action"] = action
        for name, strategy in right.items():
            choice = draw(st.sampled_from(["right", "anything", "missing"]))
            if choice == "right":
                form[name] = draw(strategy)
            elif choice == "anything":
                form[name] = draw(VALUE)
        return form

    return build()


def manage_paths(token):
    return st.sampled_from([f"/my/{token}/", f"/en/my/{token}/"])


def send(client, story, data, encoding, query, action):
    path = data.draw(manage_paths(story["token"]), label="path")
    form = data.draw(fields_for(story, action), label="form")
    before = stored()
    response = post(client, path, form, encoding, query)
    assert response.status_code < 500
    named = action if action in ACTIONS else "another action"
    event(f"{story['state']}, {named}: status {response.status_code}")
    if story["state"] == "erased":
        assert response.status_code == 404
    elif response.status_code == 302:
        assert response["Location"].startswith(f"{path}?done=")
    else:
        assert response.status_code == 200
    return form, response, before, stored()


@given(
    data=st.data(),
    action=st.sampled_from(ACTIONS),
    encoding=ENCODING,
    query=params("done", "new"),
)
def test_each_action_changes_only_what_it_says(client, story, data, action, encoding, query):
    with rolled_back():
        form, response, before, after = send(client, story, data, encoding, query, action)
        check_only_legitimate_changes(
            before, after, target=story["target"], data=form, response=response
        )


@given(data=st.data(), action=NO_ACTION, encoding=ENCODING, query=params("done", "new"))
def test_an_action_the_page_never_sends_changes_nothing(
    client, story, data, action, encoding, query
):
    with rolled_back():
        _form, response, before, after = send(client, story, data, encoding, query, action)
        assert response.status_code != 302
        assert after == before


@given(data=st.data(), query=params("done", "new", "action", "party_size", "occurrence"))
def test_looking_at_the_manage_page_or_its_calendar_changes_nothing(client, story, data, query):
    token = story["token"]
    path = data.draw(
        st.sampled_from([f"/my/{token}/", f"/en/my/{token}/", f"/my/{token}/calendar.ics"]),
        label="path",
    )
    method = data.draw(st.sampled_from(["get", "head", "options", "put", "delete"]), label="method")
    with rolled_back():
        before = stored()
        response = getattr(client, method)(path, query)
        assert response.status_code < 500
        if story["state"] == "erased":
            assert response.status_code in (404, 405)
        assert stored() == before


TOKEN_LIKE = st.from_regex(r"\A[A-Za-z0-9_-]{20,100}\Z")


@given(
    data=st.data(),
    token=st.one_of(
        TOKEN_LIKE, NAME.filter(lambda name: "/" not in name and name not in (".", ".."))
    ),
    encoding=ENCODING,
)
def test_a_wrong_link_is_not_found_and_changes_nothing(client, story, data, token, encoding):
    """Any other token, however it looks (the real one with a letter changed too), is the same
    kind 404 and reaches nobody's sign-up."""
    real = story["token"]
    if data.draw(st.booleans(), label="near the real token"):
        index = data.draw(st.integers(0, len(real) - 1), label="index")
        token = real[:index] + ("A" if real[index] != "A" else "B") + real[index + 1 :]
    form = data.draw(fields_for(story, data.draw(st.sampled_from(ACTIONS))), label="form")
    path = f"/my/{quote(token, safe='')}/"
    with rolled_back():
        before = stored()
        assert client.get(path).status_code == 404
        assert post(client, path, form, encoding).status_code == 404
        assert client.get(f"{path}calendar.ics").status_code == 404
        assert stored() == before
