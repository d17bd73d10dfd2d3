"""The relationships PostgREST infers between the relations of the schema,
read from the catalog as it reads them:

- foreign keys between base tables, carried over to every view that exposes
  the key's columns: a view column's source is the (table, column) its
  defining query's target entry names (resorigtbl/resorigcol of the view's
  _RETURN rule), followed through views over views;
- computed relationships: a function of the schema taking one row of a
  relation and returning a row (to-one) or a set (to-many; ROWS 1: to-one)
  of another relation; it is embedded by its name.

A foreign key gives a many-to-one relationship (one-to-one when its columns
are the table's primary key or a unique key) and its inverse."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import psycopg


@dataclass(frozen=True)
class Relationship:
    source: str  # the relation embedding (its name in the schema)
    target: str  # the relation embedded
    cardinality: str  # many-to-one, one-to-many, one-to-one, computed
    constraint: str | None  # the foreign key's name
    columns: tuple[tuple[str, str], ...]  # (source column, target column) pairs the join matches
    function: str | None = None  # a computed relationship's function
    to_one: bool = False
    target_is_view: bool = False


_VIEWS = """
SELECT r.ev_class, r.ev_action::text FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
WHERE r.rulename = '_RETURN' AND c.relkind IN ('v', 'm') AND r.ev_class = ANY(%(oids)s)
"""

_FOREIGN_KEYS = """
SELECT c.conname, c.conrelid, c.confrelid, c.conkey, c.confkey,
       EXISTS (SELECT 1 FROM pg_constraint u WHERE u.conrelid = c.conrelid AND u.contype IN ('p', 'u')
               AND u.conkey @> c.conkey AND u.conkey <@ c.conkey)
FROM pg_constraint c WHERE c.contype = 'f' AND array_length(c.conkey, 1) > 0
ORDER BY c.conname
"""

_COMPUTED = """
SELECT p.proname, arg.typrelid, ret.typrelid, p.proretset, p.prorows
FROM pg_proc p
JOIN pg_type arg ON arg.oid = p.proargtypes[0] AND arg.typrelid <> 0
JOIN pg_type ret ON ret.oid = p.prorettype AND ret.typrelid <> 0
WHERE p.pronamespace = %(schema)s::regnamespace AND p.prokind = 'f' AND p.pronargs = 1
  AND has_function_privilege(%(role)s, p.oid, 'EXECUTE')
