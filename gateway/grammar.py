"""PostgREST's URL grammar: select= with aliases and resource embedding
(name[!hint][!inner](...), ...spread(...)), horizontal filters
(column=[not.]op.value), logic trees (or=(...), and=(...), nested, with
not.), order=, limit= and offset=, each also on an embedded resource
(entrants.order=..., odds_history.limit=5, entrants.or=(...)). Parsing only:
names are checked against the catalog and every value gets a numbered slot
that the SQL builder binds, never writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, parse_error

OPERATORS = {
    "eq": "=",
    "neq": "<>",
    "gt": ">",
    "gte": ">=",
    "lt": "<",
    "lte": "<=",
    "like": "LIKE",
    "ilike": "ILIKE",
    "match": "~",
    "imatch": "~*",
    "in": "IN",
    "is": "IS",
    "isdistinct": "IS DISTINCT FROM",
    "cs": "@>",
    "cd": "<@",
    "ov": "&&",
}
IS_VALUES = {"null": "NULL", "not_null": "NOT NULL", "true": "TRUE", "false": "FALSE", "unknown": "UNKNOWN"}
# PostgREST operators the gateway does not implement: refused with PGRST127 (docs/client-grammar.md).
NOT_IMPLEMENTED_OPERATORS = {"fts", "plfts", "phfts", "wfts", "sl", "sr", "nxl", "nxr", "adj"}
LOGIC = ("or", "and", "not.or", "not.and")
# PostgreSQL's limit on identifiers (NAMEDATALEN - 1): it would cut a longer
# alias short (PostgREST answers with the key cut), and no column is longer.
MAX_IDENTIFIER = 63
UNSUPPORTED = {"columns", "on_conflict"}
AGGREGATES = ("count", "sum", "avg", "max", "min")


@dataclass(frozen=True)
class Filter:
    column: str
    operator: str  # a key of OPERATORS
    negated: bool
    value: str | list[str]  # a list for `in`; for `is`, a key of IS_VALUES
    slot: int = -1  # the first value's number in Query.values (-1: none bound)

    def key(self) -> tuple:
        return (
            "f",
            self.column,
            self.operator,
            self.negated,
            self.slot,
            len(self.value) if self.operator == "in" else self.value if self.operator == "is" else None,
        )


@dataclass(frozen=True)
class Logic:
    operator: str  # "and" or "or"
    negated: bool
    children: tuple[Filter | Logic, ...]

    def key(self) -> tuple:
        return ("l", self.operator, self.negated, tuple(c.key() for c in self.children))


Condition = Filter | Logic


@dataclass(frozen=True)
class SelectItem:
    column: str
    alias: str | None

    def key(self) -> tuple:
        return ("c", self.column, self.alias)


@dataclass(frozen=True)
class Star:
    def key(self) -> tuple:
        return ("*",)


@dataclass(frozen=True)
class OrderItem:
    column: str
    descending: bool
    nulls: str | None  # "first", "last" or None (PostgreSQL's default)


@dataclass
class Node:
    """One level of a read: the relation's columns and embeds, its filters,
    order and page. The root is the requested relation; each Embed has one."""

    select: list[SelectItem | Star | Embed] | None = None  # None: every column
    filters: list[Condition] = field(default_factory=list)
    order: list[OrderItem] = field(default_factory=list)
    limit_slot: int | None = None  # embedded levels: slots of their limit and offset
    offset_slot: int | None = None

    def key(self) -> tuple:
        return (
            None if self.select is None else tuple(i.key() for i in self.select),
            tuple(f.key() for f in self.filters),
            tuple(self.order),
            self.limit_slot,
            self.offset_slot,
        )

    def embeds(self) -> list[Embed]:
        return [i for i in self.select or [] if isinstance(i, Embed)]


@dataclass
class Embed:
    name: str  # a relation (or a computed relationship's function) of the schema
    alias: str | None
    hint: str | None  # a foreign key's name or one of its columns: name!hint(...)
    inner: bool  # name!inner(...): only parent rows that have one
    spread: bool  # ...name(...): its columns lifted into the parent
    node: Node

    @property
    def label(self) -> str:
        return self.alias or self.name

    def key(self) -> tuple:
        return ("e", self.name, self.alias, self.hint, self.inner, self.spread, self.node.key())


@dataclass
class Query:
    root: Node = field(default_factory=Node)
    limit: int | None = None
    offset: int = 0
    values: list[Any] = field(default_factory=list)  # bound values, by slot
    other: dict[str, str] = field(default_factory=dict)  # function arguments of a GET /rpc call

    # The flat view of the root, as the rest of the gateway reads it.
    @property
    def select(self) -> list | None:
        return self.root.select

    @property
    def filters(self) -> list[Condition]:
        return self.root.filters

    @property
    def order(self) -> list[OrderItem]:
        return self.root.order

    def bind(self, value: Any) -> int:
        self.values.append(value)
        return len(self.values) - 1


def not_implemented(details: str) -> ApiError:
    """PostgREST's own shape for what it has and this server lacks."""
    return ApiError(400, "PGRST127", "Feature not implemented", details)


