"""One SQL statement per request, composed from a parsed query and the
catalog: identifiers only after they were found in the catalog, always
quoted; values only as bound parameters, named by their slot in the query
(so a statement composed once serves every request of the same shape).
Embedded resources are lateral subqueries aggregated to JSON in the same
statement, as PostgREST builds them; PostgreSQL builds the JSON, so rows
never become Python objects."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb

from .catalog import Catalog, Column, Function
from .errors import ApiError, parse_error, unknown_column
from .grammar import (
    IS_VALUES,
    OPERATORS,
    Embed,
    Filter,
    Logic,
    Node,
    Query,
    SelectItem,
    Star,
    not_implemented,
)
from .relationships import Relationship

Piece = tuple[sql.Composable, dict[str, Any]]
CSV = "csv"


@dataclass
class _Level:
    columns: list[sql.Composable] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # output names, in order (a spread lifts them)
    joins: list[sql.Composable] = field(default_factory=list)
    present: dict[str, sql.Composable] = field(default_factory=dict)  # embed label -> "has a row"
    where: list[sql.Composable] = field(default_factory=list)  # conditions, ANDed
    order: sql.Composable = field(default_factory=lambda: sql.SQL(""))
    needs_joins: bool = False  # the WHERE reads an embed (!inner, embed=is.null)


class Builder:
    """Composes the SQL of one query against the catalog; aliases are
    numbered in a fixed walk, so one shape always gives the same text."""

    def __init__(self, catalog: Catalog, label: str | None = None) -> None:
        self.catalog = catalog
        self.label = label or "result"  # what errors call a function's rows that are no relation's
        self.schema = catalog.schema
        self.aliases = 0

    def alias(self) -> sql.Identifier:
        self.aliases += 1
        return sql.Identifier(f"_{self.aliases}")

    def level(
        self, node: Node, relation: str | None, columns: dict[str, Column], alias: sql.Identifier
    ) -> _Level:
        out = _Level()
        items = node.select if node.select is not None else [Star()]
        for item in items:
            if isinstance(item, Star):
                for name in columns:
                    out.columns.append(sql.SQL("{}.{}").format(alias, sql.Identifier(name)))
                    out.names.append(name)
            elif isinstance(item, SelectItem):
                self._column(columns, relation, item.column)
                out.columns.append(
                    sql.SQL("{}.{} AS {}").format(
                        alias, sql.Identifier(item.column), sql.Identifier(item.alias or item.column)
                    )
                )
                out.names.append(item.alias or item.column)
            else:
                self._embed(item, relation, alias, out)
        out.where = [self._condition(f, columns, relation, alias, out) for f in node.filters]
        for item in node.embeds():
            if item.inner:
                out.where.append(out.present[item.label])
                out.needs_joins = True
        if node.order:
            for o in node.order:
                self._column(columns, relation, o.column)
            out.order = sql.SQL(" ORDER BY ") + sql.SQL(", ").join(
                sql.SQL("{}.{}{}{}").format(
                    alias,
                    sql.Identifier(o.column),
                    sql.SQL(" DESC" if o.descending else ""),
                    sql.SQL({"first": " NULLS FIRST", "last": " NULLS LAST", None: ""}[o.nulls]),
                )
                for o in node.order
            )
        return out

    def _column(self, columns: dict[str, Column], relation: str | None, name: str) -> None:
        if name not in columns:
            raise unknown_column(relation or "result", name)

    def _condition(
        self,
        f: Filter | Logic,
        columns: dict[str, Column],
        relation: str | None,
        alias: sql.Identifier,
        out: _Level,
    ) -> sql.Composable:
        if isinstance(f, Filter) and f.column in out.present and f.column not in columns:
            # A filter named after an embed of this level (entrants=not.is.null):
            # parent rows with (or without) an embedded row, as !inner keeps them.
            if f.operator != "is" or f.value != "null":
                raise ApiError(
                    400,
                    "PGRST120",
                    f"Bad operator on the '{f.column}' embedded resource",
                    "Only is null or not is null filters are allowed on embedded resources",
                )
            out.needs_joins = True
            present = out.present[f.column]
            return present if f.negated else sql.SQL("NOT ({})").format(present)
        if isinstance(f, Logic):
            inner = sql.SQL(f" {f.operator.upper()} ").join(
                self._condition(c, columns, relation, alias, out) for c in f.children
            )
            return sql.SQL("{}({})").format(sql.SQL("NOT " if f.negated else ""), inner)
        self._column(columns, relation, f.column)
        column = sql.SQL("{}.{}").format(alias, sql.Identifier(f.column))
        if f.operator == "in":
            if f.value:
                expr = sql.SQL("{} IN ({})").format(
                    column, sql.SQL(", ").join(sql.Placeholder(f"v{f.slot + i}") for i in range(len(f.value)))
                )
            else:
                expr = sql.SQL("false")
        elif f.operator == "is":
            expr = sql.SQL("{} IS {}").format(column, sql.SQL(IS_VALUES[str(f.value)]))
        else:
            expr = sql.SQL("{} {} {}").format(
                column, sql.SQL(OPERATORS[f.operator]), sql.Placeholder(f"v{f.slot}")
            )
        return sql.SQL("NOT ({})").format(expr) if f.negated else expr

    def _embed(self, embed: Embed, relation: str | None, parent: sql.Identifier, out: _Level) -> None:
        if relation is None:
            raise no_relationship(self.catalog, self.label, embed.name, embed.hint)
        rel = find_relationship(self.catalog, relation, embed.name, embed.hint)
        target = self.catalog.relations[rel.target]
        child = self.alias()
        lateral = self.alias()
        if rel.function:
            source = sql.SQL("{}({}) {}").format(sql.Identifier(self.schema, rel.function), parent, child)
            join: list[sql.Composable] = []
        else:
            source = sql.SQL("{} {}").format(sql.Identifier(self.schema, rel.target), child)
            join = [
                sql.SQL("{}.{} = {}.{}").format(child, sql.Identifier(t), parent, sql.Identifier(s))
                for s, t in rel.columns
            ]
        level = self.level(embed.node, rel.target, target.columns, child)
        where = [*join, *level.where]
        page = sql.SQL("")
        if embed.node.limit_slot is not None:
            page += sql.SQL(" LIMIT {}").format(sql.Placeholder(f"v{embed.node.limit_slot}"))
        if embed.node.offset_slot is not None:
            page += sql.SQL(" OFFSET {}").format(sql.Placeholder(f"v{embed.node.offset_slot}"))
        rows = sql.SQL("SELECT {} FROM {}{}{}{}{}").format(
            sql.SQL(", ").join(level.columns) if level.columns else sql.SQL(""),
            source,
            sql.SQL("").join(level.joins),
            sql.SQL(" WHERE ") + sql.SQL(" AND ").join(where) if where else sql.SQL(""),
            level.order,
            page,
        )
        row = self.alias()
        label = embed.label
        if embed.spread:
            if not rel.to_one:
                raise not_implemented(
                    f"spreading the to-many embed '{embed.name}' (its columns as arrays) is not "
                    "supported by this server; embed it without ..."
                )
            out.joins.append(
                sql.SQL(
                    " LEFT JOIN LATERAL (SELECT {row}.*, true AS {mark} FROM ({rows}) {row}) {lat} ON true"
                ).format(row=row, rows=rows, lat=lateral, mark=sql.Identifier("?present"))
            )
            for name in level.names:
                out.columns.append(sql.SQL("{}.{}").format(lateral, sql.Identifier(name)))
                out.names.append(name)
            out.present[label] = sql.SQL("{}.{} IS NOT NULL").format(lateral, sql.Identifier("?present"))
            return
        body = sql.SQL("pg_catalog.row_to_json({})") if rel.to_one else sql.SQL("pg_catalog.json_agg({})")
        out.joins.append(
            sql.SQL(" LEFT JOIN LATERAL (SELECT {body} AS body FROM ({rows}) {row}) {lat} ON true").format(
                body=body.format(row), rows=rows, row=row, lat=lateral
            )
        )
        value = sql.SQL("{}.body").format(lateral)
        if embed.node.select != []:  # name() embeds nothing: only there to filter (!inner, is.null)
            out.columns.append(
                sql.SQL("{} AS {}").format(
                    value if rel.to_one else sql.SQL("coalesce({}, '[]')").format(value),
                    sql.Identifier(label),
                )
            )
            out.names.append(label)
        out.present[label] = sql.SQL("{} IS NOT NULL").format(value)


def find_relationship(catalog: Catalog, origin: str, target: str, hint: str | None) -> Relationship:
    """PostgREST's choice of relationship for origin?select=target!hint(...)."""

    def single(columns: tuple[tuple[str, str], ...], side: int) -> str | None:
        return columns[0][side] if len(columns) == 1 else None

    found = []
    for rel in catalog.relationships.get(origin, []):
        if rel.function:
            if rel.function == target:
                found.append(rel)
        elif hint is None:
            if target == rel.target or (
                not rel.target_is_view and target in (rel.constraint, single(rel.columns, 0))
            ):
                found.append(rel)
        elif target == rel.target and hint in (
            rel.constraint,
            single(rel.columns, 0),
            single(rel.columns, 1),
        ):
            found.append(rel)
    if not found:
        raise no_relationship(catalog, origin, target, hint)
    if len(found) > 1:
        raise ApiError(
            300,
            "PGRST201",
            f"Could not embed because more than one relationship was found for '{origin}' and '{target}'",
            [_describe(r) for r in found],  # type: ignore[arg-type]
            f"Try changing '{target}' to one of the following: "
            + ", ".join(f"'{r.target}!{r.constraint}'" for r in found)
            + ". Find the desired relationship in the 'details' key.",
        )
    return found[0]


