import pytest
from django.test import Client, override_settings

from shop.sessions.config import session_settings

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens here: a Redis outage without stopping one


def test_it_reports_ok_on_every_engine(client, session_backend, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "sessions": {"backend": session_backend, "status": "ok"},
    }


@pytest.mark.parametrize("backend, status", [("redis", "down"), ("redis_db", "degraded")])
def test_a_redis_outage_is_reported_with_503(db, backend, status):
    with override_settings(**session_settings(backend, CLOSED_PORT)):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": status,
        "database": "ok",
        "sessions": {"backend": backend, "status": "error"},
    }


def test_it_refuses_post(client, db):
    assert client.post("/healthz").status_code == 405
