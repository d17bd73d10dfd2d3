"""PostgREST's URL grammar, the subset the client uses: vertical filtering
(select=), horizontal filtering (column=[not.]op.value with eq neq gt gte lt
lte in is like ilike), order=, limit= and offset=. Parsing only: names are
checked against the catalog and values bound by the SQL builder."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import parse_error

OPERATORS = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=",
             "like": "LIKE", "ilike": "ILIKE", "in": "IN", "is": "IS"}
IS_VALUES = {"null": "NULL", "not_null": "NOT NULL", "true": "TRUE", "false": "FALSE", "unknown": "UNKNOWN"}
RESERVED = {"select", "order", "limit", "offset"}
# PostgreSQL's limit on identifiers (NAMEDATALEN - 1): it would cut a longer
# alias short (PostgREST answers with the key cut), and no column is longer.
MAX_IDENTIFIER = 63
UNSUPPORTED = {"or", "and", "not.or", "not.and", "columns", "on_conflict"}


@dataclass(frozen=True)
class Filter:
    column: str
    operator: str          # a key of OPERATORS
    negated: bool
    value: str | list[str]  # a list for `in`; for `is`, a key of IS_VALUES


@dataclass(frozen=True)
class SelectItem:
    column: str
    alias: str | None


@dataclass(frozen=True)
class OrderItem:
    column: str
    descending: bool
    nulls: str | None      # "first", "last" or None (PostgreSQL's default)


@dataclass
class Query:
    select: list[SelectItem] | None = None  # None: every column
    filters: list[Filter] = field(default_factory=list)
    order: list[OrderItem] = field(default_factory=list)
    limit: int | None = None
    offset: int = 0
    other: dict[str, str] = field(default_factory=dict)  # function arguments of a GET /rpc call


def _check_identifier(name: str, what: str, parameter: str) -> None:
    if len(name.encode()) > MAX_IDENTIFIER:
        raise parse_error(f'"failed to parse {parameter} parameter: {what} too long"',
                          f"{what.capitalize()}s are at most {MAX_IDENTIFIER} bytes (PostgreSQL's limit on names); "
                          f"this one is {len(name.encode())}")


def _non_negative(name: str, raw: str) -> int:
    if not raw.isdigit() or len(raw) > 18:
        raise parse_error(f'"failed to parse {name} parameter ({raw})"', f"{name} must be a non-negative integer")
    return int(raw)


def parse_select(raw: str) -> list[SelectItem] | None:
    parts = [part.strip() for part in raw.split(",")]
    if parts == ["*"]:
        return None
    items: list[SelectItem] = []
    for part in parts:
        problem = None
        if part == "*":
            problem = "* cannot be combined with columns"
        elif "(" in part or ")" in part:
            problem = "resource embedding is not supported by this server"
        elif "::" in part:
            problem = "casts are not supported by this server"
        alias, sep, column = part.partition(":")
        if not sep:
            alias, column = "", part
        if not problem and not column:
            problem = "empty column name"
        if problem:
            raise parse_error(f'"failed to parse select parameter ({raw})"', problem)
        _check_identifier(column, "column name", "select")
        _check_identifier(alias, "alias", "select")
        items.append(SelectItem(column, alias or None))
    return items


def parse_order(raw: str) -> list[OrderItem]:
    items: list[OrderItem] = []
    for part in raw.split(","):
        column, *modifiers = part.strip().split(".")
        descending, nulls = False, None
        if not column or len(modifiers) > 2:
            raise parse_error(f'"failed to parse order ({raw})"', "expected column[.asc|.desc][.nullsfirst|.nullslast]")
        for modifier in modifiers:
            if modifier in ("asc", "desc"):
                descending = modifier == "desc"
            elif modifier in ("nullsfirst", "nullslast"):
                nulls = modifier[5:]
            else:
                raise parse_error(f'"failed to parse order ({raw})"',
                                  f'unexpected "{modifier}": expected asc, desc, nullsfirst or nullslast')
        _check_identifier(column, "column name", "order")
        items.append(OrderItem(column, descending, nulls))
    return items


def parse_in_list(raw: str, whole: str) -> list[str]:
    if not (raw.startswith("(") and raw.endswith(")")):
        raise parse_error(f'"failed to parse filter ({whole})"', "in takes a list: in.(a,b,c)")
    body, values, current, quoted, i = raw[1:-1], [], [], False, 0
    while i < len(body):
        ch = body[i]
        if quoted:
            if ch == "\\" and i + 1 < len(body):
                current.append(body[i + 1])
                i += 1
            elif ch == '"':
                quoted = False
            else:
                current.append(ch)
        elif ch == '"':
            quoted = True
        elif ch == ",":
            values.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    if quoted:
        raise parse_error(f'"failed to parse filter ({whole})"', "unterminated double quote in the list")
    if body:
        values.append("".join(current))
    return values


def parse_filter(column: str, raw: str) -> Filter:
    negated = raw.startswith("not.")
    rest = raw[4:] if negated else raw
    operator, dot, value = rest.partition(".")
    if not dot or operator not in OPERATORS:
        raise parse_error(f'"failed to parse filter ({raw})"',
                          f"unknown operator; this server supports: {', '.join(OPERATORS)} (with optional not.)")
    if operator == "in":
        return Filter(column, operator, negated, parse_in_list(value, raw))
    if operator == "is" and value not in IS_VALUES:
        raise parse_error(f'"failed to parse filter ({raw})"', f"is takes one of: {', '.join(IS_VALUES)}")
    if operator in ("like", "ilike"):
        value = value.replace("*", "%")
    return Filter(column, operator, negated, value)


def parse(params: list[tuple[str, str]], argument_names: set[str] | None = None) -> Query:
    """Parse a query string's pairs. For a GET /rpc call, argument_names are
    the function's arguments: those pairs are arguments, the rest filters."""
    query = Query()
    for name, value in params:
        if argument_names is not None and name in argument_names:
            if name in query.other:
                raise parse_error(f'"argument {name} is given twice"')
            query.other[name] = value
        elif name == "select":
            query.select = parse_select(value)
        elif name == "order":
            query.order = parse_order(value)
        elif name == "limit":
            query.limit = _non_negative("limit", value)
        elif name == "offset":
            query.offset = _non_negative("offset", value)
        elif name in UNSUPPORTED:
            raise parse_error(f'"{name} is not supported by this server"',
                              "supported: select, order, limit, offset and column filters")
        elif not name:
            raise parse_error('"empty parameter name"')
        else:
            _check_identifier(name, "column name", "filter")
            query.filters.append(parse_filter(name, value))
    return query

