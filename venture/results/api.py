"""The open results API (/api/v1): published and final results as JSON, cacheable.

Nothing is visible before the organizer approves the results. Responses carry a
strong ETag (from the publication's version, its snapshot and its status; for one
competition's results also the audit chain's head, which the body publishes) and
``Cache-Control: public, max-age=60``; a repeat request with If-None-Match gets 304.
Errors are JSON (venture.errorpages answers under /api/ in JSON)."""

from __future__ import annotations

import hashlib
from decimal import ROUND_HALF_UP, Decimal

from flask import Blueprint, current_app, jsonify, request, url_for

from venture.audit.services import published_head
from venture.competitions.gates import competition_phase, current_stage
from venture.errors import NotFound
from venture.extensions import csrf
from venture.policy import public
from venture.results import openapi, queries, services
from venture.results.models import PublicationStatus
from venture.templating import to_local

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # read-only (GET) and without cookies' authority

MAX_AGE = 60


def _iso(value) -> str | None:
    local = to_local(value)
    return local.isoformat() if local else None


def _status(publication) -> str:
    return "final" if publication.status == PublicationStatus.FINAL else "proposed"


def _absolute(endpoint: str, **values) -> str:
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def _cacheable(payload: dict, validator: str):
    response = jsonify(payload)
    response.set_etag(hashlib.sha256(validator.encode()).hexdigest()[:32])
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data: readable from any site
    # A page elsewhere reads the validator to revalidate with If-None-Match.
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    response.vary.add("Accept-Encoding")
    return response.make_conditional(request)


def _where(competition) -> dict:
    """The competition's phase and current stage today (they move with time and controls)."""
    stage = current_stage(competition)
    return {
        "phase": competition_phase(competition),
        "current_stage": stage.kind.value if stage else None,
    }


def _validator(publication) -> str:
    where = _where(publication.competition)
    return (
        f"{publication.competition_id}:{publication.version}:{publication.snapshot_id}:{_status(publication)}"
        f":{where['phase']}:{where['current_stage']}"
    )


@bp.route("/competitions")
@public
def competitions():
    publications = queries.public_publications()
    payload = {
        "competitions": [
            {
                "id": p.competition.id,
                "name": p.competition.name,
                "year": p.competition.year,
                "code_prefix": p.competition.code_prefix,
                "status": _status(p),
                **_where(p.competition),
                "publicity_starts_at": _iso(p.publicity_starts_at),
                "publicity_ends_at": _iso(p.publicity_ends_at),
                "finalized_at": _iso(p.finalized_at),
                "results_url": _absolute("api.results", competition_id=p.competition_id),
                "public_page_url": _absolute(
                    "results.public_notice", competition_id=p.competition_id
                ),
            }
            for p in publications
        ]
    }
    return _cacheable(payload, "list|" + "|".join(_validator(p) for p in publications))


def _yuan(fen: int) -> str:
    return str((Decimal(fen) / 100).quantize(Decimal("0.01")))


def _score(value) -> str | None:
    if value is None:
        return None
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@bp.route("/competitions/<int:competition_id>/results")
@public
def results(competition_id: int):
    publication = queries.public_publication(competition_id)
    if publication is None:
        raise NotFound()
    competition = publication.competition
    status = _status(publication)
    starts, ends = _iso(publication.publicity_starts_at), _iso(publication.publicity_ends_at)
    rows = [
        {
            "code": d.application.display_code,
            "project": d.application.project_name,
            "organization": d.application.organization.name,
            "category": d.category.name if d.category else "",
            "communities": [c.path for c in d.application.communities],
            "rank": d.rank,
            "score": _score(d.score),
            "outcome": d.outcome.value,
            "amount_yuan": _yuan(d.approved_fen),
            "amount_fen": d.approved_fen,
            "status": status,
            "publicity_starts_at": starts,
            "publicity_ends_at": ends,
        }
        for d in services.decisions_of(competition)
    ]
    payload = {
        "competition": {
            "id": competition.id,
            "name": competition.name,
            "year": competition.year,
            "code_prefix": competition.code_prefix,
            **_where(competition),
        },
        "status": status,
        "publicity_starts_at": starts,
        "publicity_ends_at": ends,
        "finalized_at": _iso(publication.finalized_at),
        "results": rows,
        "audit_chain": _audit_chain(),
    }
    chain = payload["audit_chain"]
    return _cacheable(payload, f"{_validator(publication)}|{chain['seq']}:{chain['hash']}")


def _audit_chain() -> dict:
    """The audit log's head now: copies kept by API clients anchor it (see venture audit verify --against)."""
    head = published_head()
    return {"seq": head.seq, "hash": head.hash, "verify": head.command}


@bp.route("/openapi.json")
@public
def openapi_json():
    response = jsonify(openapi.document())
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
