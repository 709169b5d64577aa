"""Browsing leaves no trace: no cookies, nothing loaded from another host, no inline script."""

import re
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

pytestmark = pytest.mark.django_db

# The kind 404 page is a public page too: it must leave no trace either.
MISSING_PAGE = "/learn/no-such-page/"
PUBLIC_PAGES = [
    "/",
    "/learn/",
    "/learn/?audience=families",
    "/learn/for-you/",
    "/learn/for-families/",
    "/en/",
    "/en/learn/",
    "/en/learn/for-neighbours/",
    "/talk/",
    "/en/talk/",
    "/events/print/?space=hidamari",
    "/en/events/print/",
    "/events/open-data/",
    MISSING_PAGE,
]

# Attributes through which a page makes the browser fetch something by itself.
FETCHING_ATTRIBUTES = {
    "link": ["href"],
    "script": ["src"],
    "img": ["src", "srcset"],
    "source": ["src", "srcset"],
    "iframe": ["src"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "object": ["data"],
    "embed": ["src"],
    "form": ["action"],
    "input": ["src"],
}


def fetched_urls(html):
    page = BeautifulSoup(html, "html.parser")
    for tag, attributes in FETCHING_ATTRIBUTES.items():
        for element in page.find_all(tag):
            for attribute in attributes:
                value = element.get(attribute)
                if not value:
                    continue
                for candidate in value.split(","):
                    yield candidate.strip().split(" ")[0]
    for style in page.find_all(style=True):
        yield from re.findall(r"url\(['\"]?([^'\")]+)", style["style"])


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_anonymous_visit_sets_no_cookie(client, demo, url):
    response = client.get(url)
    # The demo has every page of the list but the missing one: a 404 for any other would be a
    # page gone, not a page without cookies.
    assert response.status_code == (404 if url == MISSING_PAGE else 200)
    assert response.cookies == {}, dict(response.cookies)
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_page_loads_nothing_from_another_host(client, demo, url):
    response = client.get(url)
    urls = list(fetched_urls(response.content))
    assert any(u.startswith(settings.STATIC_URL) for u in urls)  # the stylesheet, at least
    foreign = [u for u in urls if urlsplit(u).netloc or u.startswith("//")]
    assert foreign == []


@pytest.mark.parametrize("name", ["ibasho.css", "print.css"])
def test_stylesheet_loads_no_web_font_or_remote_asset(name):
    css = (settings.BASE_DIR / "ibasho" / "static" / "css" / name).read_text()
    assert "@import" not in css
    assert "@font-face" not in css
    assert re.findall(r"url\(\s*['\"]?(?:https?:)?//", css) == []


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_page_runs_no_inline_script(client, demo, url):
    page = BeautifulSoup(client.get(url).content, "html.parser")
    inline = [s for s in page.find_all("script") if not s.get("src")]
    executable = [s for s in inline if s.get("type") not in ("application/ld+json",)]
    assert executable == []
    assert page.find(attrs={"onclick": True}) is None
    assert page.find(attrs={"onload": True}) is None


def test_security_headers_on_public_pages(client, demo):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in csp.split(";") if part.strip()
    )
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp
    assert directives["frame-ancestors"] == ["'none'"]
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", ["/", "/en/learn/", MISSING_PAGE, "/my/", "/admin/login/"])
def test_every_page_denies_browser_features_ibasho_never_uses(client, demo, url):
    response = client.get(url)
    policy = dict(
        part.strip().split("=", 1) for part in response.headers["Permissions-Policy"].split(",")
    )
    for feature in ["camera", "microphone", "geolocation", "payment", "interest-cohort", "usb"]:
        assert policy[feature] == "()", (url, feature)
    # What the staff admin needs stays allowed on the site's own pages.
    assert "clipboard-write" not in policy and "fullscreen" not in policy


def test_the_csrf_cookie_ends_with_the_browser_session(client, demo):
    response = client.get("/my/")  # a page with a form sets it
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie.value and not cookie["max-age"] and not cookie["expires"]
    assert BeautifulSoup(response.content, "html.parser").find(
        "input", {"name": "csrfmiddlewaretoken"}
    )
