"""Accounts: staff and invited peer supporters sign in with e-mail; nobody can self-register."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def test_public_sign_up_is_closed(client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    main = response.content.decode().split("<main", 1)[1]
    assert "<input" not in main
    before = get_user_model().objects.count()
    client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "a-Long-pass-123",
            "password2": "a-Long-pass-123",
        },
    )
    assert get_user_model().objects.count() == before


def test_sign_in_page_does_not_invite_people_to_register(client):
    body = client.get("/accounts/login/").content.decode()
    assert "/accounts/signup/" not in body
    assert 'name="login"' in body and 'type="email"' in body


def test_staff_sign_in_with_email(client):
    get_user_model().objects.create_user(email="Staff@Example.org", password="ibasho-demo-1")
    response = client.post(
        "/accounts/login/", {"login": "staff@example.org", "password": "ibasho-demo-1"}
    )
    assert response.status_code == 302
    # Signed in, so the page itself: a redirect here would be to the sign-in page.
    assert client.get("/accounts/email/").status_code == 200
    assert "_auth_user_id" in client.session


def test_wrong_password_gets_a_message_not_an_error(client):
    get_user_model().objects.create_user(email="staff@example.org", password="right-password")
    response = client.post("/accounts/login/", {"login": "staff@example.org", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_user_is_identified_by_email_alone():
    user = get_user_model().objects.create_user(email="Hikari@Example.ORG", password="x")
    assert user.email == "hikari@example.org"
    assert not hasattr(user, "username") or user.username is None
    assert str(user) == "hikari@example.org"
    user.display_name = "ひかり"
    assert str(user) == "ひかり"
