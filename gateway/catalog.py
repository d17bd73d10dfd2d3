"""The schema cache: which relations and functions of the api schema the
roles the gateway runs requests as (the anonymous role, and the roles a token
may name: those the authenticator can switch to) may use, with their columns
and arguments, and which role may use each. Every identifier a request names
is checked here before it reaches SQL (and is then quoted)."""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg

from . import relationships as relationships_module
from .relationships import Relationship


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool
    description: str | None


@dataclass(frozen=True)
class Relation:
    name: str
    description: str | None
    columns: dict[str, Column]
    # The roles that may read it (the OpenAPI document a role is served lists only those).
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Argument:
    name: str
    type: str
    has_default: bool


@dataclass(frozen=True)
class Function:
    name: str
    description: str | None
    arguments: list[Argument]
    returns_set: bool
    # Columns of a composite result (a view's row type or RETURNS TABLE); empty for a scalar.
    columns: dict[str, Column]
    volatile: bool
    roles: frozenset[str] = frozenset()
    relation: str | None = None  # the relation of the schema whose rows it returns (embeds start from it)


@dataclass
class Catalog:
    schema: str
    relations: dict[str, Relation] = field(default_factory=dict)
    functions: dict[str, Function] = field(default_factory=dict)
    role_settings: list[tuple[str, str]] = field(default_factory=list)
    # Every role a request may run as, with its settings (ALTER ROLE ... SET).
    roles: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    relationships: dict[str, list[Relationship]] = field(default_factory=dict)  # by the embedding relation


_RELATIONS = """
SELECT c.oid, c.relkind, array_agg(a.attnum ORDER BY a.attnum), c.relname, obj_description(c.oid, 'pg_class'),
       array(SELECT r FROM unnest(%(roles)s::text[]) r WHERE has_table_privilege(r, c.oid, 'SELECT')),
       array_agg(a.attname::text ORDER BY a.attnum), array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum),
       array_agg(NOT a.attnotnull ORDER BY a.attnum), array_agg(col_description(c.oid, a.attnum) ORDER BY a.attnum)
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = %(schema)s::regnamespace AND c.relkind IN ('r', 'v', 'm', 'f', 'p')
  AND EXISTS (SELECT FROM unnest(%(roles)s::text[]) r WHERE has_table_privilege(r, c.oid, 'SELECT'))
GROUP BY c.oid, c.relname
"""

# Input arguments (IN, INOUT, VARIADIC) with their types, whether the trailing
# ones have defaults, and the result's columns: OUT/TABLE arguments, or the
# attributes of a composite return type.
_FUNCTIONS = """
SELECT p.proname, obj_description(p.oid, 'pg_proc'), p.proretset, p.provolatile = 'v',
       array(SELECT r FROM unnest(%(roles)s::text[]) r WHERE has_function_privilege(r, p.oid, 'EXECUTE')),
       (SELECT c.relname FROM pg_type t JOIN pg_class c ON c.oid = t.typrelid
        WHERE t.oid = p.prorettype AND c.relnamespace = p.pronamespace),
       coalesce(ins.names, '{}'), coalesce(ins.types, '{}'), p.pronargdefaults,
       coalesce(outs.names, comp.names, '{}'), coalesce(outs.types, comp.types, '{}')
FROM pg_proc p
LEFT JOIN LATERAL (
    SELECT array_agg(coalesce(p.proargnames[i], '') ORDER BY i) AS names,
           array_agg(format_type(coalesce(p.proallargtypes[i], p.proargtypes[i - 1]), NULL) ORDER BY i) AS types
    FROM generate_series(1, coalesce(array_length(p.proallargtypes, 1), p.pronargs)) i
    WHERE coalesce(p.proargmodes[i], 'i') IN ('i', 'b', 'v')) ins ON true
LEFT JOIN LATERAL (
    SELECT array_agg(p.proargnames[i] ORDER BY i) AS names,
           array_agg(format_type(p.proallargtypes[i], NULL) ORDER BY i) AS types
    FROM generate_series(1, array_length(p.proallargtypes, 1)) i
    WHERE p.proargmodes[i] IN ('o', 'b', 't')) outs ON true
LEFT JOIN LATERAL (
    SELECT array_agg(a.attname::text ORDER BY a.attnum) AS names,
           array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum) AS types
    FROM pg_type t JOIN pg_attribute a ON a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE t.oid = p.prorettype AND t.typrelid <> 0) comp ON true
WHERE p.pronamespace = %(schema)s::regnamespace AND p.prokind = 'f'
  AND EXISTS (SELECT FROM unnest(%(roles)s::text[]) r WHERE has_function_privilege(r, p.oid, 'EXECUTE'))
"""

# PostgREST applies the impersonated role's settings (ALTER ROLE ... SET) on
# each request, since SET ROLE alone does not.
_ROLE_SETTINGS = """
SELECT split_part(s, '=', 1), substr(s, strpos(s, '=') + 1)
FROM pg_db_role_setting d, unnest(d.setconfig) s
WHERE d.setrole = %(role)s::regrole AND d.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
ORDER BY d.setdatabase
"""

# The roles a token may name: those the authenticator can switch to.
_ROLES = """
SELECT coalesce(array_agg(rolname::text ORDER BY rolname), '{}') FROM pg_roles
WHERE pg_has_role(current_user, oid, 'MEMBER') AND rolname <> current_user
"""


async def load(conn: psycopg.AsyncConnection, schema: str, role: str) -> Catalog:
    catalog = Catalog(schema)
    cur = await conn.execute(_ROLES)
    roles = sorted({role, *(await cur.fetchone())[0]})
    params = {"schema": schema, "role": role, "roles": roles}
    cur = await conn.execute(_RELATIONS, params)
    by_oid: dict[int, tuple[str, str, dict[int, str]]] = {}
    for (
        oid,
        kind,
        attnums,
        name,
        description,
        readers,
        names,
        types,
        nullables,
        descriptions,
    ) in await cur.fetchall():
        catalog.relations[name] = Relation(
            name,
            description,
            {
                n: Column(n, t, nl, d)
                for n, t, nl, d in zip(names, types, nullables, descriptions, strict=True)
            },
            frozenset(readers),
        )
        by_oid[oid] = (name, kind, dict(zip(attnums, names, strict=True)))
    cur = await conn.execute(_FUNCTIONS, params)
    for (
        name,
        description,
        retset,
        volatile,
        callers,
        relation,
        in_names,
        in_types,
        ndefaults,
        out_names,
        out_types,
    ) in await cur.fetchall():
        if not all(in_names):
            # An unnamed argument cannot be given by name: a computed
            # relationship's row (embedded, never called), or a function the gateway cannot call.
            continue
        if name in catalog.functions:
            # Overloads: the gateway resolves calls by name alone, so it serves only the first.
            continue
        first_default = len(in_names) - ndefaults
        arguments = [
            Argument(n, t, i >= first_default)
            for i, (n, t) in enumerate(zip(in_names, in_types, strict=True))
        ]
        catalog.functions[name] = Function(
            name,
            description,
            arguments,
            retset,
            {n: Column(n, t, True, None) for n, t in zip(out_names, out_types, strict=True)},
            volatile,
            frozenset(callers),
            relation,
        )
    for each in roles:
        cur = await conn.execute(_ROLE_SETTINGS, {"role": each})
        catalog.roles[each] = [(k, v) for k, v in await cur.fetchall()]
    catalog.role_settings = catalog.roles[role]
    catalog.relationships = await relationships_module.load(conn, schema, role, by_oid)
    await conn.rollback()
    return catalog