def _describe(rel: Relationship) -> dict[str, str]:
    if rel.function:
        return {}
    source_columns = ", ".join(s for s, _ in rel.columns)
    target_columns = ", ".join(t for _, t in rel.columns)
    return {
        "cardinality": rel.cardinality,
        "embedding": f"{rel.source} with {rel.target}",
        "relationship": f"{rel.constraint} using {rel.source}({source_columns}) and {rel.target}({target_columns})",
    }


def no_relationship(catalog: Catalog, origin: str, target: str, hint: str | None) -> ApiError:
    rels = catalog.relationships.get(origin)
    suggestion = None
    if rels is None:
        close = difflib.get_close_matches(origin, list(catalog.relationships), n=1, cutoff=0.6)
        suggestion = f"Perhaps you meant '{close[0]}' instead of '{origin}'." if close else None
    else:
        names = {r.function or r.target for r in rels}
        close = [c for c in difflib.get_close_matches(target, sorted(names), n=1, cutoff=0.6) if c != target]
        suggestion = f"Perhaps you meant '{close[0]}' instead of '{target}'." if close else None
    using = f"' using the hint '{hint}" if hint else ""
    return ApiError(
        400,
        "PGRST200",
        f"Could not find a relationship between '{origin}' and '{target}' in the schema cache",
        f"Searched for a foreign key relationship between '{origin}' and '{target}{using}' in the schema "
        f"'{catalog.schema}', but no matches were found.",
        suggestion,
    )


