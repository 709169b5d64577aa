"""Invitations: staff invite a peer supporter by e-mail from the admin; the link lets them
choose a password once, until it expires; it can be withdrawn and sent again."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from events.messages import delivery
from events.messages.models import OutboxMessage
from peers import services
from peers.models import Invitation
from tests.support.staff import sign_in_staff

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Phrase-9"


@pytest.fixture
def staff(client, django_user_model):
    return sign_in_staff(client, django_user_model.objects.create_superuser(email="s@example.org"))


def invite(client, email="peer@example.org", language="ja"):
    response = client.post("/admin/invitations/", {"email": email, "language": language})
    assert response.status_code == 302
    delivery.send_due()
    return Invitation.objects.get(email=email)


def link_path(message):
    return re.search(r"https?://[^/\s]+(/\S*invitation/\S+/)", message.body).group(1)


def last_link():
    return link_path(mail.outbox[-1])


def accept(client, path, password=PASSWORD, **fields):
    return client.post(
        path, {"password1": password, "password2": password, "display_name": "ひかり", **fields}
    )


def test_invite_accept_set_password_and_sign_in(client, staff):
    page = client.get("/admin/invitations/")
    assert page.status_code == 200 and 'name="email"' in page.content.decode()
    invitation = invite(client)
    assert OutboxMessage.objects.filter(kind="invitation").count() == 1
    (message,) = mail.outbox
    assert message.to == ["peer@example.org"]
    path = link_path(message)
    # The raw token is nowhere in the database: only its hash.
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 43 and invitation.token_hash != token
    assert not Invitation.objects.filter(token_hash=token).exists()

    client.logout()
    form = client.get(path)
    assert form.status_code == 200
    body = form.content.decode()
    assert 'autocomplete="new-password"' in body and 'autocomplete="username"' in body
    assert "onpaste" not in body
    response = accept(client, path)
    assert response.status_code == 302 and response["Location"].endswith("/accounts/login/")
    user = get_user_model().objects.get(email="peer@example.org")
    assert not user.is_staff and user.display_name == "ひかり" and user.check_password(PASSWORD)
    invitation.refresh_from_db()
    assert invitation.accepted_at and invitation.user == user

    signed_in = client.post("/accounts/login/", {"login": "peer@example.org", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.get("/accounts/email/").status_code == 200


def test_a_used_link_gets_a_kind_page(client, staff):
    invite(client)
    path = last_link()
    client.logout()
    accept(client, path)
    again = client.get(path)
    assert again.status_code == 410
    assert "does not work" in again.content.decode() or "使えません" in again.content.decode()
    assert accept(client, path, password="another-Phrase-8").status_code == 410
    user = get_user_model().objects.get(email="peer@example.org")
    assert user.check_password(PASSWORD)


def test_an_expired_link_gets_a_kind_page(client, staff, settings):
    settings.IBASHO_INVITATION_DAYS = 7
    invite(client)
    path = last_link()
    client.logout()
    with time_machine.travel(timezone.now() + dt.timedelta(days=7, minutes=1)):
        response = client.get(path)
        assert response.status_code == 410
        assert accept(client, path).status_code == 410
    assert not get_user_model().objects.filter(email="peer@example.org").exists()


def test_a_withdrawn_link_stops_working(client, staff):
    invitation = invite(client)
    path = last_link()
    response = client.post(f"/admin/invitations/{invitation.pk}/withdraw/")
    assert response.status_code == 302
    client.logout()
    assert client.get(path).status_code == 410
    assert accept(client, path).status_code == 410
    assert not get_user_model().objects.filter(email="peer@example.org").exists()


def test_resending_kills_the_old_link_and_the_new_one_works(client, staff):
    invitation = invite(client)
    old = last_link()
    with time_machine.travel(timezone.now() + dt.timedelta(days=6)):
        assert client.post(f"/admin/invitations/{invitation.pk}/resend/").status_code == 302
        delivery.send_due()
    new = last_link()
    assert len(mail.outbox) == 2 and new != old
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + dt.timedelta(days=6)  # a full week again
    client.logout()
    assert client.get(old).status_code == 404  # no invitation has this link any more
    assert client.get(new).status_code == 200
    assert accept(client, new).status_code == 302


def test_an_expired_invitation_can_be_sent_again(client, staff):
    invitation = invite(client)
    with time_machine.travel(timezone.now() + dt.timedelta(days=10)):
        assert client.get(last_link()).status_code == 410
        assert client.post(f"/admin/invitations/{invitation.pk}/resend/").status_code == 302
        delivery.send_due()
        client.logout()
        assert client.get(last_link()).status_code == 200


@pytest.mark.parametrize(
    "token",
    ["x", "A" * 43, "not-a-token-but-long-enough-to-look-like-one-0123", "%00" * 20],
)
def test_a_forged_link_gets_a_kind_404(client, token):
    response = client.get(f"/peers/invitation/{token}/")
    assert response.status_code == 404
    assert "<form" not in response.content.decode().split("<main", 1)[1]


def test_a_withdrawn_invitation_is_not_mailed(client, staff):
    client.post("/admin/invitations/", {"email": "peer@example.org", "language": "en"})
    invitation = Invitation.objects.get()
    services.withdraw_invitation(invitation_id=invitation.pk)
    delivery.send_due()
    assert mail.outbox == []


def test_the_invitation_speaks_the_chosen_language(client, staff):
    invite(client, language="en")
    assert last_link().startswith("/en/peers/invitation/")
    assert "invitation" in mail.outbox[-1].subject.lower()


def test_an_address_with_an_account_or_an_invitation_is_refused_kindly(client, staff):
    page = client.post("/admin/invitations/", {"email": "s@example.org", "language": "ja"})
    assert page.status_code == 200 and Invitation.objects.count() == 0
    invite(client)
    page = client.post("/admin/invitations/", {"email": "PEER@example.org", "language": "ja"})
    assert page.status_code == 200 and Invitation.objects.count() == 1


def test_the_password_must_be_good_and_typed_twice(client, staff):
    invite(client)
    path = last_link()
    client.logout()
    assert accept(client, path, password="123").status_code == 200
    mismatch = client.post(path, {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert mismatch.status_code == 200
    assert not get_user_model().objects.filter(email="peer@example.org").exists()
    assert client.get(path).status_code == 200  # the link still works after a mistake


def test_peers_and_visitors_cannot_invite(client, django_user_model):
    assert client.get("/admin/invitations/").status_code == 302  # to the sign-in page
    client.force_login(django_user_model.objects.create_user(email="peer@example.org"))
    for url in ("/admin/invitations/", "/admin/invitations/1/withdraw/"):
        assert client.post(url, {"email": "x@example.org", "language": "ja"}).status_code in (
            302,
            403,
        )
    assert Invitation.objects.count() == 0


def test_public_sign_up_stays_closed(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert not get_user_model().objects.filter(email="new@example.org").exists()
