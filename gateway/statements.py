"""One SQL statement per request, composed from a parsed query and the
catalog: identifiers only after they were found in the catalog, always
quoted; values only as bound parameters. PostgreSQL builds the JSON, as it
does under PostgREST, so rows never become Python objects."""

from __future__ import annotations

import json
from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb

from .catalog import Column, Function
from .errors import ApiError, parse_error, unknown_column
from .grammar import IS_VALUES, OPERATORS, Query

Piece = tuple[sql.Composable, list[Any]]


def check_columns(query: Query, columns: dict[str, Column], relation: str) -> None:
    names = [item.column for item in query.select or []]
    names += [f.column for f in query.filters] + [o.column for o in query.order]
    for name in names:
        if name not in columns:
            raise unknown_column(relation, name)


def _where(query: Query) -> sql.Composable:
    """The filters as SQL with placeholders; where_values() gives their values, in the same order."""
    parts: list[sql.Composable] = []
    for f in query.filters:
        column = sql.Identifier(f.column)
        if f.operator == "in":
            if f.value:
                expr = sql.SQL("{} IN ({})").format(column, sql.SQL(", ").join([sql.Placeholder()] * len(f.value)))
            else:
                expr = sql.SQL("false")
        elif f.operator == "is":
            expr = sql.SQL("{} IS {}").format(column, sql.SQL(IS_VALUES[str(f.value)]))
        else:
            expr = sql.SQL("{} {} %s").format(column, sql.SQL(OPERATORS[f.operator]))
        parts.append(sql.SQL("NOT ({})").format(expr) if f.negated else expr)
    if not parts:
        return sql.SQL("")
    return sql.SQL(" WHERE ") + sql.SQL(" AND ").join(parts)


def _order(query: Query) -> sql.Composable:
    if not query.order:
        return sql.SQL("")
    items = [sql.SQL("{}{}{}").format(sql.Identifier(o.column), sql.SQL(" DESC" if o.descending else ""),
                                       sql.SQL({"first": " NULLS FIRST", "last": " NULLS LAST", None: ""}[o.nulls]))
             for o in query.order]
    return sql.SQL(" ORDER BY ") + sql.SQL(", ").join(items)


def _columns(query: Query) -> sql.Composable:
    if query.select is None:
        return sql.SQL("*")
    return sql.SQL(", ").join(
        sql.SQL("{} AS {}").format(sql.Identifier(i.column), sql.Identifier(i.alias)) if i.alias
        else sql.Identifier(i.column) for i in query.select)


def read(target: Piece, query: Query, max_rows: int | None, count: bool) -> Piece:
    """SELECT total (or NULL), rows in the page, the page as JSON text."""
    source, source_params = target
    where = _where(query)
    total = sql.SQL("(SELECT pg_catalog.count(*) FROM {}{})").format(source, where) if count else sql.SQL("NULL::bigint")
    statement = sql.SQL(
        "SELECT {total}, pg_catalog.count(_t), coalesce(pg_catalog.json_agg(_t), '[]')::text "
        "FROM (SELECT {columns} FROM {source}{where}{order} LIMIT %s OFFSET %s) _t"
    ).format(total=total, columns=_columns(query), source=source, where=where, order=_order(query))
    return statement, read_params(source_params, query, max_rows, count)


def where_values(query: Query) -> list[Any]:
    values: list[Any] = []
    for f in query.filters:
        if f.operator == "in":
            values.extend(f.value)
        elif f.operator != "is":
            values.append(f.value)
    return values


def read_params(source_params: list[Any], query: Query, max_rows: int | None, count: bool) -> list[Any]:
    """The parameters of read()'s statement, in placeholder order: the total's
    (when counted), the page's, then limit and offset. Apart from read() so
    that a request whose shape() is cached binds them without composing SQL."""
    where = where_values(query)
    limit = query.limit if max_rows is None else min(query.limit if query.limit is not None else max_rows, max_rows)
    return (source_params + where if count else []) + source_params + where + [limit, query.offset]


def shape(query: Query) -> tuple:
    """Everything of a query that decides its SQL text (values excluded)."""
    return (tuple(query.select) if query.select is not None else None,
            tuple((f.column, f.operator, f.negated, len(f.value) if f.operator == "in" else
                   f.value if f.operator == "is" else None) for f in query.filters),
            tuple(query.order))


def relation(schema: str, name: str) -> Piece:
    return sql.Identifier(schema, name), []


def _argument_value(value: Any, type_name: str) -> Any:
    """A JSON value as a bound parameter: json(b) stays JSON; scalars go as
    text of unknown type, so PostgreSQL reads them as the argument's type."""
    if type_name in ("json", "jsonb"):
        return Jsonb(value)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)  # numbers as their JSON text; arrays and objects as JSON


def call(schema: str, function: Function, arguments: dict[str, Any], from_json: bool) -> Piece:
    names, values = call_values(schema, function, arguments, from_json)
    args = sql.SQL(", ").join(sql.SQL("{} => %s").format(sql.Identifier(n)) for n in names)
    return sql.SQL("{}({})").format(sql.Identifier(schema, function.name), args), values


def call_values(schema: str, function: Function, arguments: dict[str, Any], from_json: bool
                ) -> tuple[list[str], list[Any]]:
    """The arguments given, in the function's order, and their values;
    404 (PGRST202) when one is unknown or a required one is missing."""
    known = {a.name: a for a in function.arguments}
    missing = [a.name for a in function.arguments if not a.has_default and a.name not in arguments]
    if missing or any(name not in known for name in arguments):
        raise ApiError(404, "PGRST202",
                       f"Could not find the function {schema}.{function.name}({', '.join(sorted(arguments))}) "
                       "in the schema cache",
                       f"Its arguments: {', '.join(a.name + ('' if not a.has_default else ' (optional)') for a in function.arguments) or 'none'}",
                       "Check the names of the arguments." if not missing else f"Missing: {', '.join(missing)}.")
    names = [a.name for a in function.arguments if a.name in arguments]
    return names, [_argument_value(arguments[n], known[n].type) if from_json else arguments[n] for n in names]


def scalar(target: Piece) -> Piece:
    source, params = target
    return sql.SQL("SELECT NULL::bigint, 1, pg_catalog.to_json({})::text").format(source), params


def check_rpc_query(query: Query, function: Function, schema: str) -> None:
    if function.columns:
        check_columns(query, function.columns, function.name)
    elif query.filters or query.select or query.order:
        raise parse_error(f'"{schema}.{function.name} returns a scalar: it takes no select, filter or order"')
