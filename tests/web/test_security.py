"""Host allow-list, same-origin check for changes, security headers, no CDN docs pages."""

from __future__ import annotations

from .conftest import client_for


def test_a_page_carries_the_security_headers(client):
    r = client.get("/")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"


def test_a_foreign_host_header_is_refused_with_400(client):
    r = client.get("/", headers={"host": "attacker.example"})
    assert r.status_code == 400
    assert client.get("/", headers={"host": "localhost:8765"}).status_code == 200


def test_an_extra_allowed_host_is_answered(filled):
    with client_for(filled[0], allowed_hosts=("dash.lan",)) as c:
        assert c.get("/", headers={"host": "dash.lan"}).status_code == 200
        assert c.get("/", headers={"host": "other.lan"}).status_code == 400


def test_a_cross_origin_post_is_refused_with_403(client):
    r = client.post("/quiz/anything", headers={"origin": "http://attacker.example"})
    assert r.status_code == 403
    assert "cross-origin" in r.json()["detail"]
    r = client.post("/", headers={"sec-fetch-site": "cross-site"})
    assert r.status_code == 403
    r = client.post("/", headers={"origin": "null"})
    assert r.status_code == 403


def test_a_same_origin_post_gets_through_the_check(client):
    # "/" has no POST route: 405 shows the request passed the origin check
    r = client.post("/", headers={"origin": "http://127.0.0.1:8765"})
    assert r.status_code == 405


def test_get_from_anywhere_is_fine_because_it_changes_nothing(client):
    assert client.get("/", headers={"origin": "http://attacker.example"}).status_code == 200


def test_swagger_and_redoc_pages_are_off_but_openapi_is_served(client):
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    doc = client.get("/openapi.json")
    assert doc.status_code == 200 and doc.json()["info"]["title"] == "dlbench"


def test_the_vendored_scripts_and_the_japanese_font_are_served_locally(client):
    assert client.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200
    assert client.get("/static/vendor/uPlot-1.6.32.iife.min.js").status_code == 200
    font = client.get("/fonts/ipaexg.ttf")
    assert font.status_code == 200 and len(font.content) > 1_000_000
    page = client.get("/").text
    assert "http://" not in page.replace("http://127.0.0.1", "") and "https://" not in page
