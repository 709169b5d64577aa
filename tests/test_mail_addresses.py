"""E-mail addresses (issue 18, point 11): only addresses mail from the internet can reach are
taken, as people in Japan type them; and nobody can fill someone's inbox through Ibasho, since
mail to one address is limited whoever typed it."""

import datetime as dt
import socket
import threading

import dns.flags
import dns.message
import dns.rcode
import dns.resolver
import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache

from bench.local import free_port
from events.messages.addresses import AddressError, address_key, clean_address
from events.models import MessageKind, OutboxMessage, SignUp
from tests.support.dates import weekly
from tests.support.pages import book, form_of

# The sign-ups happen on the tests' Tuesday morning; DNS needs a clock that runs (a resolver's
# lifetime is measured on it).
pytestmark = pytest.mark.django_db
on_tuesday_morning = pytest.mark.usefixtures("frozen_now")


def page_of(response):
    return BeautifulSoup(response.content, "html.parser")


def confirmations():
    return OutboxMessage.objects.filter(kind=MessageKind.CONFIRMATION).count()


# --- Addresses mail can reach ----------------------------------------------------------------


@on_tuesday_morning
@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("a@localhost", "途中で終わっている"),
        ("a@b", "途中で終わっている"),
        ("x@foo.local", "試験用"),
        ("hana@example.test", "試験用"),
        ("hana@mail.example", "試験用"),
        ("x@foo.invalid", "試験用"),
        ("x@[127.0.0.1]", "かっこに入った数字"),
        ("はな@example.jp", "半角の英字"),
    ],
)
def test_an_address_mail_cannot_reach_is_refused_kindly_and_nothing_is_lost(
    client, date, typed, says
):
    response = book(client, date.event, date, nickname="はな", email=typed, note="よろしく")
    assert response.status_code == 400
    page = page_of(response)
    assert says in page.get_text()
    assert "空欄のままでもかまいません" in page.get_text()  # what to do instead
    assert page.find("input", {"name": "email"})["value"] == typed
    assert page.find("input", {"name": "nickname"})["value"] == "はな"
    assert "よろしく" in page.find("textarea", {"name": "note"}).get_text()
    assert not SignUp.objects.exists()
    assert not OutboxMessage.objects.exists()


@on_tuesday_morning
def test_an_enrolment_says_a_phone_number_will_do_instead(client, make_space, make_event):
    course = make_event(
        title="家族教室",
        kind="family_class",
        space=make_space(title="家族のための相談室"),
        join_mode="enrolment",
        capacity=10,
        rules=[weekly(dt.date(2026, 12, 5), ["SA"], count=3)],
    )
    url = f"{course.url}enrol/"
    response = client.post(url, {**form_of(client, url), "nickname": "山田", "email": "a@b"})
    assert response.status_code == 400
    assert "空欄のままにして電話番号をお書きください" in page_of(response).get_text()
    assert not SignUp.objects.exists()


@on_tuesday_morning
def test_an_address_typed_full_width_is_taken_and_kept_half_width(client, date):
    typed = "\u3000ｈａｎａ．Ｙａｍａｄａ＠Ｅｘａｍｐｌｅ．ｊｐ "
    response = book(client, date.event, date, email=typed)
    assert response.status_code == 302
    # The domain lower-cased; the part before @ as typed (some servers tell cases apart).
    assert SignUp.objects.get().email == "hana.Yamada@example.jp"


@on_tuesday_morning
def test_a_domain_in_japanese_is_taken(client, date):
    assert book(client, date.event, date, email="hana@ドメイン.JP").status_code == 302
    assert SignUp.objects.get().email == "hana@ドメイン.jp"


@on_tuesday_morning
def test_lost_links_refuse_an_address_mail_cannot_reach(client):
    response = client.post("/my/", {"email": "hana@localhost"})
    assert response.status_code == 400
    assert "途中で終わっている" in page_of(response).get_text()
    assert not OutboxMessage.objects.exists()


# --- Asking DNS (IBASHO_EMAIL_CHECK_DNS) ------------------------------------------------------


