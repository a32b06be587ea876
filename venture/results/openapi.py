"""The OpenAPI 3.1 description of the open results API (served at /api/v1/openapi.json).

Schemas are JSON Schema 2020-12 (as OpenAPI 3.1 specifies); a test validates every
response of the API against them."""

from __future__ import annotations

_DATETIME_OR_NULL = {
    "type": ["string", "null"],
    "format": "date-time",
    "description": "ISO 8601 in Asia/Shanghai (+08:00); null when not set.",
}
_STATUS = {
    "type": "string",
    "enum": ["proposed", "final"],
    "description": "proposed: on public notice (公示), objections possible; final: final results.",
}

_PHASE = {
    "type": "string",
    "enum": [
        "draft",
        "upcoming",
        "applications",
        "selection",
        "public_notice",
        "results_final",
        "follow_up",
        "archived",
    ],
    "description": "Where the competition is today, by the organizer's controls rather than the planned "
    "dates: applications (the application window is open), selection (screening, review, "
    "roadshow), public_notice (公示), results_final, follow_up (funded projects under way).",
}
_CURRENT_STAGE = {
    "type": ["string", "null"],
    "enum": [
        "application",
        "screening",
        "online_review",
        "roadshow",
        "publicity",
        "agreement",
        "implementation",
        "midterm",
        "final",
        None,
    ],
    "description": "The stage open now (the latest one), null between stages.",
}

SCHEMAS = {
    "CompetitionSummary": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "id",
            "name",
            "year",
            "code_prefix",
            "status",
            "phase",
            "current_stage",
            "publicity_starts_at",
            "publicity_ends_at",
            "finalized_at",
            "results_url",
            "public_page_url",
        ],
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "name": {"type": "string"},
            "year": {"type": "integer"},
            "code_prefix": {
                "type": "string",
                "description": "Prefix of the application codes, e.g. GY2025.",
            },
            "status": {"$ref": "#/components/schemas/ResultStatus"},
            "phase": _PHASE,
            "current_stage": _CURRENT_STAGE,
            "publicity_starts_at": _DATETIME_OR_NULL,
            "publicity_ends_at": _DATETIME_OR_NULL,
            "finalized_at": _DATETIME_OR_NULL,
            "results_url": {"type": "string", "format": "uri"},
            "public_page_url": {"type": "string", "format": "uri"},
        },
    },
    "CompetitionList": {
        "type": "object",
        "additionalProperties": False,
        "required": ["competitions"],
        "properties": {
            "competitions": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/CompetitionSummary"},
            }
        },
    },
    "ResultStatus": _STATUS,
    "Result": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "code",
            "project",
            "organization",
            "category",
            "communities",
            "rank",
            "score",
            "outcome",
            "amount_yuan",
            "amount_fen",
            "status",
            "publicity_starts_at",
            "publicity_ends_at",
        ],
        "properties": {
            "code": {"type": "string", "description": "Application code, e.g. GY2025-007."},
            "project": {"type": "string"},
            "organization": {"type": "string"},
            "category": {"type": "string", "description": "Service area (服务领域)."},
            "communities": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Host communities (district / street / community).",
            },
            "rank": {
                "type": ["integer", "null"],
                "minimum": 1,
                "description": "Rank within the category.",
            },
            "score": {
                "type": ["string", "null"],
                "pattern": r"^-?\d+\.\d{2}$",
                "description": "Final score with two decimals, as a string (exact).",
            },
            "outcome": {"type": "string", "enum": ["funded", "waitlist", "not_funded"]},
            "amount_yuan": {
                "type": "string",
                "pattern": r"^\d+\.\d{2}$",
                "description": "Approved amount in yuan with two decimals (0.00 unless funded).",
            },
            "amount_fen": {
                "type": "integer",
                "minimum": 0,
                "description": "Approved amount in fen (1/100 yuan).",
            },
            "status": {"$ref": "#/components/schemas/ResultStatus"},
            "publicity_starts_at": _DATETIME_OR_NULL,
            "publicity_ends_at": _DATETIME_OR_NULL,
        },
    },
    "AuditChainHead": {
        "type": "object",
        "additionalProperties": False,
        "required": ["seq", "hash", "verify"],
        "description": "The platform's tamper-evident audit log (HMAC-SHA256 chain) when this response was "
        "made: its last entry and that entry's hash. Keep a copy: a log rewritten later no "
        "longer has this hash at this entry.",
        "properties": {
            "seq": {
                "type": "integer",
                "minimum": 0,
                "description": "Number of the last entry (0: empty log).",
            },
            "hash": {
                "type": "string",
                "pattern": "^[0-9a-f]{64}$",
                "description": "Hash of that entry.",
            },
            "verify": {
                "type": "string",
                "description": "The command the operator runs to check this head: "
                "venture audit verify --against SEQ:HASH.",
            },
        },
    },
    "CompetitionResults": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "competition",
            "status",
            "publicity_starts_at",
            "publicity_ends_at",
            "finalized_at",
            "results",
            "audit_chain",
        ],
        "properties": {
            "competition": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "name", "year", "code_prefix", "phase", "current_stage"],
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "year": {"type": "integer"},
                    "code_prefix": {"type": "string"},
                    "phase": _PHASE,
                    "current_stage": _CURRENT_STAGE,
                },
            },
            "status": {"$ref": "#/components/schemas/ResultStatus"},
            "publicity_starts_at": _DATETIME_OR_NULL,
            "publicity_ends_at": _DATETIME_OR_NULL,
            "finalized_at": _DATETIME_OR_NULL,
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}},
            "audit_chain": {"$ref": "#/components/schemas/AuditChainHead"},
        },
    },
    "Error": {
        "type": "object",
        "additionalProperties": False,
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "title", "message"],
                "properties": {
                    "status": {"type": "integer"},
                    "title": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}

_CACHE_HEADERS = {
    "ETag": {
        "description": "Strong validator; send it back in If-None-Match to get 304 when unchanged.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {"description": "public, max-age=60", "schema": {"type": "string"}},
}


def _json(ref: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Venture open results API",
            "version": "1.0.0",
            "description": "Results of public-benefit venture competitions (公益创投大赛) on public notice "
            "(公示) and final, as open data. Nothing is published before the organizer approves "
            "the results. Read-only, no authentication.",
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/competitions": {
                "get": {
                    "operationId": "listCompetitions",
                    "summary": "Competitions with results on public notice or final",
                    "responses": {
                        "200": {
                            "description": "The competitions",
                            "headers": _CACHE_HEADERS,
                            "content": _json("CompetitionList"),
                        },
                        "304": {"description": "Not modified (If-None-Match matched the ETag)"},
                    },
                },
            },
            "/api/v1/competitions/{competition_id}/results": {
                "get": {
                    "operationId": "getCompetitionResults",
                    "summary": "The results of one competition",
                    "parameters": [
                        {
                            "name": "competition_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 1},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "Results per application, by category and rank",
                            "headers": _CACHE_HEADERS,
                            "content": _json("CompetitionResults"),
                        },
                        "304": {"description": "Not modified (If-None-Match matched the ETag)"},
                        "404": {
                            "description": "No such competition, or its results are not published",
                            "content": _json("Error"),
                        },
                    },
                },
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1 document",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                },
            },
        },
        "components": {"schemas": SCHEMAS},
    }
