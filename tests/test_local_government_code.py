"""The publisher's 全国地方公共団体コード is a site setting whose sixth digit is checked, so that
a mistyped code never reaches the open data."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Site

from ibasho.models import (
    CentreSettings,
    local_government_check_digit,
    validate_local_government_code,
)

# Codes as 総務省 lists them: 北海道, 札幌市, 東京都, 千代田区, 茅ヶ崎市, 滋賀県, 大津市, 那覇市.
REAL_CODES = ["010006", "011002", "130001", "131016", "142077", "250007", "252018", "472018"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_the_check_digit_of_real_codes(code):
    assert local_government_check_digit(code[:5]) == code[5]
    validate_local_government_code(code)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("250008", "check_digit"),  # one digit off
        ("520007", "check_digit"),  # two digits swapped
        ("25000", "format"),
        ("2500070", "format"),
        ("２５０００７", "format"),  # full-width digits
        ("25-007", "format"),
        ("abcdef", "format"),
    ],
)
def test_a_wrong_code_gets_a_clear_message(value, code):
    with pytest.raises(ValidationError) as error:
        validate_local_government_code(value)
    assert error.value.code == code


@pytest.mark.django_db
def test_the_setting_refuses_a_wrong_code_and_keeps_a_right_one(home_page, client):
    centre = CentreSettings.for_site(Site.objects.get(is_default_site=True))
    centre.local_government_code = "250008"
    with pytest.raises(ValidationError) as error:
        centre.full_clean()
    assert "local_government_code" in error.value.message_dict
    assert "250007" in error.value.message_dict["local_government_code"][0]
    centre.local_government_code = "250007"
    centre.prefecture_name = "滋賀県"
    centre.full_clean()
    centre.save()
    body = client.get("/events/open-data/events.csv").content.decode("utf-8-sig")
    assert body.startswith("都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,")


def settings_form(client, url):
    """The settings form's fields as the browser would send them."""
    from bs4 import BeautifulSoup

    page = client.get(url)
    assert page.status_code == 200, (page.status_code, page.get("Location"))
    soup = BeautifulSoup(page.content, "html.parser")
    forms = [f for f in soup.find_all("form") if f.get("method", "").lower() == "post"]
    form = next(f for f in forms if f.find(attrs={"name": "local_government_code"}))
    fields = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name, kind = element.get("name"), element.get("type")
        if not name or kind == "submit" or (kind == "checkbox" and not element.has_attr("checked")):
            continue
        if element.name == "select":
            chosen = element.find("option", selected=True) or element.find("option")
            fields[name] = chosen.get("value", "") if chosen else ""
        elif element.name == "textarea":
            fields[name] = element.text.lstrip("\n")
        else:
            fields[name] = element.get("value", "on" if kind == "checkbox" else "")
    return fields


@pytest.mark.django_db
def test_staff_set_the_code_in_the_admin_and_a_wrong_one_is_explained(client, contacts):
    from django.contrib.auth import get_user_model

    from tests.support.staff import sign_in_staff

    staff = get_user_model().objects.create_superuser(email="staff@example.org", password="x")
    sign_in_staff(client, staff)
    url = f"/admin/settings/ibasho/centresettings/{contacts.site_id}/"
    data = {**settings_form(client, url), "local_government_code": "250008"}
    response = client.post(url, data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "250007" in text  # the message says what the code would be
    contacts.refresh_from_db()
    assert contacts.local_government_code == ""
    data.update(local_government_code="250007", prefecture_name="滋賀県")
    assert client.post(url, data).status_code == 302
    contacts.refresh_from_db()
    assert (contacts.local_government_code, contacts.prefecture_name) == ("250007", "滋賀県")
    assert contacts.contacts.count() == 2  # nothing else lost
