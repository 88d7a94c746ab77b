"""SOQL parent-to-child relationship subqueries: `SELECT Id, (SELECT StageName FROM OpportunityHistories ORDER BY
CreatedDate DESC), (SELECT Id FROM Tasks) FROM Opportunity WHERE Id = '…'`.

Salesforce: "Query parent-to-child relationships … using subqueries enclosed in parentheses … For standard object
subqueries, the name of the relationship is the plural name of the child object" (SOQL and SOSL Reference, Using
Relationship Queries); each parent row carries the subquery's result as a nested query result (`totalSize`, `done`,
`records`), null when the parent has no such children (Understanding Query Results). The org's child relationships
are the ones below (the describe's `childRelationships` of Opportunity name them); the child's own WHERE, ORDER BY
and LIMIT apply per parent.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .salesforce_ids import to18
from .salesforce_schema import Schema
from .salesforce_soql import Parser, Query, soql_error
from .salesforce_store import Record

if TYPE_CHECKING:
    from .salesforce_query import Evaluator

# (parent sObject, relationship name) → (child sObject, the child's lookup field to the parent).
CHILD_RELATIONSHIPS: dict[tuple[str, str], tuple[str, str]] = {
    ("opportunity", "opportunityhistories"): ("OpportunityHistory", "OpportunityId"),
    ("opportunity", "tasks"): ("Task", "WhatId"),
    ("opportunity", "events"): ("Event", "WhatId"),
    ("opportunity", "contentdocumentlinks"): ("ContentDocumentLink", "LinkedEntityId"),
}


@dataclass
class ChildQuery:
    """One subquery of the select list: its relationship name as written, the child query and the lookup field."""

    name: str
    query: Query
    lookup: str
    # The children of every parent, grouped once (a parsed query runs once); the child's LIMIT applies per parent.
    _grouped: dict[str, list[Record]] | None = None

    def of(self, ev: Evaluator, parent_id: str) -> list[Record]:
        """This parent's children, filtered and ordered by the subquery, then cut by its OFFSET and LIMIT."""
        if self._grouped is None:
            self._grouped = {}
            for r in ev.run(dataclasses.replace(self.query, limit=None, offset=0)):
                self._grouped.setdefault(to18(str(ev.view(r).get(self.lookup) or "")) or "", []).append(r)
        rows = self._grouped.get(to18(parent_id) or "", [])
        end = None if self.query.limit is None else self.query.offset + self.query.limit
        return rows[self.query.offset : end]


def parse_child(soql: str, start: int, end: int, schema: Schema, parent: str) -> ChildQuery:
    """The subquery between the parentheses at soql[start:end], resolved against the parent's child relationships."""
    inner = soql[start:end]
    tokens = Parser(inner, schema).tokens
    names = [i for i, t in enumerate(tokens) if t.upper == "FROM"]
    if not names or names[0] + 1 >= len(tokens):
        raise soql_error("MALFORMED_QUERY", soql, start, "unexpected token: '('")
    rel_tok = tokens[names[0] + 1]
    child = CHILD_RELATIONSHIPS.get((parent.lower(), rel_tok.text.lower()))
    if child is None:
        raise soql_error(
            "INVALID_TYPE",
            soql,
            start + rel_tok.pos,
            f"Didn't understand relationship '{rel_tok.text}' in FROM part of query call. If you are attempting to "
            "use a custom relationship, be sure to append the '__r' after the custom relationship name. Please "
            "reference your WSDL or the describe call for the appropriate names.",
        )
    child_name, lookup = child
    # The child query parses as a query on the child sObject (the relationship name stands for it).
    resolved = inner[: rel_tok.pos] + child_name + inner[rel_tok.pos + len(rel_tok.text) :]
    query = Parser(resolved, schema).parse()
    if query.count or query.children:
        raise soql_error("MALFORMED_QUERY", soql, start, "unexpected token: 'COUNT'" if query.count else "(")
    return ChildQuery(rel_tok.text, query, lookup)


def render_children(ev: Evaluator, query: Query, rec: Record, version: str, out: dict[str, Any]) -> None:
    """Each subquery's result on one parent row: a nested query result, or null when it has no such children."""
    from .salesforce_query import render

    for child in query.children:
        rows = child.of(ev, rec.id)
        out[child.name] = (
            {"totalSize": len(rows), "done": True, "records": [render(ev, child.query, r, version) for r in rows]}
            if rows
            else None
        )