@pytest.fixture
def name_server():
    """A real DNS server on a local port, answering every question with one response code."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    answer = {"rcode": dns.rcode.NXDOMAIN}
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                wire, peer = sock.recvfrom(4096)
            except TimeoutError:
                continue
            response = dns.message.make_response(dns.message.from_wire(wire))
            response.flags |= dns.flags.RA
            response.set_rcode(answer["rcode"])
            sock.sendto(response.to_wire(), peer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = sock.getsockname()[1]
    resolver.lifetime = 1
    yield resolver, answer
    stop.set()
    thread.join()
    sock.close()


def test_a_domain_dns_says_does_not_exist_is_refused(name_server):
    resolver, answer = name_server
    answer["rcode"] = dns.rcode.NXDOMAIN
    with pytest.raises(AddressError) as refused:
        clean_address("hana@typo-domain.jp", check_dns=True, dns_resolver=resolver)
    assert refused.value.code == "no_mail"


def test_a_resolver_that_fails_lets_the_address_through(name_server):
    resolver, answer = name_server
    answer["rcode"] = dns.rcode.SERVFAIL
    address = clean_address("hana@example.jp", check_dns=True, dns_resolver=resolver)
    assert address == "hana@example.jp"


def test_a_resolver_nobody_answers_lets_the_address_through():
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = free_port()  # nothing listens there
    resolver.lifetime = 0.3
    address = clean_address("hana@example.jp", check_dns=True, dns_resolver=resolver)
    assert address == "hana@example.jp"


@on_tuesday_morning
def test_without_the_setting_nothing_asks_dns(client, date, settings):
    settings.IBASHO_EMAIL_CHECK_DNS = False
    # No resolver is reachable from the tests; a domain nobody registered is taken.
    response = book(client, date.event, date, email="hana@no-such-domain-for-ibasho.jp")
    assert response.status_code == 302


# --- Mail to one address is limited -----------------------------------------------------------


@pytest.fixture
def two_an_hour(settings):
    settings.IBASHO_MAIL_RATE_PER_ADDRESS = "2/h"
    settings.IBASHO_LOST_LINKS_RATE_PER_ADDRESS = "1/h"


def manage_page(client, response):
    return page_of(client.get(response["Location"])).get_text()


@on_tuesday_morning
@pytest.mark.usefixtures("two_an_hour")
def test_beyond_the_limit_a_booking_is_taken_but_sends_no_more_mail(client, date):
    # The same address three times, typed three ways.
    first, second, third = (
        book(client, date.event, date, email=typed, wants_reminder="on", another_person="on")
        for typed in ["hana@example.jp", "HANA@Example.jp", "ｈａｎａ＠ｅｘａｍｐｌｅ．ｊｐ"]
    )
    assert [r.status_code for r in (first, second, third)] == [302, 302, 302]
    assert SignUp.objects.count() == 3
    assert confirmations() == 2
    held_back = SignUp.objects.order_by("pk").last()
    assert not held_back.messages.exists()  # no confirmation, no reminder
    assert not held_back.wants_reminder  # nor one later, when a date moves
    assert "今回は確認のメールをお送りせず" in manage_page(client, third)
    assert "今回は確認のメールをお送りせず" not in manage_page(client, first)


@on_tuesday_morning
@pytest.mark.usefixtures("two_an_hour")
def test_another_address_is_not_held_back(client, date):
    for _ in range(3):
        book(client, date.event, date, email="hana@example.jp", another_person="on")
    response = book(client, date.event, date, email="yu@example.jp", another_person="on")
    assert confirmations() == 3
    assert "今回は確認のメールをお送りせず" not in manage_page(client, response)


@on_tuesday_morning
@pytest.mark.usefixtures("two_an_hour")
def test_lost_links_answer_the_same_when_held_back(client, date):
    book(client, date.event, date, email="hana@example.jp")
    client.get("/my/")
    answers = [
        client.post("/my/", {"email": typed})
        for typed in ["hana@example.jp", "Hana@example.jp", "nobody@example.jp"]
    ]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].content == answers[1].content == answers[2].content
    # One for hana (the second was held back), one for an address nobody signed up with.
    assert OutboxMessage.objects.filter(kind=MessageKind.LOST_LINKS).count() == 2


@on_tuesday_morning
@pytest.mark.usefixtures("two_an_hour")
def test_when_the_cache_is_down_nothing_is_counted_and_the_mail_goes(client, date, cache_down):
    for _ in range(3):
        book(client, date.event, date, email="hana@example.jp", another_person="on")
    assert confirmations() == 3


def cache_entries():
    """Every key in the cache with its value, as text: local memory or Redis."""
    if hasattr(cache, "_cache"):  # local memory: values are pickled bytes
        return [(key, repr(value)) for key, value in list(cache._cache.items())]
    return [(key, repr(cache.get(key))) for key in cache.keys("*")]


@on_tuesday_morning
def test_no_address_is_kept_in_the_cache(client, date):
    book(client, date.event, date, email="hana.yamada@example.jp")
    client.post("/my/", {"email": "hana.yamada@example.jp"})
    entries = cache_entries()
    assert entries  # the counters are there...
    for key, value in entries:
        assert "hana" not in key.lower() and "hana" not in value.lower()
    # ...under a keyed hash, the same for every way of typing the address.
    key = address_key("hana.yamada@example.jp")
    assert "hana" not in key and "example" not in key
    assert (
        key
        == address_key("Hana.Yamada@Example.JP")
        == address_key("ｈａｎａ.ｙａｍａｄａ＠example.jp")
    )
