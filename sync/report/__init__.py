"""Manager reporting: seed 003's monthly process table, seed 001's follow-up KPIs, SLA compliance, rubric trends.

The modules here are pure functions of a `ReportInput` (read from the CRM by `collect`), so every figure can be
checked against hand-computed values without a server.
"""