def _where(level: _Level) -> sql.Composable:
    return sql.SQL(" WHERE ") + sql.SQL(" AND ").join(level.where) if level.where else sql.SQL("")


def read(
    catalog: Catalog,
    target: Piece,
    relation: str | None,
    columns: dict[str, Column],
    query: Query,
    count: str | None,
    body: str = "json",
    label: str | None = None,
) -> Piece:
    """SELECT total (or NULL), rows in the page, the page as JSON (or CSV) text.
    count: None, "exact", or "bounded" (at most %(cap)s rows counted)."""
    source, _ = target
    builder = Builder(catalog, label)
    alias = builder.alias()
    level = builder.level(query.root, relation, columns, alias)
    where = _where(level)
    joins = sql.SQL("").join(level.joins)
    counted = sql.SQL("{} {}{}{}").format(source, alias, joins if level.needs_joins else sql.SQL(""), where)
    if count == "exact":
        total = sql.SQL("(SELECT pg_catalog.count(*) FROM {})").format(counted)
    elif count == "bounded":
        total = sql.SQL("(SELECT pg_catalog.count(*) FROM (SELECT 1 FROM {} LIMIT %(cap)s) _c)").format(
            counted
        )
    else:
        total = sql.SQL("NULL::bigint")
    page = sql.SQL(
        "SELECT {columns} FROM {source} {alias}{joins}{where}{order} LIMIT %(lim)s OFFSET %(off)s"
    ).format(
        columns=sql.SQL(", ").join(level.columns) if level.columns else sql.SQL(""),
        source=source,
        alias=alias,
        joins=joins,
        where=where,
        order=level.order,
    )
    if body == CSV:
        # PostgREST's CSV: a header of the first row's keys, then each row as
        # PostgreSQL prints a record, without its parentheses.
        statement = sql.SQL(
            "WITH _p AS ({page}) SELECT {total}, pg_catalog.count(*), "
            "(SELECT coalesce(pg_catalog.string_agg(_k, ','), '') FROM (SELECT pg_catalog.json_object_keys("
            "pg_catalog.row_to_json(_h)) AS _k FROM (SELECT * FROM _p LIMIT 1) _h) _a) || chr(10) || "
            "coalesce(pg_catalog.string_agg(substring(_p::text, 2, length(_p::text) - 2), chr(10)), '') FROM _p"
        ).format(page=page, total=total)
    else:
        statement = sql.SQL(
            "SELECT {total}, pg_catalog.count(_t), coalesce(pg_catalog.json_agg(_t), '[]')::text "
            "FROM ({page}) _t"
        ).format(total=total, page=page)
    return statement, {}


