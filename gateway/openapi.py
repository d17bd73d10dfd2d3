"""The OpenAPI (Swagger 2.0) description served at `/`, as PostgREST serves
one: a path per readable relation and per executable function, and a
definition per relation with its columns' types and comments."""

from __future__ import annotations

from typing import Any

from .catalog import Catalog, Column

_TYPES = {
    "integer": ("integer", "integer"),
    "bigint": ("integer", "bigint"),
    "smallint": ("integer", "smallint"),
    "boolean": ("boolean", "boolean"),
    "text": ("string", "text"),
    "uuid": ("string", "uuid"),
    "date": ("string", "date"),
    "jsonb": (None, "jsonb"),
    "json": (None, "json"),
    "timestamp with time zone": ("string", "timestamp with time zone"),
    "interval": ("string", "interval"),
    "double precision": ("number", "double precision"),
    "real": ("number", "real"),
}


def _schema(column: Column) -> dict[str, Any]:
    base = column.type.split("(")[0]
    kind, fmt = _TYPES.get(base, ("number", column.type) if base == "numeric" else ("string", column.type))
    out: dict[str, Any] = {"format": fmt}
    if kind:
        out["type"] = kind
    if column.description:
        out["description"] = column.description
    return out


def _row_filters(name: str, columns: dict[str, Column]) -> list[dict[str, Any]]:
    return [
        {
            "name": c,
            "in": "query",
            "required": False,
            "type": "string",
            "description": f"Filter on {name}.{c}: [not.]eq|neq|gt|gte|lt|lte|like|ilike|match|imatch|in|is|isdistinct|cs|cd|ov.<value>",
        }
        for c in columns
    ]


_COMMON = [
    {
        "name": "select",
        "in": "query",
        "required": False,
        "type": "string",
        "description": "Columns to return, and embedded resources: *,odds_history(odds,event_timestamp)",
    },
    {
        "name": "order",
        "in": "query",
        "required": False,
        "type": "string",
        "description": "column[.asc|.desc][.nullsfirst|.nullslast], comma separated",
    },
    {"name": "limit", "in": "query", "required": False, "type": "integer"},
    {"name": "offset", "in": "query", "required": False, "type": "integer"},
    {
        "name": "Prefer",
        "in": "header",
        "required": False,
        "type": "string",
        "enum": ["count=exact", "count=planned", "count=estimated"],
    },
    {
        "name": "Range",
        "in": "header",
        "required": False,
        "type": "string",
        "description": "Rows first-last (0-based, last optional), as PostgREST's Range header",
    },
    {"name": "Range-Unit", "in": "header", "required": False, "type": "string", "enum": ["items"]},
]

_ERROR = {
    "description": "An error: code, message, details, hint",
    "schema": {
        "type": "object",
        "properties": {k: {"type": "string"} for k in ("code", "message", "details", "hint")},
    },
}


def document(catalog: Catalog, schema_description: str | None) -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/": {
            "get": {
                "summary": "This description",
                "produces": ["application/openapi+json"],
                "responses": {"200": {"description": "OK"}},
            }
        }
    }
    definitions: dict[str, Any] = {}
    for name, rel in sorted(catalog.relations.items()):
        definitions[name] = {
            "type": "object",
            "description": rel.description or "",
            "properties": {c: _schema(col) for c, col in rel.columns.items()},
            "required": [c for c, col in rel.columns.items() if not col.nullable],
        }
        paths[f"/{name}"] = {
            "get": {
                "tags": [name],
                "summary": rel.description or name,
                "parameters": _COMMON + _row_filters(name, rel.columns),
                "responses": {
                    "200": {
                        "description": "OK",
                        "schema": {"type": "array", "items": {"$ref": f"#/definitions/{name}"}},
                    },
                    "206": {"description": "Partial Content"},
                    "400": _ERROR,
                    "404": _ERROR,
                },
            }
        }
    for name, fn in sorted(catalog.functions.items()):
        argument_params = [
            {
                "name": a.name,
                "in": "query",
                "required": not a.has_default,
                **{k: v for k, v in _schema(Column(a.name, a.type, True, None)).items() if k == "type"},
                "format": a.type,
            }
            for a in fn.arguments
        ]
        body = {
            "name": "args",
            "in": "body",
            "required": True,
            "schema": {
                "type": "object",
                "required": [a.name for a in fn.arguments if not a.has_default],
                "properties": {a.name: _schema(Column(a.name, a.type, True, None)) for a in fn.arguments},
            },
        }
        responses = {"200": {"description": "OK"}, "400": _ERROR, "404": _ERROR}
        entry: dict[str, Any] = {
            "post": {
                "tags": ["(rpc) " + name],
                "summary": fn.description or name,
                "parameters": [body],
                "responses": responses,
            }
        }
        if not fn.volatile:
            entry["get"] = {
                "tags": ["(rpc) " + name],
                "summary": fn.description or name,
                "parameters": argument_params + (_COMMON[:5] if fn.columns else []),
                "responses": responses,
            }
        paths[f"/rpc/{name}"] = entry
    return {
        "swagger": "2.0",
        "info": {"title": "raceday", "version": "1", "description": schema_description or ""},
        "basePath": "/",
        "schemes": ["http"],
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "paths": paths,
        "definitions": definitions,
    }
