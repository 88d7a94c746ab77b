"""A small SOQL parser (no eval): `SELECT f1, Rel.f2 | COUNT() FROM Obj [WHERE ...] [ORDER BY f [ASC|DESC]
[NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]`.

WHERE supports =, !=, <>, <, <=, >, >=, [NOT] IN (literals | semi-join SELECT), LIKE, AND, OR, NOT, parentheses
(AND and OR cannot be mixed without them, as in SOQL), null, true/false, numbers, 'strings', date and datetime
literals, TODAY, YESTERDAY, TOMORROW, LAST_N_DAYS:n, NEXT_N_DAYS:n, N_DAYS_AGO:n, THIS_MONTH, LAST_MONTH.
Names are case-insensitive. Errors use Salesforce's codes and its `ERROR at Row:1:Column:n` messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .salesforce_errors import SfError
from .salesforce_schema import FieldDef, ObjectDef, Schema
from .salesforce_values import parse_date, parse_datetime

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^'\\]|\\.)*')
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*(?::\d+)?)
  | (?P<op>!=|<>|<=|>=|=|<|>)
  | (?P<punct>[(),])
""",
    re.VERBOSE,
)
_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    "'": "'",
    '"': '"',
    "\\": "\\",
    "%": "\\%",
    "_": "\\_",
}
_KEYWORDS = {
    "SELECT",
    "FROM",
    "WHERE",
    "AND",
    "OR",
    "NOT",
    "IN",
    "LIKE",
    "ORDER",
    "BY",
    "ASC",
    "DESC",
    "NULLS",
    "FIRST",
    "LAST",
    "LIMIT",
    "OFFSET",
    "NULL",
    "TRUE",
    "FALSE",
    "COUNT",
}
DATE_LITERALS = {"TODAY", "YESTERDAY", "TOMORROW", "THIS_MONTH", "LAST_MONTH"}
DATE_N_LITERALS = {"LAST_N_DAYS", "NEXT_N_DAYS", "N_DAYS_AGO"}
# Fields of the `Name` object that polymorphic relationships (What, Who, LinkedEntity) expose.
NAME_FIELDS = {
    "Id": FieldDef("Id", "id", "Id"),
    "Name": FieldDef("Name", "string", "Name"),
    "Type": FieldDef("Type", "string", "Type"),
}
CDL_RESTRICTION = (
    "Implementation restriction: ContentDocumentLink requires a filter by a single Id on "
    "ContentDocumentId or LinkedEntityId using the equals operator or multiple Id's using the IN "
    "operator."
)


@dataclass
class Token:
    kind: str
    text: str
    pos: int  # 0-based offset in the query

    @property
    def upper(self) -> str:
        return self.text.upper()


@dataclass
class FieldPath:
    """A selected or filtered field: direct (`Name`) or through one relationship (`Owner.Name`)."""

    text: str
    pos: int
    fd: FieldDef
    rel: FieldDef | None = None

    @property
    def key(self) -> tuple[str, ...]:
        return (self.rel.relationship or "", self.fd.name) if self.rel else (self.fd.name,)


@dataclass
class Literal:
    kind: str  # string | number | date | datetime | bool | null | dateliteral
    value: Any
    text: str
    pos: int


@dataclass
class Compare:
    path: FieldPath
    op: str
    value: Literal


@dataclass
class InList:
    path: FieldPath
    negate: bool
    values: list[Literal] | Query


@dataclass
class Like:
    path: FieldPath
    pattern: re.Pattern[str]


@dataclass
class BoolOp:
    op: str  # AND | OR | NOT
    parts: list[Condition]


Condition = Compare | InList | Like | BoolOp


@dataclass
class Query:
    """A parsed SOQL query; `count` is `SELECT COUNT()`."""

    sobject: ObjectDef
    fields: list[FieldPath] = field(default_factory=list)
    count: bool = False
    where: Condition | None = None
    order: list[tuple[FieldPath, bool, bool]] = field(default_factory=list)  # (path, descending, nulls_first)
    limit: int | None = None
    offset: int = 0
    children: list[Any] = field(default_factory=list)  # parent-to-child subqueries (`salesforce_subquery`)


def soql_error(code: str, soql: str, pos: int, message: str) -> SfError:
    """400 with Salesforce's caret-and-position message."""
    line_start = soql.rfind("\n", 0, pos) + 1
    line_end = soql.find("\n", pos)
    line = soql[line_start : line_end if line_end >= 0 else len(soql)]
    row, col = soql.count("\n", 0, pos) + 1, pos - line_start + 1
    return SfError(400, code, f"\n{line}\n{' ' * (col - 1)}^\nERROR at Row:{row}:Column:{col}\n{message}")


def tokenize(soql: str) -> list[Token]:
    """Split a query into tokens (MALFORMED_QUERY on an unexpected character)."""
    tokens, pos = [], 0
    while pos < len(soql):
        m = _TOKEN.match(soql, pos)
        if m is None:
            raise soql_error("MALFORMED_QUERY", soql, pos, f"unexpected token: '{soql[pos]}'")
        if m.lastgroup != "ws":
            tokens.append(Token(m.lastgroup or "", m.group(), pos))
        pos = m.end()
    return tokens