def _check_identifier(name: str, what: str, parameter: str) -> None:
    if len(name.encode()) > MAX_IDENTIFIER:
        raise parse_error(
            f'"failed to parse {parameter} parameter: {what} too long"',
            f"{what.capitalize()}s are at most {MAX_IDENTIFIER} bytes (PostgreSQL's limit on names); "
            f"this one is {len(name.encode())}",
        )


def _integer(name: str, raw: str) -> int:
    body = raw[1:] if raw.startswith("-") else raw
    if not body.isdigit() or len(body) > 18:
        raise parse_error(f'"failed to parse {name} parameter ({raw})"', f"{name} must be an integer")
    return int(raw)


def _limit(raw: str) -> int:
    value = _integer("limit", raw)
    if value < 0:
        raise ApiError(
            416,
            "PGRST103",
            "Requested range not satisfiable",
            "Limit should be greater than or equal to zero.",
        )
    return value


def _offset(raw: str) -> int:
    return max(_integer("offset", raw), 0)  # a negative offset is a no-op, as in PostgREST


# -- select ------------------------------------------------------------------


def _split_top(raw: str, whole: str, what: str) -> list[str]:
    """Split on commas outside parentheses and double quotes."""
    parts, depth, quoted, start, i = [], 0, False, 0, 0
    while i < len(raw):
        ch = raw[i]
        if quoted:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise parse_error(f'"failed to parse {what} ({whole})"', 'unexpected ")"')
        elif ch == "," and depth == 0:
            parts.append(raw[start:i])
            start = i + 1
        i += 1
    if depth or quoted:
        raise parse_error(
            f'"failed to parse {what} ({whole})"', 'unexpected end of input: a ")" or a \'"\' is missing'
        )
    parts.append(raw[start:])
    return parts


def _unquote_name(name: str) -> str:
    name = name.strip()
    if len(name) >= 2 and name[0] == '"' and name[-1] == '"':
        return name[1:-1].replace('\\"', '"')
    return name


def _select_items(raw: str, whole: str) -> list[SelectItem | Star | Embed]:
    items: list[SelectItem | Star | Embed] = []
    for part in _split_top(raw, whole, "select parameter"):
        part = part.strip()
        if not part:
            raise parse_error(f'"failed to parse select parameter ({whole})"', "empty column name")
        items.append(_select_item(part, whole))
    return items


def _select_item(part: str, whole: str) -> SelectItem | Star | Embed:
    fail = f'"failed to parse select parameter ({whole})"'
    if part == "*":
        return Star()
    spread = part.startswith("...")
    if spread:
        part = part[3:]
    head, paren, rest = part.partition("(")
    alias, sep, name = head.partition(":")
    if not sep or name.startswith(":"):  # no alias, or a cast (col::type)
        alias, name = "", head
    if paren:
        if not rest.endswith(")"):
            raise parse_error(fail, f'unexpected text after the embedded resource "{head}"')
        body = rest[:-1]
        name, *marks = name.split("!")
        name = _unquote_name(name)
        if name in AGGREGATES and not body.strip() or "." in name and name.rsplit(".", 1)[1] in AGGREGATES:
            raise ApiError(400, "PGRST123", "Use of aggregate functions is not allowed")
        if spread and alias:
            raise parse_error(fail, "a spread embed takes no alias")
        hint, inner = None, False
        for mark in marks:
            if mark in ("inner", "left"):
                inner = mark == "inner"
            elif hint is None and mark:
                hint = mark
            else:
                raise parse_error(fail, f'unexpected "!{mark}"')
        if not name:
            raise parse_error(fail, "empty embedded resource name")
        _check_identifier(name, "embedded resource name", "select")
        _check_identifier(alias, "alias", "select")
        node = Node(select=_select_items(body, whole) if body.strip() else [])
        if node.select == [Star()]:
            node.select = None
        return Embed(name, alias or None, hint, inner, spread, node)
    if spread:
        raise parse_error(fail, "... spreads an embedded resource: ...name(columns)")
    if "::" in name:
        raise not_implemented(f"casts in select are not supported by this server ({part})")
    if "->" in name:
        raise not_implemented(f"JSON paths in select are not supported by this server ({part})")
    name = _unquote_name(name)
    if not name:
        raise parse_error(fail, "empty column name")
    _check_identifier(name, "column name", "select")
    _check_identifier(alias, "alias", "select")
    return SelectItem(name, alias or None)


