"""`/api/v1/`: the spaces and their coming dates as JSON, described by an OpenAPI document that
names every path; nothing about the people who come and no hidden address in any answer; a bad
parameter gets a 400 in JSON, never a 500."""

import datetime as dt
import json

import pytest
from django.urls import get_resolver

from events.models import Occurrence
from events.signups import services
from events.signups.tokens import new_form_key
from tests.support.dates import at, weekly

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

SECRETS = ("ひみつのゆう", "yu-private@example.org", "090-1111-2222", "秘密")


@pytest.fixture
def schedule(make_space, make_event, areas, contacts):
    """A public space on Tuesdays and a hidden one on Saturdays, someone booked there."""
    region, town, _other = areas
    open_space = make_space(
        title="居場所ひだまり",
        slug="hidamari",
        area=town,
        address="さくら市本町1-2-3",
        access_station="JRさくら駅から歩いて5分",
    )
    hidden = make_space(
        title="北のへや",
        slug="kita",
        area=region,
        address="湖南市秘密町9-9",
        access_station="秘密駅",
        finding_the_door="秘密の裏口から",
        location_policy="after_signup",
    )
    make_event(
        title="火曜の居場所",
        title_kana="カヨウノイバショ",
        slug="tuesday",
        space=open_space,
        rules=[weekly(dt.date(2026, 12, 1), ["TU"], count=3)],
    )
    family = make_event(
        title="土曜の家族会",
        slug="saturday",
        kind="family_group",
        space=hidden,
        join_mode="booking",
        capacity=8,
        rules=[weekly(dt.date(2026, 12, 1), ["SA"], start="10:00", end="12:00", count=2)],
    )
    services.book_place(
        occurrence=Occurrence.objects.get(event=family, start=at(2026, 12, 5, 10)),
        form_key=new_form_key(),
        nickname="ひみつのゆう",
        email="yu-private@example.org",
        note="電話090-1111-2222",
    )
    return open_space, hidden