class Parser:
    """Recursive descent over the tokens of one query, resolving names against the org's schema."""

    def __init__(self, soql: str, schema: Schema) -> None:
        self.soql = soql
        self.schema = schema
        self.tokens = tokenize(soql)
        self.i = 0

    def _peek_upper(self) -> str:
        """The next token's upper-cased text ("" at the end)."""
        tok = self._peek()
        return tok.upper if tok is not None else ""

    def _peek(self, offset: int = 0) -> Token | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def _unexpected(self, tok: Token | None) -> SfError:
        if tok is None:
            return soql_error("MALFORMED_QUERY", self.soql, len(self.soql), "unexpected token: '<EOF>'")
        return soql_error("MALFORMED_QUERY", self.soql, tok.pos, f"unexpected token: '{tok.text}'")

    def _next(self) -> Token:
        tok = self._peek()
        if tok is None:
            raise self._unexpected(None)
        self.i += 1
        return tok

    def _accept(self, *words: str) -> bool:
        tok = self._peek()
        if tok is not None and tok.kind in ("name", "punct") and tok.upper in words:
            self.i += 1
            return True
        return False

    def _expect(self, word: str) -> Token:
        tok = self._next()
        if tok.upper != word:
            raise self._unexpected(tok)
        return tok

    def parse(self) -> Query:
        """The whole input must be exactly one query."""
        query = self._query()
        if self._peek() is not None:
            raise self._unexpected(self._peek())
        return query

    def _query(self) -> Query:
        self._expect("SELECT")
        raw_fields: list[Token] = []
        spans: list[tuple[int, int]] = []
        count = False
        if self._peek_upper() == "COUNT" and getattr(self._peek(1), "text", "") == "(":
            self.i += 1
            self._expect("(")
            self._expect(")")
            count = True
        else:
            while True:
                tok = self._next()
                if tok.text == "(":
                    spans.append(self._parenthesized(tok))
                elif tok.kind != "name" or tok.upper in _KEYWORDS - {"COUNT"}:
                    raise self._unexpected(tok)
                else:
                    raw_fields.append(tok)
                if not self._accept(","):
                    break
        self._expect("FROM")
        obj_tok = self._next()
        sobject = self.schema.get(obj_tok.text) if obj_tok.kind == "name" else None
        if sobject is None:
            raise soql_error(
                "INVALID_TYPE",
                self.soql,
                obj_tok.pos,
                f"sObject type '{obj_tok.text}' is not supported. If you are attempting to use a custom "
                "object, be sure to append the '__c' after the entity name. Please reference your WSDL "
                "or the describe call for the appropriate names.",
            )
        query = Query(sobject, [self._path(sobject, t) for t in raw_fields], count)
        if spans:
            from .salesforce_subquery import parse_child

            query.children = [parse_child(self.soql, a, b, self.schema, sobject.name) for a, b in spans]
        if self._accept("WHERE"):
            query.where = self._or(sobject)
        if self._accept("ORDER"):
            self._expect("BY")
            while True:
                path = self._path(sobject, self._next())
                desc = self._accept("DESC")
                if not desc:
                    self._accept("ASC")
                nulls_first = not desc
                if self._accept("NULLS"):
                    nulls_first = self._next().upper == "FIRST"
                query.order.append((path, desc, nulls_first))
                if not self._accept(","):
                    break
        if self._accept("LIMIT"):
            query.limit = self._int()
        if self._accept("OFFSET"):
            query.offset = self._int()
        return query

    def _parenthesized(self, opening: Token) -> tuple[int, int]:
        """The span of a parenthesized subquery in the select list (its text between the parentheses)."""
        depth = 1
        while depth:
            tok = self._next()
            depth += {"(": 1, ")": -1}.get(tok.text, 0) if tok.kind == "punct" else 0
        return opening.pos + 1, tok.pos

    def _int(self) -> int:
        tok = self._next()
        if tok.kind != "number" or not tok.text.isdigit():
            raise self._unexpected(tok)
        return int(tok.text)

    def _path(self, obj: ObjectDef, tok: Token) -> FieldPath:
        if tok.kind != "name":
            raise self._unexpected(tok)
        parts = tok.text.split(".")
        if parts[0].lower() == obj.name.lower() and len(parts) > 1:
            parts = parts[1:]
        if len(parts) == 1:
            fd = obj.field(parts[0])
            if fd is None:
                raise self._no_column(tok, parts[0], obj.name)
            return FieldPath(tok.text, tok.pos, fd)
        rel = obj.relationship(parts[0])
        if rel is None or len(parts) > 2:
            raise soql_error(
                "INVALID_FIELD",
                self.soql,
                tok.pos,
                f"Didn't understand relationship '{parts[0]}' in field path. If you are attempting to "
                "use a custom relationship, be sure to append the '__r' after the custom relationship "
                "name. Please reference your WSDL or the describe call for the appropriate names.",
            )
        if rel.polymorphic:
            fd = next((f for n, f in NAME_FIELDS.items() if n.lower() == parts[1].lower()), None)
            target_name = "Name"
        else:
            target = self.schema.get(rel.reference_to[0])
            fd = target.field(parts[1]) if target else None
            target_name = rel.reference_to[0]
        if fd is None:
            raise self._no_column(tok, parts[1], target_name)
        return FieldPath(tok.text, tok.pos, fd, rel)

    def _no_column(self, tok: Token, name: str, entity: str) -> SfError:
        return soql_error(
            "INVALID_FIELD",
            self.soql,
            tok.pos,
            f"No such column '{name}' on entity '{entity}'. If you are attempting to use a custom "
            "field, be sure to append the '__c' after the custom field name. Please reference your "
            "WSDL or the describe call for the appropriate names.",
        )

    def _or(self, obj: ObjectDef) -> Condition:
        parts = [self._not(obj)]
        joiner = None
        while self._peek_upper() in ("AND", "OR"):
            tok = self._next()
            if joiner is not None and tok.upper != joiner:
                raise self._unexpected(tok)  # SOQL needs parentheses to mix AND and OR
            joiner = tok.upper
            parts.append(self._not(obj))
        return parts[0] if joiner is None else BoolOp(joiner, parts)

    def _not(self, obj: ObjectDef) -> Condition:
        if self._accept("NOT"):
            return BoolOp("NOT", [self._not(obj)])
        if self._accept("("):
            inner = self._or(obj)
            self._expect(")")
            return inner
        path = self._path(obj, self._next())
        tok = self._next()
        if tok.kind == "op":
            return Compare(path, "!=" if tok.text == "<>" else tok.text, self._literal())
        negate = tok.upper == "NOT"
        if negate:
            tok = self._next()
        if tok.upper == "IN":
            self._expect("(")
            if self._peek_upper() == "SELECT":
                sub = self._query()
                if sub.count or len(sub.fields) != 1 or sub.fields[0].fd.type not in ("id", "reference"):
                    raise soql_error(
                        "MALFORMED_QUERY",
                        self.soql,
                        tok.pos,
                        "semi join sub-selects can only select one Id or reference field",
                    )
                self._expect(")")
                return InList(path, negate, sub)
            values = [self._literal()]
            while self._accept(","):
                values.append(self._literal())
            self._expect(")")
            return InList(path, negate, values)
        if tok.upper == "LIKE" and not negate:
            lit = self._literal()
            if lit.kind != "string":
                raise self._unexpected(self.tokens[self.i - 1])
            return Like(path, like_pattern(lit.value))
        raise self._unexpected(tok)

    def _literal(self) -> Literal:
        tok = self._next()
        up = tok.upper
        if tok.kind == "string":
            body = re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), tok.text[1:-1])
            return Literal("string", body, tok.text, tok.pos)
        if tok.kind == "number":
            return Literal("number", float(tok.text), tok.text, tok.pos)
        if tok.kind == "date":
            return Literal("date", parse_date(tok.text), tok.text, tok.pos)
        if tok.kind == "datetime":
            return Literal("datetime", parse_datetime(tok.text), tok.text, tok.pos)
        if up in ("TRUE", "FALSE"):
            return Literal("bool", up == "TRUE", tok.text, tok.pos)
        if up == "NULL":
            return Literal("null", None, tok.text, tok.pos)
        if up in DATE_LITERALS:
            return Literal("dateliteral", (up, 0), tok.text, tok.pos)
        name, _, n = up.partition(":")
        if name in DATE_N_LITERALS and n.isdigit():
            return Literal("dateliteral", (name, int(n)), tok.text, tok.pos)
        raise self._unexpected(tok)


def like_pattern(pattern: str) -> re.Pattern[str]:
    """A case-insensitive full-match regex for a LIKE pattern (% and _ wildcards, \\% and \\_ escaped)."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def parse(soql: str, schema: Schema) -> Query:
    """Parse and resolve a SOQL query (SfError 400 MALFORMED_QUERY / INVALID_FIELD / INVALID_TYPE)."""
    query = Parser(soql, schema).parse()
    if query.sobject.name == "ContentDocumentLink" and not _cdl_filtered(query.where):
        raise SfError(400, "MALFORMED_QUERY", CDL_RESTRICTION)
    return query


def _cdl_filtered(cond: Condition | None) -> bool:
    if isinstance(cond, BoolOp):
        return cond.op == "AND" and any(_cdl_filtered(p) for p in cond.parts)
    if isinstance(cond, (Compare, InList)) and cond.path.rel is None:
        if cond.path.fd.name not in ("ContentDocumentId", "LinkedEntityId"):
            return False
        return (isinstance(cond, Compare) and cond.op == "=") or (isinstance(cond, InList) and not cond.negate)
    return False