def parse_select(raw: str) -> list[SelectItem | Star | Embed] | None:
    items = _select_items(raw, raw)
    return None if items == [Star()] else items


# -- order -------------------------------------------------------------------


def parse_order(raw: str) -> list[OrderItem]:
    items: list[OrderItem] = []
    for part in raw.split(","):
        column, *modifiers = part.strip().split(".")
        descending, nulls = False, None
        if "(" in column:
            raise not_implemented(
                f"ordering by an embedded resource's column is not supported by this server ({part})"
            )
        if "->" in column:
            raise not_implemented(f"JSON paths in order are not supported by this server ({part})")
        if not column or len(modifiers) > 2:
            raise parse_error(
                f'"failed to parse order ({raw})"', "expected column[.asc|.desc][.nullsfirst|.nullslast]"
            )
        for modifier in modifiers:
            if modifier in ("asc", "desc"):
                descending = modifier == "desc"
            elif modifier in ("nullsfirst", "nullslast"):
                nulls = modifier[5:]
            else:
                raise parse_error(
                    f'"failed to parse order ({raw})"',
                    f'unexpected "{modifier}": expected asc, desc, nullsfirst or nullslast',
                )
        _check_identifier(column, "column name", "order")
        items.append(OrderItem(column, descending, nulls))
    return items


# -- filters -----------------------------------------------------------------


def _list_values(body: str, whole: str) -> list[str]:
    values, current, quoted, i, was_quoted = [], [], False, 0, False
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
            quoted = was_quoted = True
        elif ch == ",":
            values.append("".join(current) if was_quoted else "".join(current).strip())
            current, was_quoted = [], False
        else:
            current.append(ch)
        i += 1
    if quoted:
        raise parse_error(f'"failed to parse filter ({whole})"', "unterminated double quote in the list")
    if body:
        values.append("".join(current) if was_quoted else "".join(current).strip())
    return values


def parse_in_list(raw: str, whole: str) -> list[str]:
    if not (raw.startswith("(") and raw.endswith(")")):
        raise parse_error(f'"failed to parse filter ({whole})"', "in takes a list: in.(a,b,c)")
    return _list_values(raw[1:-1], whole)


def _unquote_value(value: str) -> str:
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        out, i, body = [], 0, value[1:-1]
        while i < len(body):
            if body[i] == "\\" and i + 1 < len(body):
                i += 1
            out.append(body[i])
            i += 1
        return "".join(out)
    return value


def parse_filter(column: str, raw: str, query: Query | None = None, in_logic: bool = False) -> Filter:
    negated = raw.startswith("not.")
    rest = raw[4:] if negated else raw
    operator, dot, value = rest.partition(".")
    if "(" in operator and operator.split("(")[0] in OPERATORS:
        raise not_implemented(f"the operator modifier {operator} (any/all) is not supported by this server")
    if operator in NOT_IMPLEMENTED_OPERATORS:
        raise not_implemented(f"the operator {operator} is not supported by this server")
    if not dot or operator not in OPERATORS:
        raise parse_error(
            f'"failed to parse filter ({raw})"',
            f"unknown operator; this server supports: {', '.join(OPERATORS)} (with optional not.)",
        )
    if in_logic and operator != "in":
        value = _unquote_value(value)
    if operator == "in":
        values = parse_in_list(value, raw)
        slot = -1
        if query is not None and values:
            slot = len(query.values)
            query.values.extend(values)
        return Filter(column, operator, negated, values, slot)
    if operator == "is":
        if value.lower() not in IS_VALUES:
            raise parse_error(f'"failed to parse filter ({raw})"', f"is takes one of: {', '.join(IS_VALUES)}")
        return Filter(column, operator, negated, value.lower())
    if operator in ("like", "ilike"):
        value = value.replace("*", "%")
    return Filter(column, operator, negated, value, query.bind(value) if query is not None else -1)


