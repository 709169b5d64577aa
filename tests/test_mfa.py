"""Staff must use a second factor: everyone who may enter the Wagtail admin is taken to set one
up, or to pass it, before any page; peer supporters may add one. Sign-in pages never tell
whether an address has an account; failed attempts are limited; a deactivated account is signed
out everywhere at once."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from bs4 import BeautifulSoup
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from tests.support.staff import give_totp, sign_in_staff
from tests.support.totp import totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Phrase-9"
STAFF_PAGES = ["/admin/", "/admin/pages/", "/admin/invitations/", "/admin/users/", "/"]


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_superuser(email="staff@example.org", password=PASSWORD)


@pytest.fixture
def peer(django_user_model):
    return django_user_model.objects.create_user(email="peer@example.org", password=PASSWORD)


def sign_in(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_staff_without_a_second_factor_is_taken_to_set_one_up(client, staff_user):
    assert sign_in(client, "staff@example.org").status_code == 302
    for url in STAFF_PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/accounts/2fa/", url
    setup = client.get("/accounts/2fa/")
    assert setup.status_code == 200
    assert "2つ目の認証が必要です" in setup.content.decode()  # says why


def test_an_admin_user_who_is_not_staff_needs_one_too(client, django_user_model):
    from django.contrib.auth.models import Group, Permission

    editors = Group.objects.create(name="editors")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    user = django_user_model.objects.create_user(email="ed@example.org", password=PASSWORD)
    user.groups.add(editors)
    sign_in(client, "ed@example.org")
    assert client.get("/admin/")["Location"] == "/accounts/2fa/"


# allauth tells of the new factor after the commit; the serialized rollback puts back what the
# flush removes, as the other transactional tests need.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_setting_up_an_authenticator_app_opens_the_admin(client, staff_user):
    sign_in(client, "staff@example.org")
    # Adding a factor asks for the password again (allauth's reauthentication), as it should.
    activate = client.get("/accounts/2fa/totp/activate/")
    assert (
        activate["Location"]
        == "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    )
    client.post(activate["Location"], {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert secret in page.content.decode()  # shown for typing into an app, beside the QR code
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    assert Authenticator.objects.filter(user=staff_user, type="recovery_codes").exists()
    assert client.get("/accounts/2fa/recovery-codes/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_staff_sign_in_asks_for_the_code_and_then_opens_the_admin(client, staff_user):
    secret = give_totp(staff_user)
    response = sign_in(client, "staff@example.org")
    assert response["Location"] == "/accounts/2fa/authenticate/"
    # Half signed in: nothing is open yet.
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/")["Location"].startswith("/accounts/login/")
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert (
        client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)}).status_code == 302
    )
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_works_once(client, staff_user):
    give_totp(staff_user)
    code = RecoveryCodes.activate(staff_user).get_unused_codes()[0]
    sign_in(client, "staff@example.org")
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post("/accounts/logout/")

    again = Client()
    sign_in(again, "staff@example.org")
    assert again.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200
    assert again.get("/admin/").status_code == 302


def test_wagtails_own_sign_in_cannot_step_around_the_second_factor(client, staff_user):
    give_totp(staff_user)
    page = client.get("/admin/login/?next=/admin/pages/")
    assert page.status_code == 302
    assert page["Location"] == "/accounts/login/?next=/admin/pages/"
    client.post("/admin/login/", {"username": "staff@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/accounts/login/")


def test_a_session_signed_in_without_the_factor_must_pass_it(client, staff_user):
    """Signed in some other way (or before the authenticator was added): asked for a code."""
    secret = give_totp(staff_user)
    client.force_login(staff_user)
    response = client.get("/admin/pages/")
    assert response["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fadmin%2Fpages%2F"
    passed = client.post(
        "/accounts/2fa/reauthenticate/", {"code": totp_code(secret), "next": "/admin/pages/"}
    )
    assert passed["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/").status_code == 200


def test_the_test_helper_signs_staff_in_as_a_real_login_would(client, staff_user):
    sign_in_staff(client, staff_user)
    assert client.get("/admin/").status_code == 200


def test_peer_supporters_need_no_second_factor_but_may_add_one(client, peer):
    sign_in(client, "peer@example.org")
    assert client.get("/accounts/email/").status_code == 200
    assert client.get("/accounts/2fa/").status_code == 200
    activate = client.get("/accounts/2fa/totp/activate/")
    assert activate["Location"].startswith("/accounts/reauthenticate/")  # the password again
    confirmed = client.post(activate["Location"], {"password": PASSWORD})
    assert confirmed["Location"] == "/accounts/2fa/totp/activate/"
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    # ... and a peer never reaches the Wagtail admin.
    assert client.get("/admin/").status_code == 302


def test_a_peer_with_an_authenticator_is_asked_for_it(client, peer):
    give_totp(peer)
    assert sign_in(client, "peer@example.org")["Location"] == "/accounts/2fa/authenticate/"


def test_the_code_fields_let_password_managers_and_pasting_work(client, staff_user):
    give_totp(staff_user)
    login = client.get("/accounts/login/").content.decode()
    assert 'autocomplete="email"' in login or 'autocomplete="username"' in login
    assert 'autocomplete="current-password"' in login
    sign_in(client, "staff@example.org")
    code_page = client.get("/accounts/2fa/authenticate/").content.decode()
    assert 'autocomplete="one-time-code"' in code_page
    for body in (login, code_page):
        assert "onpaste" not in body and "oncopy" not in body


def _form_part(response):
    body = response.content.decode()
    main = body.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


def test_a_failed_sign_in_says_the_same_for_known_and_unknown_addresses(client, staff_user):
    known = client.post("/accounts/login/", {"login": "staff@example.org", "password": "nope"})
    unknown = client.post("/accounts/login/", {"login": "nobody@example.org", "password": "nope"})
    assert known.status_code == unknown.status_code == 200
    assert _form_part(known).replace("staff@example.org", "X") == _form_part(unknown).replace(
        "nobody@example.org", "X"
    )


def test_password_reset_says_the_same_for_known_and_unknown_addresses(client, staff_user):
    known = client.post("/accounts/password/reset/", {"email": "staff@example.org"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    done = client.get(known["Location"])
    assert done.status_code == 200
    assert "nobody@example.org" not in done.content.decode()
    # Only the account's owner gets a link to choose a new password.
    links = [m for m in mail.outbox if "/password/reset/key/" in m.body]
    assert [m.to for m in links] == [["staff@example.org"]]


def test_failed_sign_ins_are_limited(client, staff_user):
    for _ in range(5):
        assert sign_in(client, "staff@example.org", "wrong").status_code == 200
    # Even the right password is refused for a while, and the page says why.
    limited = client.post(
        "/en/accounts/login/", {"login": "staff@example.org", "password": PASSWORD}
    )
    assert limited.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in limited.content.decode()


def test_sign_ins_from_one_address_are_limited(client, staff_user):
    for _ in range(30):
        sign_in(client, "nobody@example.org", "wrong")
    response = sign_in(client, "staff@example.org", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_wrong_codes_are_limited(client, staff_user):
    secret = give_totp(staff_user)
    sign_in(client, "staff@example.org")
    for _ in range(5):
        client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert client.get("/admin/").status_code == 302


def form_fields(response):
    """What a browser would send back from the page's main form, as it stands."""
    soup = BeautifulSoup(response.content, "html.parser")
    form = next(f for f in soup.find_all("form") if f.find(attrs={"name": "email"}))
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") == "submit":
            continue
        if field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        elif field.name == "select":
            data[name] = [
                o.get("value") for o in field.find_all("option") if o.has_attr("selected")
            ]
        elif field.name == "textarea":
            data[name] = field.text
        else:
            data[name] = field.get("value", "")
    return data