def explain(
    catalog: Catalog, target: Piece, relation: str | None, columns: dict[str, Column], query: Query
) -> Piece:
    """The planner's estimate of the rows a read filters to (Prefer: count=planned)."""
    source, _ = target
    builder = Builder(catalog)
    alias = builder.alias()
    level = builder.level(query.root, relation, columns, alias)
    where = _where(level)
    joins = sql.SQL("").join(level.joins) if level.needs_joins else sql.SQL("")
    return sql.SQL("EXPLAIN (FORMAT JSON) SELECT 1 FROM {} {}{}{}").format(source, alias, joins, where), {}


def read_params(
    source_params: dict[str, Any],
    query: Query,
    max_rows: int | None,
    limit: int | None,
    offset: int,
    cap: int | None = None,
) -> dict[str, Any]:
    """The values of read()'s statement by placeholder name: the query's
    slots, the function's arguments, the page (and the count's cap). Apart
    from read() so that a request whose shape is cached binds them without
    composing SQL."""
    params = {f"v{i}": v for i, v in enumerate(query.values)}
    params.update(source_params)
    params["lim"] = limit if max_rows is None else min(limit if limit is not None else max_rows, max_rows)
    params["off"] = offset
    if cap is not None:
        params["cap"] = cap
    return params


def shape(query: Query) -> tuple:
    """Everything of a query that decides its SQL text (values excluded)."""
    return query.root.key()


def relation(schema: str, name: str) -> Piece:
    return sql.Identifier(schema, name), {}


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
    args = sql.SQL(", ").join(
        sql.SQL("{} => {}").format(sql.Identifier(n), sql.Placeholder(f"a{i}")) for i, n in enumerate(names)
    )
    return sql.SQL("{}({})").format(sql.Identifier(schema, function.name), args), values


def call_values(
    schema: str, function: Function, arguments: dict[str, Any], from_json: bool
) -> tuple[list[str], dict[str, Any]]:
    """The arguments given, in the function's order, and their values by
    placeholder name; 404 (PGRST202) when one is unknown or a required one is missing."""
    known = {a.name: a for a in function.arguments}
    missing = [a.name for a in function.arguments if not a.has_default and a.name not in arguments]
    if missing or any(name not in known for name in arguments):
        raise ApiError(
            404,
            "PGRST202",
            f"Could not find the function {schema}.{function.name}({', '.join(sorted(arguments))}) "
            "in the schema cache",
            f"Its arguments: {', '.join(a.name + ('' if not a.has_default else ' (optional)') for a in function.arguments) or 'none'}",
            "Check the names of the arguments." if not missing else f"Missing: {', '.join(missing)}.",
        )
    names = [a.name for a in function.arguments if a.name in arguments]
    return names, {
        f"a{i}": _argument_value(arguments[n], known[n].type) if from_json else arguments[n]
        for i, n in enumerate(names)
    }


def scalar(target: Piece) -> Piece:
    source, params = target
    return sql.SQL("SELECT NULL::bigint, 1, pg_catalog.to_json({})::text").format(source), params


def check_rpc_query(query: Query, function: Function, schema: str) -> None:
    if not function.columns and (query.filters or query.select is not None or query.order):
        raise parse_error(f'"{schema}.{function.name} returns a scalar: it takes no select, filter or order"')