def parse_logic(operator: str, raw: str, query: Query, whole: str | None = None) -> Logic:
    """or=(a.eq.1,and(b.gt.2,c.not.is.null)) and the like: children are
    column.[not.]op.value or nested [not.]and(...)/[not.]or(...)."""
    whole = whole or raw
    negated = operator.startswith("not.")
    op = operator[4:] if negated else operator
    fail = f'"failed to parse logic tree ({whole})"'
    raw = raw.strip()
    if not (raw.startswith("(") and raw.endswith(")")) or not raw[1:-1].strip():
        raise parse_error(fail, f"{op} takes a parenthesised list: {op}=(a.eq.1,b.eq.2)")
    children: list[Filter | Logic] = []
    for part in _split_top(raw[1:-1], whole, "logic tree"):
        part = part.strip()
        head, paren, body = part.partition("(")
        if head.strip() in LOGIC and paren:
            children.append(parse_logic(head.strip(), "(" + body.strip(), query, whole))
            continue
        column, dot, rest = part.partition(".")
        if not dot or not column or not rest:
            raise parse_error(fail, f'expected column.operator.value, not "{part}"')
        if "->" in column:
            raise not_implemented(f"JSON paths in filters are not supported by this server ({part})")
        column = _unquote_name(column)
        _check_identifier(column, "column name", "filter")
        children.append(parse_filter(column, rest, query, in_logic=True))
    return Logic(op, negated, tuple(children))


# -- the whole query string --------------------------------------------------


def _find_node(root: Node, path: list[str], parameter: str) -> Node:
    node = root
    for name in path:
        match = [e for e in node.embeds() if e.label == name]
        if not match:
            aliased = [e for e in node.embeds() if e.alias and e.name == name]
            if aliased:
                raise ApiError(
                    400,
                    "PGRST108",
                    f"'{name}' is not an embedded resource in this request",
                    "Target names are not allowed in filters if they have an alias",
                    f"Change '{name}' to '{aliased[0].alias}' in filters, orders or limits.",
                )
            raise ApiError(
                400,
                "PGRST108",
                f"'{name}' is not an embedded resource in this request",
                None,
                f"Verify that '{name}' is included in the 'select' query parameter.",
            )
        node = match[0].node
    return node


def parse(params: list[tuple[str, str]], argument_names: set[str] | None = None) -> Query:
    """Parse a query string's pairs. For a GET /rpc call, argument_names are
    the function's arguments: those pairs are arguments, the rest filters."""
    query = Query()
    embedded: list[tuple[list[str], str, str]] = []
    for name, value in params:
        if argument_names is not None and name in argument_names:
            if name in query.other:
                raise parse_error(f'"argument {name} is given twice"')
            query.other[name] = value
        elif name == "select":
            query.root.select = parse_select(value)
        elif name == "order":
            query.root.order = parse_order(value)
        elif name == "limit":
            query.limit = _limit(value)
        elif name == "offset":
            query.offset = _offset(value)
        elif name in LOGIC:
            query.root.filters.append(parse_logic(name, value, query))
        elif name in UNSUPPORTED:
            raise not_implemented(f"{name} is for writes, which this server serves through /rpc functions")
        elif not name:
            raise parse_error('"empty parameter name"')
        elif "." in name:
            embedded.append((*_split_key(name), value))
        else:
            if "->" in name:
                raise not_implemented(f"JSON paths in filters are not supported by this server ({name})")
            _check_identifier(name, "column name", "filter")
            query.root.filters.append(parse_filter(name, value, query))
    for path, key, value in embedded:
        node = _find_node(query.root, path, key)
        if key == "order":
            node.order = parse_order(value)
        elif key == "limit":
            node.limit_slot = query.bind(_limit(value))
        elif key == "offset":
            node.offset_slot = query.bind(_offset(value))
        elif key in LOGIC:
            node.filters.append(parse_logic(key, value, query))
        elif key == "select":
            raise parse_error(
                f'"failed to parse {".".join(path)}.select"', "columns of an embed go in select="
            )
        else:
            _check_identifier(key, "column name", "filter")
            node.filters.append(parse_filter(key, value, query))
    return query


def _split_key(name: str) -> tuple[list[str], str]:
    """entrants.runner_number -> (["entrants"], "runner_number"); races.not.or -> (["races"], "not.or")."""
    parts = name.split(".")
    if len(parts) >= 3 and parts[-2] == "not" and parts[-1] in ("or", "and"):
        return parts[:-2], "not." + parts[-1]
    return parts[:-1], parts[-1]