def test_deactivating_an_account_ends_its_sessions_at_once(client, peer, staff_user):
    other_browser = Client()
    sign_in(client, "peer@example.org")
    sign_in(other_browser, "peer@example.org")
    old_cookie = client.cookies["sessionid"].value
    assert client.get("/accounts/email/").status_code == 200

    admin = Client()
    sign_in_staff(admin, staff_user)
    edit_url = f"/admin/users/edit/{peer.pk}/"
    fields = form_fields(admin.get(edit_url))
    fields.pop("is_active", None)  # staff untick "active"
    fields.update(first_name="Hikari", last_name="P")  # Wagtail's form asks for these
    assert admin.post(edit_url, fields).status_code == 302
    peer.refresh_from_db()
    assert not peer.is_active

    assert not Session.objects.filter(session_key=old_cookie).exists()
    assert Session.objects.filter(session_key=admin.cookies["sessionid"].value).exists()
    stolen = Client()
    stolen.cookies["sessionid"] = old_cookie
    assert stolen.get("/accounts/email/").status_code == 302
    assert other_browser.get("/accounts/email/").status_code == 302


def test_a_security_key_can_be_the_second_factor_instead(client, staff_user):
    sign_in(client, "staff@example.org")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/webauthn/add/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="mfa_webauthn_add"' in body and "mfa/js/webauthn.js" in body
    # The browser is allowed to offer keys and passkeys to this site (and no other).
    policy = page["Permissions-Policy"]
    assert "publickey-credentials-create=(self)" in policy
    assert "publickey-credentials-get=(self)" in policy
