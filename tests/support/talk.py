"""Writing to the centre as a browser would, for the tests of talk/."""

import re

from bs4 import BeautifulSoup

WRITE_URL = "/talk/write/"
RETURN_URL = "/talk/return/"


def write_form(client, url=WRITE_URL):
    """The fields the writing form sends untouched: its one-time key and the defaults."""
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    form = soup.find("form", method="post")
    fields = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or name == "csrfmiddlewaretoken":
            continue
        if element.get("type") == "radio":
            if element.has_attr("checked"):
                fields[name] = element["value"]
        elif element.name == "select":
            fields[name] = ""
        elif element.name == "textarea":
            fields[name] = element.text
        else:
            fields[name] = element.get("value", "")
    return fields


def send(client, body="眠れない夜が続いています。", url=WRITE_URL, **fields):
    data = {**write_form(client, url), "body": body, **fields}
    return client.post(url, data)


def start(client, body="眠れない夜が続いています。", **fields):
    """Write, follow to the private page; returns (token, passphrase, page_text)."""
    response = send(client, body, **fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    location = response["Location"]
    token = re.search(r"/talk/c/([A-Za-z0-9_-]+)/", location).group(1)
    page = BeautifulSoup(client.get(location).content, "html.parser")
    passphrase = page.select_one(".talk-passphrase").get_text(strip=True)
    return token, passphrase, page.get_text(" ", strip=True)


def text(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