ORDER BY p.proname
"""


def _tokens(text: str) -> list[str]:
    """PostgreSQL's node-string tokens (pg_strtok): ( ) { } alone, otherwise
    runs up to whitespace or one of those, a backslash escaping a character."""
    out, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch in " \t\n":
            i += 1
        elif ch in "(){}":
            out.append(ch)
            i += 1
        else:
            start = i
            while i < n and text[i] not in " \t\n(){}":
                i += 2 if text[i] == "\\" else 1
            out.append(text[start:i])
    return out


def target_origins(node_text: str) -> dict[int, tuple[int, int]]:
    """The top query's target list of a view's rule: {resno: (resorigtbl,
    resorigcol)} of the entries that are plain columns of a relation."""
    tokens = _tokens(node_text)
    # The rule's action list holds one QUERY; its fields sit at brace depth 1.
    depth, i = 0, 0
    while i < len(tokens):
        tok = tokens[i]
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
        elif depth == 1 and tok == ":targetList":
            break
        i += 1
    else:
        return {}
    origins: dict[int, tuple[int, int]] = {}
    i += 1
    if i >= len(tokens) or tokens[i] != "(":
        return {}
    level, entry, fields = 0, 0, {}
    for tok in tokens[i + 1 :]:
        if tok in "({":
            level += 1
            if level == 1 and tok == "{":
                fields, entry = {}, 1
        elif tok in ")}":
            if level == 0:
                break
            level -= 1
            if level == 0 and entry:
                entry = 0
                if fields.get(":resjunk") == "false" and fields.get(":resorigtbl", "0") != "0":
                    origins[int(fields[":resno"])] = (int(fields[":resorigtbl"]), int(fields[":resorigcol"]))
        elif level == 1 and entry:
            if tok.startswith(":"):
                fields["_key"] = tok
            elif "_key" in fields:
                fields[fields.pop("_key")] = tok
    return origins


async def load(
    conn: psycopg.AsyncConnection,
    schema: str,
    role: str,
    relations: dict[int, tuple[str, str, dict[int, str]]],
) -> dict[str, list[Relationship]]:
    """relations: {oid: (name, relkind, {attnum: column})} of the schema's readable relations."""
    # Each relation's columns by their base-table source, through views.
    views: dict[int, dict[int, tuple[int, int]]] = {}
    pending = [oid for oid, (_, kind, _) in relations.items() if kind in ("v", "m")]
    while pending:
        cur = await conn.execute(_VIEWS, {"oids": pending})
        pending = []
        for oid, text in await cur.fetchall():
            views[oid] = target_origins(text)
            pending += [t for t, _ in views[oid].values() if t not in views and t not in pending]
        pending = [oid for oid in pending if oid not in views]
        # a non-view source answers no row: it is not asked again
        if pending:
            cur = await conn.execute(
                "SELECT oid FROM pg_class WHERE oid = ANY(%(oids)s) AND relkind IN ('v', 'm')",
                {"oids": pending},
            )
            pending = [row[0] for row in await cur.fetchall()]

    def source(oid: int, attnum: int, seen: int = 0) -> tuple[int, int]:
        if oid in views and seen < 32:
            origin = views[oid].get(attnum)
            return source(*origin, seen + 1) if origin else (0, 0)
        return oid, attnum

    exposes: dict[int, dict[tuple[int, int], list[str]]] = {}
    for oid, (_, _, columns) in relations.items():
        by_source: dict[tuple[int, int], list[str]] = {}
        for attnum, column in columns.items():
            origin = source(oid, attnum)
            if origin != (0, 0):
                by_source.setdefault(origin, []).append(column)
        exposes[oid] = by_source

    out: dict[str, list[Relationship]] = {}

    def add(rel: Relationship) -> None:
        out.setdefault(rel.source, []).append(rel)

    def covering(table: int, attnums: list[int]) -> list[tuple[int, list[tuple[str, ...]]]]:
        """Relations exposing every key column, with each way they expose them."""
        found = []
        for oid, by_source in exposes.items():
            if all((table, a) in by_source for a in attnums):
                found.append((oid, list(itertools.product(*[by_source[(table, a)] for a in attnums]))))
        return found

    cur = await conn.execute(_FOREIGN_KEYS)
    for name, table, ftable, keys, fkeys, unique in await cur.fetchall():
        for s_oid, s_ways in covering(table, keys):
            for t_oid, t_ways in covering(ftable, fkeys):
                s_name, s_kind, _ = relations[s_oid]
                t_name, t_kind, _ = relations[t_oid]
                for s_cols in s_ways:
                    for t_cols in t_ways:
                        pairs = tuple(zip(s_cols, t_cols, strict=True))
                        add(
                            Relationship(
                                s_name,
                                t_name,
                                "one-to-one" if unique else "many-to-one",
                                name,
                                pairs,
                                to_one=True,
                                target_is_view=t_kind != "r",
                            )
                        )
                        add(
                            Relationship(
                                t_name,
                                s_name,
                                "one-to-one" if unique else "one-to-many",
                                name,
                                tuple((t, s) for s, t in pairs),
                                to_one=unique,
                                target_is_view=s_kind != "r",
                            )
                        )
    cur = await conn.execute(_COMPUTED, {"schema": schema, "role": role})
    for function, arg_rel, ret_rel, retset, rows in await cur.fetchall():
        if arg_rel in relations and ret_rel in relations:
            add(
                Relationship(
                    relations[arg_rel][0],
                    relations[ret_rel][0],
                    "computed",
                    None,
                    (),
                    function,
                    to_one=not retset or rows == 1,
                    target_is_view=relations[ret_rel][1] != "r",
                )
            )
    return out