def get_json(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, (path, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def api_paths():
    """Every URL pattern Django routes under /api/v1/, as OpenAPI writes them."""
    paths = set()
    for pattern in get_resolver().url_patterns:
        if str(pattern.pattern) != "api/v1/":
            continue
        for sub in pattern.url_patterns:
            route = str(sub.pattern).replace("<slug>", "{slug}")
            # Ninja's root only tells it where it is mounted: a 404 (there is no docs page).
            if route not in ("", "openapi.json"):
                paths.add("/api/v1/" + route)
    return paths


def test_the_openapi_document_is_valid_and_names_every_path(client, schedule):
    doc = get_json(client, "/api/v1/openapi.json")
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] and doc["info"]["version"] == "1"
    assert (
        set(doc["paths"])
        == api_paths()
        == {
            "/api/v1/spaces",
            "/api/v1/spaces/{slug}",
            "/api/v1/dates",
        }
    )
    schemas = doc["components"]["schemas"]
    for path, item in doc["paths"].items():
        assert set(item) == {"get"}, path  # read-only
        operation = item["get"]
        assert {"200", "400"} <= set(operation["responses"]), path
        for response in operation["responses"].values():
            ref = response["content"]["application/json"]["schema"]["$ref"]
            assert ref.removeprefix("#/components/schemas/") in schemas  # every $ref resolves
    parameters = {p["name"] for p in doc["paths"]["/api/v1/dates"]["get"]["parameters"]}
    assert parameters == {"kind", "audience", "area", "organisation", "space", "event"} | {
        "date",
        "days",
        "lang",
    }
    # No page that would load Swagger UI from another site.
    assert client.get("/api/v1/docs", follow=True).status_code == 404
    assert client.get("/api/v1/").status_code == 404


def test_spaces_with_their_area_and_only_public_addresses(client, schedule):
    data = get_json(client, "/api/v1/spaces")
    assert data["license"]["name"] == "CC BY 4.0"
    spaces = {s["slug"]: s for s in data["spaces"]}
    assert set(spaces) == {"hidamari", "kita"}
    assert spaces["hidamari"]["address"] == "さくら市本町1-2-3"
    assert spaces["hidamari"]["access"] == "JRさくら駅から歩いて5分"
    assert spaces["hidamari"]["area"] == {"slug": "sakura", "name": "さくら市"}
    assert spaces["hidamari"]["url"] == "http://testserver/spaces/hidamari/"
    assert spaces["kita"]["address"] is None
    assert spaces["kita"]["access"] == ""
    assert spaces["kita"]["area"] == {"slug": "konan", "name": "湖南圏域"}
    one = get_json(client, "/api/v1/spaces/kita")
    assert one == spaces["kita"]


def test_dates_with_the_filters_of_the_dates_page(client, schedule):
    data = get_json(client, "/api/v1/dates")
    assert len(data["dates"]) == 5
    first = data["dates"][0]
    assert first["event"]["title"] == "火曜の居場所"
    assert first["event"]["title_kana"] == "カヨウノイバショ"
    assert first["start"] == "2026-12-01T13:00:00+09:00"
    assert first["join"] == "just_come" and first["join_text"] == "予約不要"
    assert first["place"]["address"] == "さくら市本町1-2-3"
    saturday = get_json(client, "/api/v1/dates?space=kita")["dates"]
    assert {d["event"]["slug"] for d in saturday} == {"saturday"}
    assert saturday[0]["capacity"] == 8
    assert saturday[0]["place"] == {
        "space": "kita",
        "name": "北のへや",
        "area": "湖南圏域",
        "online": False,
        "address": None,
    }
    town = get_json(client, "/api/v1/dates?area=sakura")["dates"]
    assert {d["event"]["slug"] for d in town} == {"tuesday"}
    week = get_json(client, "/api/v1/dates?date=2026-12-06&days=7")["dates"]
    assert [d["start"][:10] for d in week] == ["2026-12-08", "2026-12-12"]
    english = get_json(client, "/api/v1/dates?lang=en&space=hidamari")["dates"]
    assert english[0]["join_text"] == "No booking needed"


def test_no_personal_data_and_no_hidden_address_in_any_answer(client, schedule):
    for path in (
        "/api/v1/spaces",
        "/api/v1/spaces/kita",
        "/api/v1/spaces?lang=en",
        "/api/v1/dates",
        "/api/v1/dates?space=kita&lang=en",
        "/api/v1/openapi.json",
    ):
        body = client.get(path).content.decode()
        for secret in SECRETS:
            assert secret not in body, (path, secret)
        assert "nickname" not in body and "email" not in body, path


@pytest.mark.parametrize(
    "query",
    [
        "kind=party",
        "space=nowhere",
        "colour=red",
        "days=0",
        "days=100000",
        "days=abc",
        "date=2026-13-01",
        "date=tomorrow",
        "lang=fr",
        "space=%00",
        "area=" + "あ" * 5000,
        "kind=%E2%80%AEdrop_in",  # a right-to-left override
    ],
)
def test_a_bad_parameter_gets_a_json_400(client, schedule, query):
    data = get_json(client, f"/api/v1/dates?{query}", status=400)
    assert data["detail"]


@pytest.mark.parametrize("path", ["/api/v1/spaces?colour=red", "/api/v1/spaces/kita?lang=xx"])
def test_a_bad_parameter_on_spaces_gets_a_json_400(client, schedule, path):
    assert get_json(client, path, status=400)["detail"]


@pytest.mark.parametrize("slug", ["nowhere", "%00", "..", "a" * 300])
def test_an_unknown_space_is_a_json_404(client, schedule, slug):
    assert get_json(client, f"/api/v1/spaces/{slug}", status=404)["detail"]


def test_answers_are_cacheable_with_an_etag_and_set_no_cookie(client, schedule):
    response = client.get("/api/v1/dates")
    assert not response.cookies
    assert response["Access-Control-Allow-Origin"] == "*"
    again = client.get("/api/v1/dates", headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


def test_the_open_data_page_names_the_api(client, schedule):
    text = client.get("/events/open-data/").content.decode()
    assert "http://testserver/api/v1/openapi.json" in text
    assert "http://testserver/api/v1/dates" in text


def test_english_names_where_pages_are_translated(client, schedule, en_locale):
    open_space, _hidden = schedule
    english = open_space.copy_for_translation(en_locale, copy_parents=True, alias=False)
    english.title = "Hidamari drop-in"
    english.save_revision().publish()
    spaces = {s["slug"]: s for s in get_json(client, "/api/v1/spaces?lang=en")["spaces"]}
    assert spaces["hidamari"]["name"] == "Hidamari drop-in"
    assert spaces["hidamari"]["url"] == "http://testserver/en/spaces/hidamari/"
    assert spaces["kita"]["name"] == "北のへや"  # not translated yet: its Japanese name
    dates = get_json(client, "/api/v1/dates?lang=en&space=hidamari")["dates"]
    assert dates[0]["place"]["name"] == "Hidamari drop-in"


# --- The demo content (module-scoped: keep these last) ----------------------------------------


def test_the_demo_never_shows_a_held_address_and_reads_every_title(client, demo):
    from spaces.models import SpacePage

    held = [s for s in SpacePage.objects.all() if not s.address_is_public and s.address]
    assert held, "the demo has a space that keeps its address back"
    bodies = {
        path: client.get(path).content.decode("utf-8-sig")
        for path in (
            "/api/v1/spaces",
            "/api/v1/spaces?lang=en",
            "/api/v1/dates?days=92",
            "/api/v1/dates?days=92&lang=en",
            "/events/open-data/events.csv",
            "/events/open-data/events.json",
        )
    }
    for path, body in bodies.items():
        for space in held:
            assert space.address not in body, (path, space.slug)
    dates = json.loads(bodies["/api/v1/dates?days=92"])["dates"]
    assert dates and all(d["event"]["title_kana"] for d in dates)
    english = json.loads(bodies["/api/v1/dates?days=92&lang=en"])["dates"]
    assert any(d["event"]["title"].startswith("Hidamari drop-in") for d in english)
