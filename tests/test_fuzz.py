"""Fuzzing every public page and form (issue 18): whatever strings, numbers and Unicode arrive in
the query string or the fields, the answer is never a server error, and nothing is stored that
should not be. The manage page, in each state of a sign-up, is in test_fuzz_manage.py.

Each test makes its site once; each example runs in a savepoint that is rolled back
(tests/support/fuzz.py), so every example starts from the same site and its changes can be
compared with it exactly."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from hypothesis import event, given
from hypothesis import strategies as st

from events.messages.models import OutboxMessage
from events.models import Occurrence, SignUp
from events.signups.models import ManageToken
from spaces.directory import Organisation
from tests.support.dates import at, weekly
from tests.support.fuzz import (
    ENCODING,
    HEADERS,
    NAME,
    VALUE,
    fields,
    hidden_characters,
    params,
    post,
    rolled_back,
    sent,
    typed,
)
from tests.support.pages import form_of, in_english, signup_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now", "generous_limits")]

# Every query parameter any public page reads, and some it might be expected to.
KNOWN_PARAMETERS = (
    "q",  # /search/
    "view",
    "date",
    "kind",
    "audience",
    "area",
    "organisation",
    "space",
    "page",
    "discreet",
    "feature",
    "open",
    "online",
    "lang",
    "done",
    "new",
    "next",
)


@pytest.fixture
def generous_limits(settings):
    """Many examples come from one address within a second: the rate limits (tested in
    test_signup_pages.py) would answer most of them with a 429 before the form is read."""
    settings.IBASHO_SIGNUP_RATE_PER_IP = "100000/h"
    settings.IBASHO_SIGNUP_RATE_PER_DATE = "100000/h"


@pytest.fixture
def site(home_page, en_locale, make_space, make_event, make_article, areas):
    """A small site with one of everything public: a space with an area and an organisation,
    events of each way to join (a date to book, a date for "I might come", a course to enrol
    in, one to just come to), an article, and English translations."""
    region, _town, _other = areas
    organisation = Organisation.objects.create(
        name="みずうみ家族会", kind="family_association", locale=region.locale
    )
    space = make_space(title="湖南ほっとスペース", area=region, organisation=organisation)
    tuesdays = [weekly(dt.date(2026, 12, 1), ["TU"])]
    booking = make_event(
        title="火曜の午後", space=space, join_mode="booking", capacity=2, rules=tuesdays
    )
    maybe = make_event(title="行くかも", space=space, join_mode="maybe", rules=tuesdays)
    course = make_event(
        title="家族教室",
        kind="family_class",
        space=space,
        join_mode="enrolment",
        capacity=3,
        rules=[weekly(dt.date(2026, 12, 5), ["SA"], count=3)],
    )
    just_come = make_event(title="ふらっと", space=space, rules=tuesdays)
    article = make_article()
    english_booking = in_english(booking, en_locale)
    in_english(space, en_locale)
    in_english(article, en_locale)
    booking_date = Occurrence.objects.get(event=booking, start=at(2026, 12, 8, 13))
    maybe_date = Occurrence.objects.get(event=maybe, start=at(2026, 12, 8, 13))
    return {
        "booking": booking,
        "booking_date": booking_date,
        "english_booking": english_booking,
        "maybe": maybe,
        "maybe_date": maybe_date,
        "course": course,
        "just_come": just_come,
        "space": space,
        "article": article,
    }


def public_paths(site):
    """Every public address of the site, in both languages."""
    booking, date = site["booking"], site["booking_date"]
    paths = [
        "/",
        "/spaces/",
        site["space"].url,
        "/events/",
        booking.url,
        site["maybe"].url,
        site["course"].url,
        site["just_come"].url,
        signup_url(booking, date),
        signup_url(site["maybe"], site["maybe_date"]),
        f"{site['course'].url}enrol/",
        # A date of another event, and a course's enrolment page on an event that has none.
        signup_url(booking, site["maybe_date"]),
        f"{booking.url}enrol/",
        # Dates that cannot exist: past the largest key a database column holds.
        f"{booking.url}signup/{2**63}/",
        f"{booking.url}signup/{10**30}/",
        "/events/feed.ics",
        "/learn/",
        site["article"].url,
        "/search/",
        "/my/",
        "/healthz",
        "/healthz/live",
        "/accounts/login/",
        "/accounts/password/reset/",
        "/no-such-page/",
    ]
    return paths + [f"/en{path}" for path in paths if not path.startswith("/healthz")]


def everything_stored():
    """What a request that only reads must leave as it was."""
    return {
        "signups": list(SignUp.objects.order_by("pk").values()),
        "tokens": ManageToken.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "users": get_user_model().objects.count(),
    }


READING_METHODS = st.sampled_from(["get", "get", "get", "head", "options", "trace"])


@given(data=st.data(), query=params(*KNOWN_PARAMETERS), method=READING_METHODS, headers=HEADERS)
def test_every_public_page_answers_any_query_without_an_error(
    client, site, data, query, method, headers
):
    path = data.draw(st.sampled_from(public_paths(site)), label="path")
    with rolled_back():
        before = everything_stored()
        response = getattr(client, method)(path, query, **headers)
        assert response.status_code < 500
        event(f"status {response.status_code}")
        assert everything_stored() == before


@given(
    data=st.data(),
    query=st.dictionaries(st.sampled_from(KNOWN_PARAMETERS), VALUE, min_size=1, max_size=4),
)
def test_the_listings_and_feeds_refuse_a_filter_kindly(client, site, data, query):
    """The pages with filters, each filter given something: the page or a kind 400."""
    path = data.draw(
        st.sampled_from(["/spaces/", "/events/", "/events/feed.ics", "/learn/", "/en/events/"])
    )
    with rolled_back():
        response = client.get(path, query)
        assert response.status_code in (200, 400)


@given(segment=NAME.filter(lambda name: "/" not in name and name not in (".", "..")))
def test_any_address_under_the_site_is_a_page_or_not_found(client, site, segment):
    with rolled_back():
        for path in [f"/{quote(segment)}/", f"/events/{quote(segment)}/", f"/en/{quote(segment)}/"]:
            assert client.get(path).status_code < 500


# --- The sign-up forms -----------------------------------------------------------------------


def check_new_signup(signup, data, *, text_fields):
    """A sign-up made from fuzzed fields keeps what the person typed, cleaned only as the form
    says, and nothing a printed list could hide."""
    for name in text_fields:
        stored = getattr(signup, name)
        allowed = "\n\t" if name == "note" else ""
        assert hidden_characters(stored, allowed=allowed) == [], name
        if name == "note":
            typed_value = typed(sent(data, name).replace("\r\n", "\n").replace("\r", "\n"))
        else:
            typed_value = typed(sent(data, name))
        assert stored == typed_value, name
        assert len(stored) <= SignUp._meta.get_field(name).max_length
    assert 1 <= signup.party_size <= 10
    assert len(signup.email) <= 254 and (signup.email == "" or "@" in signup.email)
    assert signup.wants_reminder is False or signup.email


def post_form(client, path, form, encoding, query, headers=None):
    """POST the form and say what it made: the response, and the sign-ups that are new."""
    before = set(SignUp.objects.values_list("pk", flat=True))
    outbox_before = OutboxMessage.objects.count()
    response = post(client, path, form, encoding, query, headers)
    assert response.status_code < 500
    event(f"status {response.status_code}")  # --hypothesis-show-statistics shows the spread
    new = list(SignUp.objects.exclude(pk__in=before))
    if response.status_code == 302:
        assert response["Location"].startswith(("/my/", "/en/my/"))
        assert len(new) <= 1  # none when the form's key was that of an earlier sign-up
    else:
        assert response.status_code in (400, 409)
        assert new == []
        assert OutboxMessage.objects.count() == outbox_before
    return response, new


BOOKING_FIELDS = ("nickname", "party_size", "email", "wants_reminder", "note", "another_person")


@given(data=st.data(), encoding=ENCODING, query=params("new", "next"), headers=HEADERS)
def test_the_booking_form_takes_only_what_it_should(client, site, data, encoding, query, headers):
    booking, date = site["booking"], site["booking_date"]
    english = data.draw(st.booleans(), label="english")
    path = signup_url(booking, date)
    if english:
        path = signup_url(site["english_booking"], date)
    valid = {**form_of(client, path), "nickname": "ゆう", "email": "yu@example.org"}
    form = data.draw(fields(valid, extra=BOOKING_FIELDS), label="form")
    with rolled_back():
        _response, new = post_form(client, path, form, encoding, query, headers)
        for signup in new:
            check_new_signup(signup, form, text_fields=["nickname", "note"])
            assert signup.occurrence == date and signup.kind == "booking"
            assert signup.language == ("en" if english else "ja")


@given(data=st.data(), encoding=ENCODING)
def test_i_might_come_takes_nothing_personal(client, site, data, encoding):
    event, date = site["maybe"], site["maybe_date"]
    path = signup_url(event, date)
    form = data.draw(fields(form_of(client, path), extra=BOOKING_FIELDS), label="form")
    with rolled_back():
        _response, new = post_form(client, path, form, encoding, None)
        for signup in new:
            assert signup.kind == "maybe" and signup.occurrence == date
            assert (signup.nickname, signup.email, signup.note, signup.phone) == ("", "", "", "")
            assert signup.party_size == 1


ENROLMENT_FIELDS = (
    "nickname",
    "relationship",
    "email",
    "phone",
    "party_size",
    "wants_reminder",
    "note",
)


@given(data=st.data(), encoding=ENCODING)
def test_the_enrolment_form_takes_only_what_it_should(client, site, data, encoding):
    course = site["course"]
    path = f"{course.url}enrol/"
    valid = {
        **form_of(client, path),
        "nickname": "山田",
        "relationship": "母",
        "phone": "03-1234-5678",
    }
    form = data.draw(fields(valid, extra=ENROLMENT_FIELDS), label="form")
    with rolled_back():
        _response, new = post_form(client, path, form, encoding, None)
        for signup in new:
            check_new_signup(
                signup, form, text_fields=["nickname", "relationship", "phone", "note"]
            )
            assert signup.kind == "enrolment" and signup.event_id == course.pk
            assert signup.nickname  # required
            assert signup.email or signup.phone_digits  # one way to reach the family
            assert len(signup.phone_digits) <= 16


@given(
    data=st.data(),
    encoding=ENCODING,
    path=st.sampled_from(["/my/", "/en/my/"]),
)
def test_send_me_my_links_queues_one_message_for_an_address_and_nothing_else(
    client, site, data, encoding, path
):
    form = data.draw(fields({"email": "yu@example.org"}, extra=("email",)), label="form")
    with rolled_back():
        before = everything_stored()
        response = post(client, path, form, encoding)
        assert response.status_code in (200, 400)
        after = everything_stored()
        queued = after.pop("outbox") - before.pop("outbox")
        assert after == before
        if response.status_code == 200:
            assert queued == 1
            message = OutboxMessage.objects.latest("pk")
            assert message.to_address == typed(sent(form, "email"))
            assert "@" in message.to_address and len(message.to_address) <= 254
        else:
            assert queued == 0


@given(
    data=st.data(),
    encoding=ENCODING,
    path=st.sampled_from(["/accounts/login/", "/en/accounts/login/"]),
)
def test_the_login_form_lets_nobody_in_and_makes_no_account(client, site, data, encoding, path):
    form = data.draw(
        fields(
            {"login": "staff@example.org", "password": "x"}, extra=("login", "password", "remember")
        ),
        label="form",
    )
    with rolled_back():
        before = everything_stored()
        response = post(client, path, form, encoding)
        assert response.status_code < 500
        assert "_auth_user_id" not in client.session
        assert everything_stored() == before


@given(data=st.data(), encoding=ENCODING, method=st.sampled_from(["put", "patch", "delete"]))
def test_other_methods_on_the_forms_change_nothing(client, site, data, encoding, method):
    booking, date = site["booking"], site["booking_date"]
    path = data.draw(
        st.sampled_from([signup_url(booking, date), f"{site['course'].url}enrol/", "/my/"])
    )
    form = data.draw(fields(form_of(client, signup_url(booking, date)), extra=BOOKING_FIELDS))
    with rolled_back():
        before = everything_stored()
        response = getattr(client, method)(path, form, content_type="application/json")
        assert response.status_code < 500
        assert everything_stored() == before


# Bodies no form makes: bytes of any kind under any content type, a multipart body with a
# boundary that does not match, or none.
CONTENT_TYPES = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=iso-8859-1",
        "multipart/form-data; boundary=BoUnDaRy",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "text/plain",
        "application/json",
        "",
    ]
)
MULTIPART_PART = st.builds(
    lambda name, value: (
        b'--BoUnDaRy\r\nContent-Disposition: form-data; name="'
        + name
        + b'"\r\n\r\n'
        + value
        + b"\r\n"
    ),
    st.binary(max_size=20),
    st.binary(max_size=200),
)
RAW_BODY = st.one_of(
    st.binary(max_size=2000),
    st.lists(MULTIPART_PART, max_size=4).map(lambda parts: b"".join(parts) + b"--BoUnDaRy--\r\n"),
)


@given(data=st.data(), body=RAW_BODY, content_type=CONTENT_TYPES)
def test_a_body_no_form_makes_changes_nothing(client, site, data, body, content_type):
    booking, date = site["booking"], site["booking_date"]
    path = data.draw(
        st.sampled_from(
            [
                signup_url(booking, date),
                signup_url(site["maybe"], site["maybe_date"]),
                f"{site['course'].url}enrol/",
                "/my/",
                "/accounts/login/",
            ]
        ),
        label="path",
    )
    with rolled_back():
        before = everything_stored()
        response = client.generic("POST", path, body, content_type=content_type)
        assert response.status_code < 500
        event(f"status {response.status_code}")
        assert everything_stored() == before
