"""The open results API: nothing before publication, JSON that matches the OpenAPI
document, cacheable with a strong ETag and 304 on a repeat."""

from __future__ import annotations

from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from venture.db import utcnow
from venture.extensions import db
from venture.results import services


@pytest.fixture
def openapi(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.1")
    return doc


def validate(doc: dict, schema_name: str, payload) -> None:
    """Validate a response against a component schema of the served document."""
    registry = Registry().with_resource(
        "urn:venture-api", Resource.from_contents(doc, default_specification=DRAFT202012)
    )
    validator = Draft202012Validator(
        {"$ref": f"urn:venture-api#/components/schemas/{schema_name}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    errors = sorted(validator.iter_errors(payload), key=lambda e: e.path)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_the_document_describes_every_api_route(app, openapi):
    Draft202012Validator.check_schema({"$defs": openapi["components"]["schemas"]})
    api_rules = {
        r.rule.replace("<int:competition_id>", "{competition_id}")
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/v1")
    }
    assert api_rules == set(openapi["paths"])
    for path in openapi["paths"].values():
        assert "200" in path["get"]["responses"]


def test_nothing_is_published_before_approval(make, client, openapi):
    boss = make.organizer()
    comp, _apps, _snap = make.results_setup(organizer=boss)
    services.generate_decisions(comp, boss)
    listing = client.get("/api/v1/competitions")
    assert listing.status_code == 200 and listing.get_json() == {"competitions": []}
    validate(openapi, "CompetitionList", listing.get_json())

    for url in (f"/api/v1/competitions/{comp.id}/results", "/api/v1/competitions/999999/results"):
        response = client.get(url)
        assert response.status_code == 404 and response.is_json
        validate(openapi, "Error", response.get_json())
    for bad in (
        "/api/v1/competitions/abc/results",
        "/api/v1/competitions/-1/results",
        "/api/v1/nothing",
    ):
        response = client.get(bad)
        assert response.status_code == 404 and response.get_json()["error"]["status"] == 404


def test_published_results_validate_and_are_cacheable(make, client, openapi):
    boss = make.organizer()
    comp, apps, _snap = make.results_setup(organizer=boss)
    services.generate_decisions(comp, boss)
    services.approve(comp, boss)

    listing = client.get("/api/v1/competitions")
    validate(openapi, "CompetitionList", listing.get_json())
    [entry] = listing.get_json()["competitions"]
    assert entry["id"] == comp.id and entry["status"] == "proposed"
    assert entry["publicity_starts_at"].endswith("+08:00")

    response = client.get(f"/api/v1/competitions/{comp.id}/results")
    assert response.status_code == 200
    body = response.get_json()
    validate(openapi, "CompetitionResults", body)
    assert body["status"] == "proposed"
    first = body["results"][0]
    assert (
        first["code"] == apps[0].code and first["score"] == "90.00" and first["outcome"] == "funded"
    )
    assert first["amount_fen"] == 8_000_000 and first["amount_yuan"] == "80000.00"
    assert [r["rank"] for r in body["results"]] == [1, 2, 3]
    assert body["results"][1]["amount_yuan"] == "0.00"

    etag = response.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert (
        "public" in response.headers["Cache-Control"]
        and "max-age=60" in response.headers["Cache-Control"]
    )
    repeat = client.get(f"/api/v1/competitions/{comp.id}/results", headers={"If-None-Match": etag})
    assert repeat.status_code == 304 and not repeat.data
    listing_etag = listing.headers["ETag"]
    assert (
        client.get("/api/v1/competitions", headers={"If-None-Match": listing_etag}).status_code
        == 304
    )

    # A change of a decision bumps the version: the old ETag no longer matches.
    decision = services.decisions_of(comp)[1]
    services.change_decision(
        decision, outcome="funded", approved_fen=100_00, reason="预算调剂后增补", actor=boss
    )
    changed = client.get(f"/api/v1/competitions/{comp.id}/results", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    validate(openapi, "CompetitionResults", changed.get_json())


def test_final_results_say_final(make, client, openapi):
    boss = make.organizer()
    comp, _apps, _snap = make.results_setup(organizer=boss)
    services.generate_decisions(comp, boss)
    publication = services.approve(comp, boss)
    before = client.get(f"/api/v1/competitions/{comp.id}/results")
    publication.publicity_ends_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    services.finalize(comp, boss)

    response = client.get(
        f"/api/v1/competitions/{comp.id}/results", headers={"If-None-Match": before.headers["ETag"]}
    )
    assert response.status_code == 200
    body = response.get_json()
    validate(openapi, "CompetitionResults", body)
    assert body["status"] == "final" and body["finalized_at"]
    assert {r["status"] for r in body["results"]} == {"final"}
    validate(openapi, "CompetitionList", client.get("/api/v1/competitions").get_json())


def test_api_is_read_only(make, client):
    assert client.post("/api/v1/competitions").status_code == 405
    assert client.post("/api/v1/competitions").is_json
