"""/healthz tells an operator whether the database, cache and broker answer."""

import pytest

from ibasho.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthy_site_answers_200_with_each_part(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == body["cache"] == body["broker"] == "ok"
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"].startswith("max-age=0")


@pytest.fixture
def unreachable_broker():
    # Port 9 on loopback: nothing listens there, so the connection is refused at once.
    saved = celery_app.conf.broker_url, celery_app.conf.broker_transport_options
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"
    celery_app.conf.broker_transport_options = {}
    celery_app.pool.force_close_all()
    yield
    celery_app.conf.broker_url, celery_app.conf.broker_transport_options = saved
    celery_app.pool.force_close_all()


def test_broker_down_gives_503_and_names_it(client, unreachable_broker):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["broker"] == "unavailable"
    assert body["database"] == "ok"
    assert body["status"] == "unavailable"


def test_cache_down_gives_503(client, cache_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "unavailable"


def test_healthz_reports_when_the_worker_last_ran(client):
    from ibasho.tasks import record_heartbeat

    record_heartbeat()  # what beat runs every minute
    assert client.get("/healthz").json()["worker_last_seen"]


def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405


def test_a_load_balancer_keeps_sending_visitors_while_redis_is_down(
    client, unreachable_broker, cache_down
):
    # The monitor hears that the cache and broker are down...
    assert client.get("/healthz").status_code == 503
    # ...while the site still serves pages and takes sign-ups, so the process stays in service.
    response = client.get("/healthz/live")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response.headers["Cache-Control"].startswith("max-age=0")
    assert client.get("/").status_code == 200


def test_monitors_may_ask_with_head(client):
    for url in ["/healthz", "/healthz/live"]:
        response = client.head(url)
        assert response.status_code in (200, 503), url  # the state, not 405
        assert response.status_code == client.get(url).status_code, url
